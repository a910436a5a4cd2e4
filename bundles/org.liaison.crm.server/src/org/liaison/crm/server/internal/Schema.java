package org.liaison.crm.server.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The entity model of the reference server: the subset of the Dynamics 365 entities Liaison uses,
 * with their Web API names, and the {@code liaison_} columns a real organization gets from Liaison's
 * solution. Drives the Derby tables, payload validation, {@code $select} and {@code $filter}.
 */
final class Schema {

	/** Attribute types, as the Web API shows them. */
	enum Type {
		GUID("Edm.Guid"), STRING("Edm.String"), MEMO("Edm.String"), INT("Edm.Int32"), DECIMAL("Edm.Decimal"),
		BOOL("Edm.Boolean"), DATETIME("Edm.DateTimeOffset"), DATE("Edm.Date"), CHOICE("Edm.Int32"), LOOKUP("Edm.Guid"),
		BIGINT("Edm.Int64");

		final String edm;

		Type(String edm) {
			this.edm = edm;
		}
	}

	/** One attribute: its logical name, type, limits, and for lookups the entity sets it may point to. */
	static final class Attr {
		final String name;
		final Type type;
		final int max;
		final Set<Integer> choices;
		final List<String> targets;
		boolean readOnly;
		Entity entity;

		Attr(String name, Type type, int max, Set<Integer> choices, List<String> targets) {
			this.name = name;
			this.type = type;
			this.max = max;
			this.choices = choices;
			this.targets = targets;
		}

		/** The property name in JSON: {@code _x_value} for lookups. */
		String property() {
			return type == Type.LOOKUP ? "_" + name + "_value" : name;
		}

		String column() {
			return type == Type.LOOKUP ? name + "_v" : name;
		}

		/**
		 * Text looked up by exact value (addresses, Message-IDs, tracking tokens) has a lower-cased
		 * generated column with an index: comparisons are case-insensitive as in Dynamics, and the database
		 * itself compares bytes (a collation-aware database spends most of its time in the collator).
		 */
		boolean lookedUp() {
			return type == Type.STRING && (name.startsWith("emailaddress") || name.equals("internalemailaddress")
					|| name.equals("messageid") || name.equals("addressused") || name.equals("trackingtoken"));
		}

		String lowerColumn() {
			return name + "_lc";
		}

		/** For polymorphic lookups, the column holding the target's logical name. */
		String typeColumn() {
			return name + "_t";
		}

		boolean polymorphic() {
			return type == Type.LOOKUP && targets.size() > 1;
		}

		String sqlType() {
			return switch (type) {
				case GUID, LOOKUP -> "CHAR(36)";
				case STRING -> "VARCHAR(" + max + ")";
				case MEMO -> "CLOB(" + max + ")";
				case INT, CHOICE -> "INT";
				case DECIMAL -> "DECIMAL(23,4)";
				case BOOL -> "BOOLEAN";
				case DATETIME, BIGINT -> "BIGINT";
				case DATE -> "INT";
			};
		}
	}

	/** One entity: logical name, entity set, primary key, attributes, and who may read it. */
	static final class Entity {
		final String logical;
		final String set;
		final String key;
		final String primaryName;
		final Map<String, Attr> attrs = new LinkedHashMap<>();
		/** Owned entities have ownerid and are written only by their owner (or an administrator). */
		boolean owned;
		/** Whether other users may read records they do not own (organization-wide read). */
		boolean orgRead;
		/** Whether ordinary users may write it at all (systemusers, organizations: administrators only). */
		boolean userWritable = true;
		/** Activities carry activity parties under {@link #partiesNav}. */
		String partiesNav;

		Entity(String logical, String set, String key, String primaryName) {
			this.logical = logical;
			this.set = set;
			this.key = key;
			this.primaryName = primaryName;
		}

		String table() {
			return "E_" + logical.toUpperCase(java.util.Locale.ROOT);
		}

		Attr attr(String name) {
			return attrs.get(name);
		}

