package org.liaison.sync.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.Appointment;
import org.liaison.api.model.AttachmentRef;
import org.liaison.api.model.Contact;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.Idents;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.model.ParticipationType;
import org.liaison.api.model.RecordRef;
import org.liaison.api.model.Task;
import org.liaison.api.model.Tracking;
import org.liaison.api.model.TrackingState;

/** Every domain record survives its field map (and the field map its text form) unchanged. */
class DomainModelRoundTripTest {

	private static final RecordRef ACCOUNT = new RecordRef("accounts", UUID.fromString("5f0c6a1e-1111-4a2b-9c3d-000000000001"));
	private static final String AWKWARD = "Müller | Söhne; \"quotes\", back\\slash\nnew line = equals";

	private static ItemData viaText(ItemData d) {
		ItemData back = ItemData.parse(d.toText());
		assertEquals(d, back, "the text form reads back equal");
		assertEquals(d.contentHash(), back.contentHash());
		return back;
	}

	@Test
	void contact_withEveryField() {
		Contact c = new Contact("Ada", "Lovelace", "Ada King, Countess of Lovelace", AWKWARD, "Analyst", "ada@example.org",
				"ada2@example.org", "ada3@example.org", "+44 1", "+44 2", "+44 3", "12 St James's Square", "London",
				"SW1Y 4JH", "Greater London", "United Kingdom", LocalDate.of(1815, 12, 10), "https://example.org/ada",
				"notes\nover lines", ACCOUNT);
		assertEquals(c, Contact.fromData(viaText(c.toData())));
		assertEquals("Ada King, Countess of Lovelace", c.displayName());
	}

	@Test
	void recurringAppointment_withRdatesExdatesOverridesAndZone_acrossDaylightSaving() {
		ZoneId berlin = ZoneId.of("Europe/Berlin");
		ActivityParty organizer = new ActivityParty("boss@example.org", "The | Boss", new RecordRef("systemusers",
				UUID.randomUUID()), ParticipationType.ORGANIZER);
		List<ActivityParty> attendees = List.of(
				new ActivityParty("ada@example.org", AWKWARD, null, ParticipationType.REQUIRED),
				new ActivityParty(null, null, new RecordRef("contacts", UUID.randomUUID()), ParticipationType.OPTIONAL));
		Appointment moved = new Appointment("weekly-1@example.org", "Weekly (moved)", "Room 2", null,
				LocalDateTime.of(2026, 3, 31, 10, 0), LocalDateTime.of(2026, 3, 31, 11, 0), berlin, false, null, null,
				null, null, LocalDateTime.of(2026, 3, 30, 9, 0), organizer, attendees, 5, true, null);
		Appointment series = new Appointment("weekly-1@example.org", "Weekly", "Room 1", AWKWARD,
				LocalDateTime.of(2026, 3, 16, 9, 0), LocalDateTime.of(2026, 3, 16, 10, 0), berlin, false,
				"FREQ=WEEKLY;BYDAY=MO;COUNT=10", List.of(LocalDateTime.of(2026, 4, 1, 9, 0)),
				List.of(LocalDateTime.of(2026, 4, 6, 9, 0), LocalDateTime.of(2026, 4, 13, 9, 0)), List.of(moved), null,
				organizer, attendees, 15, false, ACCOUNT);
		Appointment back = Appointment.fromData(viaText(series.toData()));
		assertEquals(series, back);
		assertTrue(back.recurring());
		assertEquals(moved, back.overrides().get(0), "the overridden occurrence keeps its RECURRENCE-ID and changes");
		// wall-clock times: 09:00 stays 09:00 on both sides of the switch to summer time (29 March 2026)
		assertEquals(Instant.parse("2026-03-16T08:00:00Z"), back.startInstant());
	}

	@Test
	void allDayAppointment_floats() {
		Appointment a = new Appointment("day@example.org", "Holiday", null, null, LocalDateTime.of(2026, 5, 1, 0, 0),
				LocalDateTime.of(2026, 5, 2, 0, 0), ZoneId.of("America/New_York"), true, null, null, null, null, null,
				null, null, null, true, null);
		assertEquals(ZoneOffset.UTC, a.timeZone(), "an all-day event has no zone");
		assertEquals(a, Appointment.fromData(viaText(a.toData())));
	}

