package org.liaison.api.model;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A calendar appointment, possibly recurring. Times are wall-clock times in the series' time zone,
 * so that a weekly 09:00 meeting stays at 09:00 across a daylight-saving change; an all-day event
 * has midnight times and its zone is ignored (floating), with {@code end} exclusive.
 *
 * @param uid the iCalendar UID (Dynamics {@code globalobjectid}), stable across copies
 * @param subject title
 * @param location where
 * @param description free text
 * @param start first occurrence's start, wall-clock in {@code timeZone}
 * @param end first occurrence's end
 * @param timeZone the series' time zone (IANA id); UTC when unknown
 * @param allDay whether the event spans whole days
 * @param rrule the RRULE value (e.g. {@code FREQ=WEEKLY;BYDAY=MO}), or null when not recurring
 * @param rdates extra occurrences, wall-clock in {@code timeZone}
 * @param exdates removed occurrences, wall-clock in {@code timeZone}
 * @param overrides occurrences changed from the series (each with its {@code recurrenceId})
 * @param recurrenceId for an overridden occurrence: the original start it replaces; else null
 * @param organizer the organizer, or null
 * @param attendees required and optional attendees
 * @param reminderMinutes minutes before start of the reminder (VALARM), or null
 * @param busy whether the time shows as busy
 * @param regarding the CRM record the appointment is set regarding, or null
 */
public record Appointment(String uid, String subject, String location, String description, LocalDateTime start,
		LocalDateTime end, ZoneId timeZone, boolean allDay, String rrule, List<LocalDateTime> rdates,
		List<LocalDateTime> exdates, List<Appointment> overrides, LocalDateTime recurrenceId,
		ActivityParty organizer, List<ActivityParty> attendees, Integer reminderMinutes, boolean busy,
		RecordRef regarding) {

	public static final String UID = "globalobjectid";
	public static final String SUBJECT = "subject";
	public static final String LOCATION = "location";
	public static final String DESCRIPTION = "description";
	public static final String START = "scheduledstart";
	public static final String END = "scheduledend";
	public static final String TIME_ZONE = "timezone";
	public static final String ALL_DAY = "isalldayevent";
	public static final String RRULE = "rrule";
	public static final String RDATES = "rdates";
	public static final String EXDATES = "exdates";
	public static final String OVERRIDES = "overrides";
	public static final String RECURRENCE_ID = "recurrenceid";
	public static final String ORGANIZER = "organizer";
	public static final String ATTENDEES = "attendees";
	public static final String REMINDER = "reminderminutes";
	public static final String BUSY = "showasbusy";
	public static final String REGARDING = "regardingobjectid";

	public Appointment {
		Objects.requireNonNull(start, "start");
		Objects.requireNonNull(end, "end");
		// all-day events float: their zone is not kept, so that equal events compare equal
		timeZone = timeZone == null || allDay ? ZoneOffset.UTC : timeZone;
		rdates = rdates == null ? List.of() : List.copyOf(rdates);
		exdates = exdates == null ? List.of() : List.copyOf(exdates);
		overrides = overrides == null ? List.of() : List.copyOf(overrides);
		attendees = attendees == null ? List.of() : List.copyOf(attendees);
	}

	/** A simple single appointment. */
	public static Appointment single(String uid, String subject, LocalDateTime start, LocalDateTime end, ZoneId zone) {
		return new Appointment(uid, subject, null, null, start, end, zone, false, null, null, null, null, null, null,
				null, null, true, null);
	}

	public boolean recurring() {
		return rrule != null || !rdates.isEmpty();
	}

	/** The first occurrence's start as an instant (midnight UTC for all-day events). */
	public Instant startInstant() {
		return (allDay ? start.atZone(ZoneOffset.UTC) : start.atZone(timeZone)).toInstant();
	}

	public Instant endInstant() {
		return (allDay ? end.atZone(ZoneOffset.UTC) : end.atZone(timeZone)).toInstant();
	}

	public ItemData toData() {
		return new ItemData(ItemKind.APPOINTMENT, fieldMap());
	}

	private Map<String, String> fieldMap() {
		Map<String, String> f = Fields.map();
		f.put(UID, uid);
		f.put(SUBJECT, subject);
		f.put(LOCATION, location);
		f.put(DESCRIPTION, description);
		f.put(START, start.toString());
		f.put(END, end.toString());
		f.put(TIME_ZONE, allDay ? null : timeZone.getId());
		f.put(ALL_DAY, allDay ? "true" : null);
		f.put(RRULE, rrule);
		f.put(RDATES, FieldCodec.encodeList(rdates.stream().map(LocalDateTime::toString).toList()));
		f.put(EXDATES, FieldCodec.encodeList(exdates.stream().map(LocalDateTime::toString).toList()));
		List<String> ov = new ArrayList<>();
		for (Appointment o : overrides) {
			ov.add(FieldCodec.escape(FieldCodec.encodeMap(o.fieldMap())));
		}
		f.put(OVERRIDES, FieldCodec.joinLines(ov));
		f.put(RECURRENCE_ID, Fields.str(recurrenceId));
		f.put(ORGANIZER, organizer == null ? null : organizer.encode());
		f.put(ATTENDEES, FieldCodec.encodeParties(attendees));
		f.put(REMINDER, Fields.str(reminderMinutes));
		f.put(BUSY, busy ? null : "false");
		f.put(REGARDING, Fields.str(regarding));
		return f;
	}

	public static Appointment fromData(ItemData d) {
		Fields.require(d, ItemKind.APPOINTMENT);
		return fromMap(d.fields());
	}

	private static Appointment fromMap(Map<String, String> d) {
		boolean allDay = "true".equals(d.get(ALL_DAY));
		String tz = d.get(TIME_ZONE);
		List<Appointment> overrides = new ArrayList<>();
		for (String line : FieldCodec.splitLines(d.get(OVERRIDES))) {
			overrides.add(fromMap(FieldCodec.decodeMap(FieldCodec.unescape(line))));
		}
		String org = d.get(ORGANIZER);
		return new Appointment(d.get(UID), d.get(SUBJECT), d.get(LOCATION), d.get(DESCRIPTION),
				LocalDateTime.parse(d.get(START)), LocalDateTime.parse(d.get(END)),
				tz == null ? ZoneOffset.UTC : ZoneId.of(tz), allDay, d.get(RRULE), dates(d.get(RDATES)),
				dates(d.get(EXDATES)), overrides,
				d.get(RECURRENCE_ID) == null ? null : LocalDateTime.parse(d.get(RECURRENCE_ID)),
				org == null ? null : ActivityParty.decode(org), FieldCodec.decodeParties(d.get(ATTENDEES)),
				Fields.integer(d.get(REMINDER)), !"false".equals(d.get(BUSY)), Fields.ref(d.get(REGARDING)));
	}

	private static List<LocalDateTime> dates(String value) {
		return FieldCodec.decodeList(value).stream().map(LocalDateTime::parse).toList();
	}
}
