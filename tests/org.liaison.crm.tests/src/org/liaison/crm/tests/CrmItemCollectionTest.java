package org.liaison.crm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.Appointment;
import org.liaison.api.model.AttachmentRef;
import org.liaison.api.model.Contact;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.model.ParticipationType;
import org.liaison.api.model.RecordRef;
import org.liaison.api.model.Task;
import org.liaison.api.sync.AlreadyExistsException;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.PreconditionFailedException;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.TokenExpiredException;
import org.liaison.api.sync.WriteResult;

/** The engine's SPI over the reference server: round trips, idempotent creates, 412, delta listings, scope. */
class CrmItemCollectionTest {

	@BeforeAll
	static void server() {
		CrmFixture.server();
	}

	/** Collects a listing. */
	static final class Listing implements ListSink {
		final Map<String, String> present = new LinkedHashMap<>();
		final Map<String, Removal> removed = new LinkedHashMap<>();

		@Override
		public void present(ItemVersion item) {
			present.put(item.href(), item.version());
		}

		@Override
		public void removed(String href, Removal why) {
			removed.put(href, why);
		}
	}

	static RemoteItem fetch(ItemCollection c, String href) throws SyncException {
		List<RemoteItem> got = new ArrayList<>();
		c.get(List.of(href), new FetchSink() {
			@Override
			public void item(RemoteItem item) {
				got.add(item);
			}

			@Override
			public void bad(String h, String version, String reason, String raw) {
				throw new AssertionError(reason + ": " + raw);
			}
		}, null);
		return got.isEmpty() ? null : got.get(0);
	}

	private static ItemData roundTrip(ItemCollection c, ItemData data) throws SyncException {
		UUID ident = UUID.randomUUID();
		WriteResult w = c.create(ident, data);
		assertEquals(ident.toString(), w.href());
		RemoteItem back = fetch(c, w.href());
		assertNotNull(back);
		assertEquals(w.version(), back.version());
		assertEquals(ident, back.ident());
		assertEquals(data, back.data(), "what the CRM gives back is what was written");
		return back.data();
	}

	@Test
	void contacts_roundTrip_createTwiceFindsTheFirst_staleUpdateNamesTheContact() throws Exception {
		try (CrmClient client = CrmFixture.alice()) {
			ItemCollection c = CrmFixture.connector().items(client, ItemKind.CONTACT, null);
			CrmRecord acct = client.write(CrmWrite.create("accounts", Map.of("name", "Analytical Engines")), null);
			Contact ada = new Contact("Ada", "Lovelace", "Augusta Ada King", "Analytical Engines", "Analyst",
					"ada@engines.test", "ada@home.test", null, "+44 20 1234", "+44 7700 1", null, "12 St James's Square",
					"London", "SW1Y 4JH", null, "United Kingdom", LocalDate.of(1815, 12, 10), "https://engines.test",
					"Notes\nover two lines; with | and , and \\", new RecordRef("accounts", acct.id()));
			roundTrip(c, ada.toData());
			UUID ident = UUID.randomUUID();
			WriteResult first = c.create(ident, ada.toData());
			AlreadyExistsException again = assertThrows(AlreadyExistsException.class, () -> c.create(ident, ada.toData()));
			assertEquals(first.href(), again.existing().href());
			assertEquals(first.version(), again.existing().version());
			RemoteItem current = fetch(c, first.href());
			ItemData changed = ada.toData().with(Contact.JOB_TITLE, "Countess");
			WriteResult updated = c.update(current, changed);
			assertEquals(changed, fetch(c, first.href()).data());
			PreconditionFailedException stale = assertThrows(PreconditionFailedException.class,
					() -> c.update(current, ada.toData().with(Contact.JOB_TITLE, "Mathematician")));
			assertEquals("412: the contact 'Augusta Ada King' was changed in the CRM since the last sync",
					stale.getMessage());
			assertThrows(PreconditionFailedException.class, () -> c.delete(first.href(), current.version()));
			c.delete(first.href(), updated.version());
			c.delete(first.href(), updated.version()); // already gone: no error
			assertEquals(null, fetch(c, first.href()));
		}
	}

