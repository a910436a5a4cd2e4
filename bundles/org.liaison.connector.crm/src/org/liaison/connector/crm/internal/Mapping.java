package org.liaison.connector.crm.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.liaison.api.crm.CrmRecord;
import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.Appointment;
import org.liaison.api.model.Contact;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.FieldCodec;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.model.ParticipationType;
import org.liaison.api.model.RecordRef;
import org.liaison.api.model.Task;

/**
 * Liaison's item field maps to and from Dynamics records. Standard Dynamics columns where Dynamics has
 * them; the {@code liaison_} columns of Liaison's solution for what it lacks (time zones, recurrence,
 * references, display names), so that nothing is lost on the way through the CRM.
 */
final class Mapping {

	/** Entity sets a party or lookup may point to, by logical name. */
	private static final Map<String, String> SETS = Map.of("systemuser", "systemusers", "contact", "contacts", "account",
			"accounts", "lead", "leads", "opportunity", "opportunities", "email", "emails", "appointment", "appointments",
			"task", "tasks");
	private static final Set<String> PARTY_TARGETS = Set.of("systemusers", "contacts", "accounts", "leads");
	private static final Set<String> REGARDING_TARGETS = Set.of("accounts", "contacts", "leads", "opportunities");

	final ItemKind kind;
	final String set;
	final String key;
	final String logical;
	final String partiesNav;

	Mapping(ItemKind kind) {
		this.kind = kind;
		this.set = kind.entitySet();
		this.key = WebApiClient.key(set);
		this.logical = switch (kind) {
			case CONTACT -> "contact";
			case APPOINTMENT -> "appointment";
			case TASK -> "task";
			case EMAIL -> "email";
		};
		this.partiesNav = kind == ItemKind.CONTACT ? null : logical + "_activity_parties";
	}

	/** The columns read for items. */
	List<String> select() {
		return switch (kind) {
			case CONTACT -> List.of("contactid", "firstname", "lastname", "liaison_fullname", "liaison_company", "jobtitle",
					"emailaddress1", "emailaddress2", "emailaddress3", "telephone1", "mobilephone", "telephone2",
					"address1_line1", "address1_city", "address1_postalcode", "address1_stateorprovince", "address1_country",
					"birthdate", "websiteurl", "description", "_parentcustomerid_value", "modifiedon");
			case APPOINTMENT -> List.of("activityid", "globalobjectid", "subject", "location", "description",
					"scheduledstart", "scheduledend", "isalldayevent", "liaison_timezone", "liaison_rrule", "liaison_rdates",
					"liaison_exdates", "liaison_overrides", "liaison_recurrenceid", "liaison_reminderminutes",
					"liaison_showasbusy", "_regardingobjectid_value", "modifiedon");
			case TASK -> List.of("activityid", "liaison_uid", "subject", "description", "scheduledstart", "scheduledend",
					"liaison_timezone", "actualend", "statecode", "statuscode", "prioritycode", "percentcomplete",
					"_regardingobjectid_value", "modifiedon");
			case EMAIL -> List.of("activityid", "messageid", "inreplyto", "liaison_references", "subject", "senton",
					"description", "liaison_bodyhtml", "liaison_bodyref", "liaison_attachments", "liaison_headers",
					"directioncode", "_regardingobjectid_value", "modifiedon");
		};
	}

	String expand() {
		return partiesNav == null ? null
				: partiesNav + "($select=participationtypemask,addressused,liaison_displayname,_partyid_value)";
	}

	/** A name for messages: "the contact 'Ada Lovelace'". */
	String describe(ItemData d) {
		String name = switch (kind) {
			case CONTACT -> Contact.fromData(d).displayName();
			default -> d.get("subject");
		};
		return "the " + logical + (name == null || name.isBlank() ? "" : " '" + name + "'");
	}

	// ---------------------------------------------------------------- to the CRM

