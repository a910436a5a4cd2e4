package org.liaison.api.model;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * A task (iCalendar VTODO, Dynamics task).
 *
 * @param uid the iCalendar UID
 * @param subject title
 * @param description free text
 * @param start when work starts, wall-clock in {@code timeZone}, or null
 * @param due when it is due, wall-clock in {@code timeZone}, or null
 * @param timeZone zone of start and due
 * @param completed when it was completed, or null
 * @param status state
 * @param priority priority
 * @param percentComplete 0 to 100, or null
 * @param owner the owning party, or null
 * @param regarding the CRM record the task is set regarding, or null
 */
public record Task(String uid, String subject, String description, LocalDateTime start, LocalDateTime due,
		ZoneId timeZone, Instant completed, Status status, Priority priority, Integer percentComplete,
		ActivityParty owner, RecordRef regarding) {

	/** Task state, as iCalendar STATUS and Dynamics statecode/statuscode. */
	public enum Status {
		NOT_STARTED, IN_PROGRESS, WAITING, COMPLETED, CANCELLED;

		public boolean open() {
			return this != COMPLETED && this != CANCELLED;
		}
	}

	/** Priority: Dynamics prioritycode 0/1/2, iCalendar 9/5/1. */
	public enum Priority {
		LOW, NORMAL, HIGH
	}

	public static final String UID = "globalobjectid";
	public static final String SUBJECT = "subject";
	public static final String DESCRIPTION = "description";
	public static final String START = "scheduledstart";
	public static final String DUE = "scheduledend";
	public static final String TIME_ZONE = "timezone";
	public static final String COMPLETED = "actualend";
	public static final String STATUS = "status";
	public static final String PRIORITY = "prioritycode";
	public static final String PERCENT = "percentcomplete";
	public static final String OWNER = "owner";
	public static final String REGARDING = "regardingobjectid";

	public Task {
		// a zone means nothing without a time: keep one form so that equal tasks compare equal
		timeZone = timeZone == null || start == null && due == null ? ZoneOffset.UTC : timeZone;
		status = status == null ? Status.NOT_STARTED : status;
		priority = priority == null ? Priority.NORMAL : priority;
	}

	public static Task of(String uid, String subject, LocalDateTime due) {
		return new Task(uid, subject, null, null, due, ZoneOffset.UTC, null, Status.NOT_STARTED, Priority.NORMAL, null,
				null, null);
	}

	public ItemData toData() {
		Map<String, String> f = Fields.map();
		f.put(UID, uid);
		f.put(SUBJECT, subject);
		f.put(DESCRIPTION, description);
		f.put(START, Fields.str(start));
		f.put(DUE, Fields.str(due));
		f.put(TIME_ZONE, start == null && due == null ? null : timeZone.getId());
		f.put(COMPLETED, Fields.str(completed));
		f.put(STATUS, status.name());
		f.put(PRIORITY, priority.name());
		f.put(PERCENT, Fields.str(percentComplete));
		f.put(OWNER, owner == null ? null : owner.encode());
		f.put(REGARDING, Fields.str(regarding));
		return new ItemData(ItemKind.TASK, f);
	}

	public static Task fromData(ItemData d) {
		Fields.require(d, ItemKind.TASK);
		String tz = d.get(TIME_ZONE);
		return new Task(d.get(UID), d.get(SUBJECT), d.get(DESCRIPTION),
				d.get(START) == null ? null : LocalDateTime.parse(d.get(START)),
				d.get(DUE) == null ? null : LocalDateTime.parse(d.get(DUE)), tz == null ? ZoneOffset.UTC : ZoneId.of(tz),
				Fields.instant(d.get(COMPLETED)), d.get(STATUS) == null ? null : Status.valueOf(d.get(STATUS)),
				d.get(PRIORITY) == null ? null : Priority.valueOf(d.get(PRIORITY)), Fields.integer(d.get(PERCENT)),
				d.get(OWNER) == null ? null : ActivityParty.decode(d.get(OWNER)), Fields.ref(d.get(REGARDING)));
	}
}