	@Test
	void appointments_tasks_emails_roundTrip() throws Exception {
		try (CrmClient client = CrmFixture.alice()) {
			CrmRecord who = client.write(CrmWrite.create("contacts", Map.of("lastname", "Turing", "emailaddress1",
					"alan@bletchley.test")), null);
			RecordRef alan = new RecordRef("contacts", who.id());
			RecordRef me = new RecordRef("systemusers", CrmFixture.alice);
			ZoneId berlin = ZoneId.of("Europe/Berlin");
			Appointment single = new Appointment(UUID.randomUUID().toString(), "Weekly review", "Room 1", "Agenda",
					LocalDateTime.of(2026, 3, 23, 9, 0), LocalDateTime.of(2026, 3, 23, 10, 30), berlin, false,
					"FREQ=WEEKLY;BYDAY=MO", List.of(LocalDateTime.of(2026, 4, 1, 9, 0)),
					List.of(LocalDateTime.of(2026, 3, 30, 9, 0)),
					List.of(Appointment.single(null, "Moved review", LocalDateTime.of(2026, 4, 6, 11, 0),
							LocalDateTime.of(2026, 4, 6, 12, 0), berlin)),
					null, new ActivityParty("alice@example.test", "Alice", me, ParticipationType.ORGANIZER),
					List.of(new ActivityParty("alan@bletchley.test", "Alan Turing", alan, ParticipationType.REQUIRED),
							new ActivityParty("guest@else.test", null, null, ParticipationType.OPTIONAL)),
					15, false, alan);
			roundTrip(CrmFixture.connector().items(client, ItemKind.APPOINTMENT, null), single.toData());
			Appointment allDay = new Appointment("uid-" + UUID.randomUUID(), "Holiday", null, null,
					LocalDateTime.of(2026, 8, 3, 0, 0), LocalDateTime.of(2026, 8, 5, 0, 0), null, true, null, null, null, null,
					null, null, null, null, true, null);
			roundTrip(CrmFixture.connector().items(client, ItemKind.APPOINTMENT, null), allDay.toData());
			Task task = new Task("task-" + UUID.randomUUID(), "Call back", "about the quote", LocalDateTime.of(2026, 5, 4, 9, 0),
					LocalDateTime.of(2026, 5, 5, 17, 0), berlin, null, Task.Status.IN_PROGRESS, Task.Priority.HIGH, 40,
					new ActivityParty("alice@example.test", null, me, ParticipationType.OWNER), alan);
			roundTrip(CrmFixture.connector().items(client, ItemKind.TASK, null), task.toData());
			Task done = new Task(null, "Done", null, null, null, null, Instant.parse("2026-01-02T10:00:00Z"),
					Task.Status.COMPLETED, Task.Priority.LOW, 100, null, null);
			roundTrip(CrmFixture.connector().items(client, ItemKind.TASK, null), done.toData());
			EmailMessage mail = new EmailMessage("<" + UUID.randomUUID() + "@bletchley.test>", "<parent@bletchley.test>",
					List.of("<root@bletchley.test>", "<parent@bletchley.test>"), "Re: Enigma",
					List.of(new ActivityParty("alan@bletchley.test", "Alan", alan, ParticipationType.SENDER),
							new ActivityParty("alice@example.test", null, me, ParticipationType.TO),
							new ActivityParty("cc@else.test", "Cc Person", null, ParticipationType.CC)),
					Instant.parse("2026-02-01T08:30:00Z"), "Plain body", "<p>HTML body</p>", "INBOX/42",
					List.of(new AttachmentRef("rotor.pdf", "application/pdf", 1234, "2")), Map.of("X-Priority", "1"), false,
					null, alan, null);
			roundTrip(CrmFixture.connector().items(client, ItemKind.EMAIL, null), mail.toData());
		}
	}

	@Test
	void listing_deltaAfterChanges_leftScopeIsNotDeleted_expiredTokenMeansListAgain() throws Exception {
		try (CrmClient client = CrmFixture.alice()) {
			String tag = "sc" + UUID.randomUUID().toString().substring(0, 8);
			String filter = "_ownerid_value eq " + CrmFixture.alice + " and statecode eq 0 and lastname eq '" + tag + "'";
			ItemCollection c = CrmFixture.connector().items(client, ItemKind.CONTACT, filter);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				ids.add(c.create(UUID.randomUUID(), Contact.of("C" + i, tag, "c" + i + "@" + tag + ".test").toData()).href());
			}
			Listing full = new Listing();
			String token = c.list(null, full, null);
			assertEquals(ids, new ArrayList<>(full.present.keySet()));
			// one changed, one deactivated (leaves the filter), one deleted, one untouched, one new
			RemoteItem r0 = fetch(c, ids.get(0));
			c.update(r0, r0.data().with(Contact.JOB_TITLE, "Changed"));
			client.write(CrmWrite.update("contacts", UUID.fromString(ids.get(1)), Map.of("statecode", 1, "statuscode", 2),
					null), null);
			c.delete(ids.get(2), fetch(c, ids.get(2)).version());
			String added = c.create(UUID.randomUUID(), Contact.of("New", tag, null).toData()).href();
			client.write(CrmWrite.create("contacts", Map.of("lastname", "Outside " + tag)), null);
			Listing delta = new Listing();
			String token2 = c.list(token, delta, null);
			assertEquals(List.of(ids.get(0), added), new ArrayList<>(delta.present.keySet()));
			assertEquals(Removal.LEFT_SCOPE, delta.removed.get(ids.get(1)));
			assertEquals(Removal.DELETED, delta.removed.get(ids.get(2)));
			assertEquals(Map.of(ids.get(1), Removal.LEFT_SCOPE, ids.get(2), Removal.DELETED),
					c.whyGone(List.of(ids.get(1), ids.get(2))));
			Listing none = new Listing();
			c.list(token2, none, null);
			assertTrue(none.present.isEmpty() && none.removed.isEmpty(), none.present + " " + none.removed);
			CrmFixture.server().admin().expireChangeTracking();
			assertThrows(TokenExpiredException.class, () -> c.list(token2, new Listing(), null));
			Listing again = new Listing();
			c.list(null, again, null);
			assertEquals(List.of(ids.get(0), ids.get(3), added), new ArrayList<>(again.present.keySet()));
		}
	}

	@Test
	void badRecord_isReportedNotThrown() throws Exception {
		try (CrmClient client = CrmFixture.alice()) {
			CrmRecord r = client.write(CrmWrite.create("appointments", Map.of("subject", "No times")), null);
			ItemCollection c = CrmFixture.connector().items(client, ItemKind.APPOINTMENT, null);
			List<String> bad = new ArrayList<>();
			c.get(List.of(r.id().toString()), new FetchSink() {
				@Override
				public void item(RemoteItem item) {
					throw new AssertionError("an appointment without times cannot be an item");
				}

				@Override
				public void bad(String href, String version, String reason, String raw) {
					bad.add(reason);
					assertTrue(raw.contains("No times"), raw);
				}
			}, null);
			assertEquals(1, bad.size());
			assertTrue(bad.get(0).contains(r.id().toString()) && bad.get(0).contains("no start or end"), bad.get(0));
		}
	}
}