	Map<String, Object> toCrm(ItemData d) {
		Map<String, Object> f = new LinkedHashMap<>();
		switch (kind) {
			case CONTACT -> {
				Contact c = Contact.fromData(d);
				f.put("firstname", c.firstName());
				f.put("lastname", c.lastName());
				f.put("liaison_fullname", c.fullName());
				f.put("liaison_company", c.company());
				f.put("jobtitle", c.jobTitle());
				f.put("emailaddress1", c.email1());
				f.put("emailaddress2", c.email2());
				f.put("emailaddress3", c.email3());
				f.put("telephone1", c.businessPhone());
				f.put("mobilephone", c.mobilePhone());
				f.put("telephone2", c.homePhone());
				f.put("address1_line1", c.street());
				f.put("address1_city", c.city());
				f.put("address1_postalcode", c.postalCode());
				f.put("address1_stateorprovince", c.region());
				f.put("address1_country", c.country());
				f.put("birthdate", c.birthday() == null ? null : c.birthday().toString());
				f.put("websiteurl", c.website());
				f.put("description", c.notes());
				bind(f, "parentcustomerid", c.parentAccount(), Set.of("accounts", "contacts"));
			}
			case APPOINTMENT -> {
				Appointment a = Appointment.fromData(d);
				f.put("globalobjectid", a.uid());
				f.put("subject", a.subject());
				f.put("location", a.location());
				f.put("description", a.description());
				f.put("scheduledstart", a.startInstant().toString());
				f.put("scheduledend", a.endInstant().toString());
				f.put("isalldayevent", a.allDay());
				f.put("liaison_timezone", d.get(Appointment.TIME_ZONE));
				f.put("liaison_rrule", a.rrule());
				f.put("liaison_rdates", d.get(Appointment.RDATES));
				f.put("liaison_exdates", d.get(Appointment.EXDATES));
				f.put("liaison_overrides", d.get(Appointment.OVERRIDES));
				f.put("liaison_recurrenceid", d.get(Appointment.RECURRENCE_ID));
				f.put("liaison_reminderminutes", a.reminderMinutes());
				f.put("liaison_showasbusy", a.busy() ? null : Boolean.FALSE);
				bind(f, "regardingobjectid", a.regarding(), REGARDING_TARGETS);
				List<ActivityParty> parties = new ArrayList<>();
				if (a.organizer() != null) {
					parties.add(a.organizer());
				}
				parties.addAll(a.attendees());
				f.put(partiesNav, parties(parties));
			}
			case TASK -> {
				Task t = Task.fromData(d);
				ZoneId z = t.timeZone();
				f.put("liaison_uid", t.uid());
				f.put("subject", t.subject());
				f.put("description", t.description());
				f.put("scheduledstart", t.start() == null ? null : t.start().atZone(z).toInstant().toString());
				f.put("scheduledend", t.due() == null ? null : t.due().atZone(z).toInstant().toString());
				f.put("liaison_timezone", d.get(Task.TIME_ZONE));
				f.put("actualend", t.completed() == null ? null : t.completed().toString());
				int[] state = switch (t.status()) {
					case NOT_STARTED -> new int[] { 0, 2 };
					case IN_PROGRESS -> new int[] { 0, 3 };
					case WAITING -> new int[] { 0, 4 };
					case COMPLETED -> new int[] { 1, 5 };
					case CANCELLED -> new int[] { 2, 6 };
				};
				f.put("statecode", state[0]);
				f.put("statuscode", state[1]);
				f.put("prioritycode", t.priority().ordinal());
				f.put("percentcomplete", t.percentComplete());
				bind(f, "regardingobjectid", t.regarding(), REGARDING_TARGETS);
				f.put(partiesNav, parties(t.owner() == null ? List.of() : List.of(t.owner())));
			}
			case EMAIL -> {
				EmailMessage m = EmailMessage.fromData(d);
				f.put("messageid", m.messageId());
				f.put("inreplyto", m.inReplyTo());
				f.put("liaison_references", d.get(EmailMessage.REFERENCES));
				f.put("subject", m.subject());
				f.put("senton", m.sentOn() == null ? null : m.sentOn().truncatedTo(ChronoUnit.SECONDS).toString());
				f.put("description", m.bodyText());
				f.put("liaison_bodyhtml", m.bodyHtml());
				f.put("liaison_bodyref", m.bodyRef());
				f.put("liaison_attachments", d.get(EmailMessage.ATTACHMENTS));
				f.put("liaison_headers", d.get(EmailMessage.HEADERS));
				f.put("directioncode", m.outgoing());
				bind(f, "regardingobjectid", m.regarding(), REGARDING_TARGETS);
				f.put(partiesNav, parties(m.parties()));
			}
		}
		return f;
	}

	/** Fields set only when a record is created (not part of the item's content). */
	void onCreate(Map<String, Object> f, ItemData d) {
		if (kind == ItemKind.EMAIL) {
			boolean out = "outgoing".equals(d.get(EmailMessage.OUTGOING));
			f.put("statecode", 1);
			f.put("statuscode", out ? 3 : 4);
		}
	}

