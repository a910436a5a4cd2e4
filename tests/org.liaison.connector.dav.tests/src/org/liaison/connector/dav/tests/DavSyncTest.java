package org.liaison.connector.dav.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.liaison.api.model.Appointment;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.pim.PimAccount;
import org.liaison.api.sync.AlreadyExistsException;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.PreconditionFailedException;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.TokenExpiredException;
import org.liaison.api.sync.WriteResult;
import org.liaison.testing.Radicale;

/** Incremental listing (sync-collection, ctag fallback) and conditional writes on Radicale. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DavSyncTest {

	private Radicale radicale;
	private PimAccount account;

	@BeforeAll
	void start() {
		radicale = Radicale.start();
		account = radicale.account("sync");
	}

	@AfterAll
	void stop() {
		if (radicale != null) {
			radicale.close();
		}
	}

	private ItemCollection newCalendar() throws Exception {
		return Dav.connector().createCollection(account, ItemKind.APPOINTMENT, "Sync " + UUID.randomUUID(),
				new NullProgressMonitor());
	}

	static ItemData event(String subject) {
		return Appointment.single(null, subject, LocalDateTime.of(2026, 5, 4, 10, 0), LocalDateTime.of(2026, 5, 4, 11, 0),
				ZoneId.of("Europe/Berlin")).toData();
	}

	@Test
	void syncCollection_initialThenOnlyChanges_tokenSavedPerPage() throws Exception {
		ItemCollection c = newCalendar();
		WriteResult a = c.create(UUID.randomUUID(), event("A"));
		WriteResult b = c.create(UUID.randomUUID(), event("B"));
		WriteResult gone = c.create(UUID.randomUUID(), event("C"));

		Dav.Listing first = Dav.list(c, null);
		assertEquals(Set.of(a.href(), b.href(), gone.href()), first.present.keySet());
		assertEquals(a.version(), first.present.get(a.href()));
		String token = Dav.token(first);
		assertTrue(token.startsWith("sync:"), token);
		assertEquals(token, first.checkpoints.get(first.checkpoints.size() - 2), "the page's token was handed over");
		assertEquals(true, first.initial.get(0), "a listing from no token is an initial sync");

		Dav.Listing none = Dav.list(c, token);
		assertEquals(Map.of(), none.present);
		assertEquals(Map.of(), none.removed);
		assertEquals(false, none.initial.get(0));

		WriteResult added = c.create(UUID.randomUUID(), event("D"));
		RemoteItem bItem = DavRoundTripTest.fetch(c, b.href());
		WriteResult changed = c.update(bItem, bItem.data().with(Appointment.SUBJECT, "B2"));
		c.delete(gone.href(), gone.version());

		Dav.Listing delta = Dav.list(c, Dav.token(none));
		assertEquals(Map.of(added.href(), added.version(), b.href(), changed.version()), delta.present);
		assertEquals(Map.of(gone.href(), Removal.DELETED), delta.removed);
	}

	@Test
	void refusedToken_isExpired() throws Exception {
		ItemCollection c = newCalendar();
		assertThrows(TokenExpiredException.class,
				() -> Dav.list(c, "sync:http://radicale.org/ns/sync/" + "0".repeat(64)));
		assertThrows(TokenExpiredException.class, () -> Dav.list(c, "ctag:something"));
	}

	@Test
	void create_sameIdentTwice_findsTheFirstInsteadOfDuplicating() throws Exception {
		ItemCollection c = newCalendar();
		UUID ident = UUID.randomUUID();
		WriteResult w = c.create(ident, event("Once"));
		AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> c.create(ident, event("Once")));
		assertEquals(w.href(), e.existing().href());
		assertEquals(w.version(), e.existing().version());
		assertEquals(1, Dav.list(c, null).present.size());
	}

	@Test
	void create_sameUidUnderAnotherName_isFoundNotDuplicated() throws Exception {
		ItemCollection c = newCalendar();
		WriteResult w = c.create(UUID.randomUUID(), Appointment.single("shared-uid", "First", LocalDateTime.of(2026, 1, 1, 9, 0),
				LocalDateTime.of(2026, 1, 1, 10, 0), ZoneId.of("UTC")).toData());
		AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
				() -> c.create(UUID.randomUUID(), Appointment.single("shared-uid", "Second", LocalDateTime.of(2026, 1, 1, 9, 0),
						LocalDateTime.of(2026, 1, 1, 10, 0), ZoneId.of("UTC")).toData()));
		assertEquals(w.href(), e.existing().href());
	}

	@Test
	void update_afterAnotherClientChangedIt_412_preconditionFailed() throws Exception {
		ItemCollection c = newCalendar();
		WriteResult w = c.create(UUID.randomUUID(), event("Original"));
		RemoteItem seen = DavRoundTripTest.fetch(c, w.href());
		c.update(seen, seen.data().with(Appointment.SUBJECT, "Changed elsewhere"));
		assertThrows(PreconditionFailedException.class, () -> c.update(seen, seen.data().with(Appointment.SUBJECT, "Mine")));
		assertThrows(PreconditionFailedException.class, () -> c.delete(w.href(), w.version()));
		assertEquals("Changed elsewhere", Appointment.fromData(DavRoundTripTest.fetch(c, w.href()).data()).subject());
	}

	@Test
	void delete_ofAnItemAlreadyGone_isNoError() throws Exception {
		ItemCollection c = newCalendar();
		WriteResult w = c.create(UUID.randomUUID(), event("Short-lived"));
		c.delete(w.href(), w.version());
		c.delete(w.href(), w.version());
		assertEquals(Map.of(), Dav.list(c, null).present);
	}

	@Test
	void mixedCalendar_listsByComponent_withCtagTokens() throws Exception {
		Dav.Raw raw = new Dav.Raw(radicale);
		String path = "/" + radicale.user() + "/mixed-" + UUID.randomUUID() + "/";
		assertEquals(201, raw.send("MKCALENDAR", path, null, null).statusCode());
		List<ItemCollection> found = Dav.connector().collections(account, new NullProgressMonitor()).stream()
				.filter(x -> Dav.path(x).equals(path)).toList();
		assertEquals(2, found.size());
		ItemCollection ev = found.stream().filter(x -> x.info().kind() == ItemKind.APPOINTMENT).findFirst().orElseThrow();
		ItemCollection td = found.stream().filter(x -> x.info().kind() == ItemKind.TASK).findFirst().orElseThrow();
		WriteResult e1 = ev.create(UUID.randomUUID(), event("An event"));
		WriteResult t1 = td.create(UUID.randomUUID(),
				org.liaison.api.model.Task.of("t", "A task", LocalDateTime.of(2026, 6, 1, 12, 0)).toData());
		Dav.Listing events = Dav.list(ev, null);
		assertEquals(Set.of(e1.href()), events.present.keySet());
		assertEquals(Set.of(t1.href()), Dav.list(td, null).present.keySet());
		String token = Dav.token(events);
		assertTrue(token.startsWith("ctag:"), token);
		assertEquals(token, Dav.token(Dav.list(ev, token)), "unchanged: nothing listed, same token");
		WriteResult another = ev.create(UUID.randomUUID(), event("Another"));
		Dav.Listing delta = Dav.list(ev, token);
		assertEquals(Map.of(another.href(), another.version()), delta.present, "only the change, from the last etag listing");
		// a new session has no earlier listing to compare with: it asks for a full one
		ItemCollection fresh = Dav.connector().collections(account, new NullProgressMonitor()).stream()
				.filter(x -> Dav.path(x).equals(path) && x.info().kind() == ItemKind.APPOINTMENT).findFirst().orElseThrow();
		assertThrows(TokenExpiredException.class, () -> Dav.list(fresh, token));
	}

	@Test
	void addressBook_syncsIncrementally() throws Exception {
		ItemCollection book = Dav.connector().createCollection(account, ItemKind.CONTACT, "People", new NullProgressMonitor());
		WriteResult w = book.create(UUID.randomUUID(), Contact.of("Ann", "Smith", "ann@example.com").toData());
		Dav.Listing first = Dav.list(book, null);
		assertEquals(Set.of(w.href()), first.present.keySet());
		RemoteItem item = DavRoundTripTest.fetch(book, w.href());
		assertNotNull(item);
		WriteResult changed = book.update(item, item.data().with(Contact.CITY, "Oslo"));
		assertEquals(Map.of(w.href(), changed.version()), Dav.list(book, Dav.token(first)).present);
	}
}