		/** The attribute a JSON property names ({@code _x_value} for lookups), or null. */
		Attr byProperty(String property) {
			if (property.startsWith("_") && property.endsWith("_value")) {
				Attr a = attrs.get(property.substring(1, property.length() - 6));
				return a != null && a.type == Type.LOOKUP ? a : null;
			}
			Attr a = attrs.get(property);
			return a != null && a.type != Type.LOOKUP ? a : null;
		}

		boolean activity() {
			return partiesNav != null;
		}

		Entity add(Attr a) {
			a.entity = this;
			attrs.put(a.name, a);
			return this;
		}
	}

	static final String PARTY_SET = "activityparties";

	private final Map<String, Entity> bySet = new LinkedHashMap<>();
	private final Map<String, Entity> byLogical = new LinkedHashMap<>();

	static Schema dynamics() {
		return new Schema();
	}

	private Schema() {
		List<String> people = List.of("systemusers", "contacts", "accounts", "leads");
		List<String> regarding = List.of("accounts", "contacts", "leads", "opportunities");

		Entity org = entity("organization", "organizations", "organizationid", "name");
		org.userWritable = false;
		org.orgRead = true;
		str(org, "name", 160);
		// minutes: the shortest sync interval a client may use (Dynamics' MinOutlookSyncInterval)
		integer(org, "minoutlooksyncinterval");

		Entity user = entity("systemuser", "systemusers", "systemuserid", "fullname");
		user.userWritable = false;
		user.orgRead = true;
		str(user, "firstname", 64);
		str(user, "lastname", 64);
		str(user, "fullname", 200).readOnly = true;
		str(user, "domainname", 1024);
		str(user, "internalemailaddress", 100);
		bool(user, "isdisabled");
		lookup(user, "defaultmailbox", List.of("mailboxes")).readOnly = true;

		Entity mailbox = owned(entity("mailbox", "mailboxes", "mailboxid", "name"), false);
		str(mailbox, "name", 200);
		str(mailbox, "emailaddress", 100);
		lookup(mailbox, "regardingobjectid", List.of("systemusers"));
		// 0 none, 1 the desktop client (Dynamics 365 for Outlook's role), 2 server-side sync, 3 forward mailbox
		choice(mailbox, "incomingemaildeliverymethod", 0, 1, 2, 3);
		// 0 none, 1 the desktop client, 2 server-side sync
		choice(mailbox, "outgoingemaildeliverymethod", 0, 1, 2);
		// appointments, contacts and tasks: 0 the desktop client, 1 server-side sync, 2 none
		choice(mailbox, "actdeliverymethod", 0, 1, 2);
		// 0 all email, 1 replies to CRM email, 2 from leads/contacts/accounts, 3 from email-enabled records, 4 none
		choice(mailbox, "incomingemailfilteringmethod", 0, 1, 2, 3, 4);
		lookup(mailbox, "liaison_clientinstanceid", List.of("liaison_clientinstances"));

		Entity instance = owned(entity("liaison_clientinstance", "liaison_clientinstances", "liaison_clientinstanceid",
				"liaison_name"), false);
		str(instance, "liaison_name", 200);
		str(instance, "liaison_machine", 200);
		str(instance, "liaison_clientversion", 64);
		bool(instance, "liaison_issynchronizing");
		dateTime(instance, "liaison_lastseen");

		Entity account = owned(entity("account", "accounts", "accountid", "name"), true);
		str(account, "name", 160);
		str(account, "accountnumber", 20);
		str(account, "emailaddress1", 100);
		str(account, "telephone1", 50);
		str(account, "websiteurl", 200);
		str(account, "address1_line1", 250);
		str(account, "address1_city", 80);
		str(account, "address1_postalcode", 20);
		str(account, "address1_country", 80);
		memo(account, "description", 2000);
		account.add(new Attr("revenue", Type.DECIMAL, 0, null, null));
		integer(account, "numberofemployees");
		lookup(account, "parentaccountid", List.of("accounts"));
		lookup(account, "primarycontactid", List.of("contacts"));
		state(account, Set.of(0, 1), Set.of(1, 2));

		Entity contact = owned(entity("contact", "contacts", "contactid", "fullname"), true);
		str(contact, "firstname", 50);
		str(contact, "lastname", 50);
		str(contact, "fullname", 160).readOnly = true;
		str(contact, "jobtitle", 100);
		str(contact, "emailaddress1", 100);
		str(contact, "emailaddress2", 100);
		str(contact, "emailaddress3", 100);
		str(contact, "telephone1", 50);
		str(contact, "telephone2", 50);
		str(contact, "mobilephone", 50);
		str(contact, "address1_line1", 250);
		str(contact, "address1_city", 80);
		str(contact, "address1_postalcode", 20);
		str(contact, "address1_stateorprovince", 50);
		str(contact, "address1_country", 80);
		contact.add(new Attr("birthdate", Type.DATE, 0, null, null));
		str(contact, "websiteurl", 200);
		memo(contact, "description", 2000);
		lookup(contact, "parentcustomerid", List.of("accounts", "contacts"));
		str(contact, "liaison_company", 160);
		str(contact, "liaison_fullname", 160);
		state(contact, Set.of(0, 1), Set.of(1, 2));

		Entity lead = owned(entity("lead", "leads", "leadid", "fullname"), true);
		str(lead, "subject", 300);
		str(lead, "firstname", 50);
		str(lead, "lastname", 50);
		str(lead, "fullname", 160).readOnly = true;
		str(lead, "companyname", 100);
		str(lead, "emailaddress1", 100);
		str(lead, "telephone1", 50);
		memo(lead, "description", 2000);
		state(lead, Set.of(0, 1, 2), Set.of(1, 2, 3, 4, 5, 6, 7));

		Entity opp = owned(entity("opportunity", "opportunities", "opportunityid", "name"), true);
		str(opp, "name", 300);
		memo(opp, "description", 2000);
		opp.add(new Attr("estimatedvalue", Type.DECIMAL, 0, null, null));
		opp.add(new Attr("estimatedclosedate", Type.DATE, 0, null, null));
		integer(opp, "closeprobability");
		lookup(opp, "customerid", List.of("accounts", "contacts"));
		lookup(opp, "parentaccountid", List.of("accounts"));
		state(opp, Set.of(0, 1, 2), Set.of(1, 2, 3, 4, 5));

		Entity email = activity(entity("email", "emails", "activityid", "subject"), "email_activity_parties", regarding);
		str(email, "messageid", 320);
		str(email, "inreplyto", 320);
		str(email, "trackingtoken", 50);
		dateTime(email, "senton");
		bool(email, "directioncode");
		memo(email, "liaison_bodyhtml", 1048576);
		memo(email, "liaison_references", 100000);
		memo(email, "liaison_headers", 100000);
		memo(email, "liaison_attachments", 100000);
		str(email, "liaison_bodyref", 1000);
		// 0 open, 1 completed, 2 canceled
		state(email, Set.of(0, 1, 2), Set.of(1, 2, 3, 4, 5, 6, 7, 8));

		Entity appt = activity(entity("appointment", "appointments", "activityid", "subject"),
				"appointment_activity_parties", regarding);
		str(appt, "location", 200);
		str(appt, "globalobjectid", 300);
		bool(appt, "isalldayevent");
		str(appt, "liaison_timezone", 64);
		str(appt, "liaison_rrule", 1000);
		memo(appt, "liaison_rdates", 100000);
		memo(appt, "liaison_exdates", 100000);
		memo(appt, "liaison_overrides", 1048576);
		str(appt, "liaison_recurrenceid", 40);
		integer(appt, "liaison_reminderminutes");
		bool(appt, "liaison_showasbusy");
		// 0 open, 1 completed, 2 canceled, 3 scheduled
		state(appt, Set.of(0, 1, 2, 3), Set.of(1, 2, 3, 4, 5, 6));

		Entity task = activity(entity("task", "tasks", "activityid", "subject"), "task_activity_parties", regarding);
		dateTime(task, "actualend");
		integer(task, "percentcomplete");
		choice(task, "prioritycode", 0, 1, 2);
		str(task, "liaison_uid", 300);
		str(task, "liaison_timezone", 64);
		// 0 open, 1 completed, 2 canceled; status 2 not started, 3 in progress, 4 waiting, 7 deferred, 5 completed, 6 canceled
		state(task, Set.of(0, 1, 2), Set.of(2, 3, 4, 5, 6, 7));

		Entity party = entity("activityparty", PARTY_SET, "activitypartyid", "addressused");
		party.orgRead = false;
		lookup(party, "activityid", List.of("emails", "appointments", "tasks"));
		lookup(party, "partyid", people);
		str(party, "addressused", 320);
		str(party, "liaison_displayname", 320);
		choice(party, "participationtypemask", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
	}

	private Entity entity(String logical, String set, String key, String primaryName) {
		Entity e = new Entity(logical, set, key, primaryName);
		e.add(new Attr(key, Type.GUID, 0, null, null)).attrs.get(key).readOnly = true;
		for (Attr a : List.of(new Attr("versionnumber", Type.BIGINT, 0, null, null),
				new Attr("createdon", Type.DATETIME, 0, null, null), new Attr("modifiedon", Type.DATETIME, 0, null, null),
				new Attr("createdby", Type.LOOKUP, 0, null, List.of("systemusers")),
				new Attr("modifiedby", Type.LOOKUP, 0, null, List.of("systemusers")))) {
			a.readOnly = true;
			e.add(a);
		}
		bySet.put(set, e);
		byLogical.put(logical, e);
		return e;
	}

	private static Entity owned(Entity e, boolean orgRead) {
		e.owned = true;
		e.orgRead = orgRead;
		lookup(e, "ownerid", List.of("systemusers"));
		return e;
	}

	private static Entity activity(Entity e, String partiesNav, List<String> regarding) {
		owned(e, false);
		e.partiesNav = partiesNav;
		str(e, "subject", 400);
		memo(e, "description", 1048576);
		dateTime(e, "scheduledstart");
		dateTime(e, "scheduledend");
		lookup(e, "regardingobjectid", regarding);
		return e;
	}

	private static void state(Entity e, Set<Integer> states, Set<Integer> statuses) {
		e.add(new Attr("statecode", Type.CHOICE, 0, states, null));
		e.add(new Attr("statuscode", Type.CHOICE, 0, statuses, null));
	}

	private static Attr str(Entity e, String name, int max) {
		Attr a = new Attr(name, Type.STRING, max, null, null);
		e.add(a);
		return a;
	}

	private static void memo(Entity e, String name, int max) {
		e.add(new Attr(name, Type.MEMO, max, null, null));
	}

	private static void bool(Entity e, String name) {
		e.add(new Attr(name, Type.BOOL, 0, null, null));
	}

	private static void integer(Entity e, String name) {
		e.add(new Attr(name, Type.INT, 0, null, null));
	}

	private static void dateTime(Entity e, String name) {
		e.add(new Attr(name, Type.DATETIME, 0, null, null));
	}

	private static void choice(Entity e, String name, Integer... values) {
		e.add(new Attr(name, Type.CHOICE, 0, Set.of(values), null));
	}

	private static Attr lookup(Entity e, String name, List<String> targets) {
		Attr a = new Attr(name, Type.LOOKUP, 0, null, targets);
		e.add(a);
		return a;
	}

	Entity bySet(String set) {
		return bySet.get(set);
	}

	Entity byLogical(String logical) {
		return byLogical.get(logical);
	}

	Collection<Entity> entities() {
		return bySet.values();
	}

	/** Entity sets shown in the service document (activity parties are reached through activities). */
	List<String> sets() {
		return new ArrayList<>(bySet.keySet());
	}

	/** The activity entity whose parties navigation property is {@code nav}, or null. */
	Entity byPartiesNav(String nav) {
		for (Entity e : bySet.values()) {
			if (nav.equals(e.partiesNav)) {
				return e;
			}
		}
		return null;
	}
}