	@Test
	void task_withEveryField_andWithoutDates() {
		Task t = new Task("task-1@example.org", "Call back", AWKWARD, LocalDateTime.of(2026, 2, 1, 8, 30),
				LocalDateTime.of(2026, 2, 3, 17, 0), ZoneId.of("Asia/Tokyo"), Instant.parse("2026-02-02T10:00:00Z"),
				Task.Status.COMPLETED, Task.Priority.HIGH, 100,
				ActivityParty.of(ParticipationType.OWNER, "me@example.org"), ACCOUNT);
		assertEquals(t, Task.fromData(viaText(t.toData())));
		Task plain = new Task("t2", "Someday", null, null, null, ZoneId.of("Asia/Tokyo"), null, null, null, null, null,
				null);
		assertEquals(plain, Task.fromData(viaText(plain.toData())));
		assertTrue(plain.status().open());
	}

	@Test
	void emailMessage_headersPartiesReferencesAttachments() {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("X-Mailer", AWKWARD);
		headers.put(Idents.PROPERTY, UUID.randomUUID().toString());
		EmailMessage m = new EmailMessage("<b@example.org>", "<a@example.org>", List.of("<root@example.org>", "<a@example.org>"),
				"Re: " + AWKWARD,
				List.of(new ActivityParty("from@example.org", "From, Me", null, ParticipationType.SENDER),
						ActivityParty.of(ParticipationType.TO, "to@example.org"),
						ActivityParty.of(ParticipationType.CC, "cc@example.org"),
						ActivityParty.of(ParticipationType.BCC, "bcc@example.org")),
				Instant.parse("2026-01-02T03:04:05Z"), "body\ntext", "<p>body</p>", "INBOX/42",
				List.of(new AttachmentRef("report; final.pdf", "application/pdf", 12345, "2"),
						new AttachmentRef(null, "image/png", -1, "3.1")),
				headers, true, TrackingState.UNTRACKED, ACCOUNT, null);
		EmailMessage back = EmailMessage.fromData(viaText(m.toData()));
		assertEquals(m, back);
		assertNull(back.attachments().get(1).fileName(), "a missing file name stays missing");
		assertEquals(List.of("<a@example.org>", "<root@example.org>"), back.ancestors());
		assertEquals("from@example.org", back.sender().address());
		Tracking t = m.withTracking(TrackingState.TRACKED, ACCOUNT, new RecordRef("emails", UUID.randomUUID())).tracking();
		assertTrue(t.tracked());
		assertEquals(ACCOUNT, t.regarding());
	}

	@Test
	void itemDataText_keepsAwkwardKeysAndValues_andHashesContentOnly() {
		ItemData d = new ItemData(ItemKind.CONTACT, Map.of("a=b", "x\\y", "multi", "1\n2\r\n3", "u", "日本語 ☃", "empty", ""));
		assertEquals(d, viaText(d));
		assertNull(d.get("empty"), "empty values are absent");
		assertNotEquals(d.contentHash(), d.with("u", "other").contentHash());
		assertEquals(d.contentHash(), new ItemData(ItemKind.CONTACT, new LinkedHashMap<>(d.fields())).contentHash());
		assertNotEquals(d.contentHash(), new ItemData(ItemKind.TASK, d.fields()).contentHash(), "the kind is content");
		assertThrows(IllegalArgumentException.class, () -> ItemData.parse("NOT_A_KIND\nx=1"));
	}

	@Test
	void recordRefsPartiesAndIdents() {
		assertEquals(ACCOUNT, RecordRef.parse(ACCOUNT.toString()));
		ActivityParty p = new ActivityParty("a@example.org", AWKWARD, ACCOUNT, ParticipationType.CUSTOMER);
		assertEquals(p, ActivityParty.decode(p.encode()));
		assertEquals(ParticipationType.CUSTOMER, ParticipationType.ofMask(11));
		UUID u = UUID.randomUUID();
		assertEquals(u, Idents.fromNaturalKey(u.toString()), "a UUID key is the ident itself");
		UUID n = Idents.fromNaturalKey("<abc@example.org>");
		assertEquals(n, Idents.fromNaturalKey(" <abc@example.org> "), "name-based idents are stable");
		assertEquals(5, n.version());
		assertEquals(2, n.variant());
		assertThrows(IllegalArgumentException.class, () -> Idents.fromNaturalKey(" "));
	}
}