	private void bind(Map<String, Object> f, String lookup, RecordRef ref, Set<String> targets) {
		if (ref == null) {
			f.put(lookup + "@odata.bind", null);
			return;
		}
		if (!targets.contains(ref.entitySet())) {
			throw new IllegalArgumentException(lookup + " cannot point to " + ref + " (it takes " + targets + ")");
		}
		String logicalName = ref.entitySet().equals("opportunities") ? "opportunity"
				: ref.entitySet().substring(0, ref.entitySet().length() - 1);
		String nav = lookup.equals("regardingobjectid") ? lookup + "_" + logicalName + "_" + logical
				: lookup + "_" + logicalName;
		f.remove(lookup + "@odata.bind");
		f.put(nav + "@odata.bind", "/" + ref.entitySet() + "(" + ref.id() + ")");
	}

	private static List<Map<String, Object>> parties(List<ActivityParty> parties) {
		List<Map<String, Object>> out = new ArrayList<>();
		for (ActivityParty p : parties) {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("participationtypemask", p.type().mask());
			if (p.address() != null) {
				m.put("addressused", p.address());
			}
			if (p.displayName() != null) {
				m.put("liaison_displayname", p.displayName());
			}
			RecordRef r = p.resolved();
			if (r != null && PARTY_TARGETS.contains(r.entitySet())) {
				String l = r.entitySet().substring(0, r.entitySet().length() - 1);
				m.put("partyid_" + l + "@odata.bind", "/" + r.entitySet() + "(" + r.id() + ")");
			}
			out.add(m);
		}
		return out;
	}

	// ---------------------------------------------------------------- from the CRM

	ItemData fromCrm(CrmRecord r) {
		return switch (kind) {
			case CONTACT -> new Contact(r.string("firstname"), r.string("lastname"), r.string("liaison_fullname"),
					r.string("liaison_company"), r.string("jobtitle"), r.string("emailaddress1"), r.string("emailaddress2"),
					r.string("emailaddress3"), r.string("telephone1"), r.string("mobilephone"), r.string("telephone2"),
					r.string("address1_line1"), r.string("address1_city"), r.string("address1_postalcode"),
					r.string("address1_stateorprovince"), r.string("address1_country"),
					r.string("birthdate") == null ? null : java.time.LocalDate.parse(r.string("birthdate")),
					r.string("websiteurl"), r.string("description"), ref(r, "parentcustomerid")).toData();
			case APPOINTMENT -> appointment(r);
			case TASK -> task(r);
			case EMAIL -> email(r);
		};
	}

	private static RecordRef ref(CrmRecord r, String lookup) {
		UUID id = r.lookup(lookup);
		if (id == null) {
			return null;
		}
		String type = r.lookupType(lookup);
		if (type == null) {
			throw new IllegalArgumentException("the CRM did not say what kind of record " + lookup + " points to");
		}
		String set = SETS.getOrDefault(type, type + "s");
		return new RecordRef(set, id);
	}

	private static List<ActivityParty> readParties(CrmRecord r, String nav) {
		List<ActivityParty> out = new ArrayList<>();
		for (Map<String, Object> p : r.list(nav)) {
			int mask = ((Number) p.get("participationtypemask")).intValue();
			Object pid = p.get("_partyid_value");
			Object type = p.get("_partyid_value@Microsoft.Dynamics.CRM.lookuplogicalname");
			RecordRef ref = pid == null || type == null ? null
					: new RecordRef(SETS.getOrDefault(type.toString(), type + "s"), UUID.fromString(pid.toString()));
			String address = (String) p.get("addressused");
			if (address == null && ref == null) {
				continue;
			}
			out.add(new ActivityParty(address, (String) p.get("liaison_displayname"), ref, ParticipationType.ofMask(mask)));
		}
		return out;
	}

	private static ZoneId zone(String tz) {
		return tz == null ? ZoneOffset.UTC : ZoneId.of(tz);
	}

	private static LocalDateTime local(Instant t, ZoneId z) {
		return t == null ? null : LocalDateTime.ofInstant(t, z);
	}

	private ItemData appointment(CrmRecord r) {
		boolean allDay = Boolean.TRUE.equals(r.bool("isalldayevent"));
		String tz = allDay ? null : r.string("liaison_timezone");
		ZoneId z = allDay ? ZoneOffset.UTC : zone(tz);
		Instant start = r.instant("scheduledstart");
		Instant end = r.instant("scheduledend");
		if (start == null || end == null) {
			throw new IllegalArgumentException("the appointment has no start or end");
		}
		ActivityParty organizer = null;
		List<ActivityParty> attendees = new ArrayList<>();
		for (ActivityParty p : readParties(r, partiesNav)) {
			if (p.type() == ParticipationType.ORGANIZER && organizer == null) {
				organizer = p;
			} else if (p.type() == ParticipationType.REQUIRED || p.type() == ParticipationType.OPTIONAL) {
				attendees.add(p);
			}
		}
		Map<String, String> f = new LinkedHashMap<>();
		f.put(Appointment.UID, r.string("globalobjectid"));
		f.put(Appointment.SUBJECT, r.string("subject"));
		f.put(Appointment.LOCATION, r.string("location"));
		f.put(Appointment.DESCRIPTION, r.string("description"));
		f.put(Appointment.START, local(start, z).toString());
		f.put(Appointment.END, local(end, z).toString());
		f.put(Appointment.TIME_ZONE, tz);
		f.put(Appointment.ALL_DAY, allDay ? "true" : null);
		f.put(Appointment.RRULE, r.string("liaison_rrule"));
		f.put(Appointment.RDATES, r.string("liaison_rdates"));
		f.put(Appointment.EXDATES, r.string("liaison_exdates"));
		f.put(Appointment.OVERRIDES, r.string("liaison_overrides"));
		f.put(Appointment.RECURRENCE_ID, r.string("liaison_recurrenceid"));
		f.put(Appointment.ORGANIZER, organizer == null ? null : organizer.encode());
		f.put(Appointment.ATTENDEES, FieldCodec.encodeParties(attendees));
		Integer rem = r.integer("liaison_reminderminutes");
		f.put(Appointment.REMINDER, rem == null ? null : rem.toString());
		f.put(Appointment.BUSY, Boolean.FALSE.equals(r.bool("liaison_showasbusy")) ? "false" : null);
		RecordRef reg = ref(r, "regardingobjectid");
		f.put(Appointment.REGARDING, reg == null ? null : reg.toString());
		// through the record type, so that the CRM's form is the model's canonical form
		return Appointment.fromData(new ItemData(ItemKind.APPOINTMENT, f)).toData();
	}

	private ItemData task(CrmRecord r) {
		String tz = r.string("liaison_timezone");
		ZoneId z = zone(tz);
		Integer state = r.integer("statecode");
		Integer status = r.integer("statuscode");
		Task.Status s;
		if (state != null && state == 1) {
			s = Task.Status.COMPLETED;
		} else if (state != null && state == 2) {
			s = Task.Status.CANCELLED;
		} else {
			s = status == null ? Task.Status.NOT_STARTED : switch (status) {
				case 3 -> Task.Status.IN_PROGRESS;
				case 4, 7 -> Task.Status.WAITING;
				default -> Task.Status.NOT_STARTED;
			};
		}
		Integer prio = r.integer("prioritycode");
		ActivityParty owner = null;
		for (ActivityParty p : readParties(r, partiesNav)) {
			if (p.type() == ParticipationType.OWNER) {
				owner = p;
			}
		}
		return new Task(r.string("liaison_uid"), r.string("subject"), r.string("description"),
				local(r.instant("scheduledstart"), z), local(r.instant("scheduledend"), z), z, r.instant("actualend"), s,
				prio == null ? Task.Priority.NORMAL : Task.Priority.values()[Math.max(0, Math.min(2, prio))],
				r.integer("percentcomplete"), owner, ref(r, "regardingobjectid")).toData();
	}

	private ItemData email(CrmRecord r) {
		Map<String, String> f = new LinkedHashMap<>();
		f.put(EmailMessage.MESSAGE_ID, r.string("messageid"));
		f.put(EmailMessage.IN_REPLY_TO, r.string("inreplyto"));
		f.put(EmailMessage.REFERENCES, r.string("liaison_references"));
		f.put(EmailMessage.SUBJECT, r.string("subject"));
		f.put(EmailMessage.PARTIES, FieldCodec.encodeParties(readParties(r, partiesNav)));
		Instant sent = r.instant("senton");
		f.put(EmailMessage.SENT_ON, sent == null ? null : sent.toString());
		f.put(EmailMessage.BODY_TEXT, r.string("description"));
		f.put(EmailMessage.BODY_HTML, r.string("liaison_bodyhtml"));
		f.put(EmailMessage.BODY_REF, r.string("liaison_bodyref"));
		f.put(EmailMessage.ATTACHMENTS, r.string("liaison_attachments"));
		f.put(EmailMessage.HEADERS, r.string("liaison_headers"));
		f.put(EmailMessage.OUTGOING, Boolean.TRUE.equals(r.bool("directioncode")) ? "outgoing" : null);
		RecordRef reg = ref(r, "regardingobjectid");
		f.put(EmailMessage.REGARDING, reg == null ? null : reg.toString());
		return EmailMessage.fromData(new ItemData(ItemKind.EMAIL, f)).toData();
	}
}
