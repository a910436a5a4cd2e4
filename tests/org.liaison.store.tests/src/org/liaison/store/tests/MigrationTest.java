package org.liaison.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.api.model.Contact;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.store.CachedMessage;
import org.liaison.api.store.HistoryEntry;
import org.liaison.api.store.SideState;
import org.liaison.api.store.StoreException;
import org.liaison.api.store.SyncBatch;
import org.liaison.api.store.SyncStatus;
import org.liaison.api.sync.PlannedAction;
import org.liaison.api.sync.Side;
import org.liaison.store.derby.DerbyProfileStore;
import org.liaison.store.derby.Schema;
import org.liaison.testing.TestPasswords;
import org.liaison.testing.contract.Samples;

/**
 * Every earlier schema version migrates to the current one with its data intact: a database is
 * made at each version, filled with what that version can hold, and opened by the current code.
 */
class MigrationTest {

	@TempDir
	Path tmp;

	private static final UUID IDENT = UUID.fromString("0b7e1d52-66f5-4c1f-9a43-8f1b8d1f2e01");
	private static final UUID LOCAL = UUID.fromString("0b7e1d52-66f5-4c1f-9a43-8f1b8d1f2e02");
	private static final ItemData BASE = Contact.of("Ada", "Lovelace", "ada@example.org").toData();

	/** Fills a database at {@code version} with rows that version can hold. */
	private static void fill(DerbyProfileStore s, int version) throws StoreException {
		if (version >= 2) {
			s.syncState().apply(new SyncBatch()
					.putStatus(new SyncStatus("pair", IDENT, new SideState("crm/1", "e1", BASE.contentHash()),
							new SideState("mbx/1", "m1", BASE.contentHash()), BASE, null, Instant.now(), -1))
					.history(new HistoryEntry(1, Instant.now(), "pair", IDENT, Side.MAILBOX,
							PlannedAction.Action.CREATE, "created in the CRM", "mbx/1")));
		}
		if (version >= 3) {
			s.localPim().ensureCollection("contacts", ItemKind.CONTACT, "Contacts");
			s.localPim().create("contacts", LOCAL, BASE);
		}
		if (version >= 4) {
			EmailMessage m = EmailMessage.fromData(Samples.of(ItemKind.EMAIL, 1));
			s.mail().putMessages(List.of(new CachedMessage("acct", "INBOX", 7, IDENT, 3, Set.of("\\Seen"), 100, m, null)));
		}
	}

	private static void check(DerbyProfileStore s, int madeAt) throws StoreException {
		assertEquals(Schema.CURRENT, s.schemaVersion());
		if (madeAt >= 2) {
			SyncStatus st = s.syncState().status("pair", IDENT).orElseThrow();
			assertEquals("mbx/1", st.mailbox().href());
			assertEquals(BASE, st.crmBase());
			assertEquals(1, s.syncState().history("pair", IDENT, 10).size());
		}
		if (madeAt >= 3) {
			assertEquals(BASE, s.localPim().byIdent("contacts", LOCAL).orElseThrow().data());
		}
		if (madeAt >= 4) {
			assertEquals(Set.of("\\Seen"), s.mail().message("acct", "INBOX", 7).orElseThrow().flags());
		}
		// and every table of the current schema works after the migration
		s.syncState().apply(new SyncBatch().putStatus(new SyncStatus("pair2", UUID.randomUUID(),
				new SideState("c", "1", BASE.contentHash()), new SideState("m", "1", BASE.contentHash()), BASE, null,
				Instant.now(), -1)));
		s.localPim().ensureCollection("more", ItemKind.TASK, null);
		s.mail().rememberUidls("acct", List.of("u1"));
		assertEquals(Set.of("u2"), s.mail().unknownUidls("acct", List.of("u1", "u2")));
	}

	@TestFactory
	List<DynamicTest> everyEarlierVersion_migratesToTheCurrentOne_keepingItsData() {
		List<DynamicTest> out = new ArrayList<>();
		for (Schema.Migration m : Schema.MIGRATIONS) {
			int v = m.version();
			if (v == Schema.CURRENT) {
				continue;
			}
			out.add(DynamicTest.dynamicTest("from version " + v + " (" + m.description() + ")", () -> {
				Path dir = tmp.resolve("v" + v);
				char[] password = TestPasswords.random().toCharArray();
				try (DerbyProfileStore s = DerbyProfileStore.open("old", dir, password, v)) {
					assertEquals(v, s.schemaVersion());
					fill(s, v);
				}
				try (DerbyProfileStore s = DerbyProfileStore.open("old", dir, password)) {
					check(s, v);
				}
			}));
		}
		assertTrue(out.size() >= 3, "versions 1 to " + (Schema.CURRENT - 1));
		return out;
	}

	@Test
	void databaseOfANewerLiaison_isRefused_notDowngraded() throws Exception {
		Path dir = tmp.resolve("newer");
		char[] password = TestPasswords.random().toCharArray();
		try (DerbyProfileStore s = DerbyProfileStore.open("p", dir, password)) {
			fill(s, Schema.CURRENT);
		}
		java.util.Properties p = new java.util.Properties();
		p.setProperty("bootPassword", new String(password));
		try (java.sql.Connection c = org.liaison.store.jdbc.Derby.connect("jdbc:derby:" + dir, p);
				java.sql.Statement st = c.createStatement()) {
			st.executeUpdate("INSERT INTO LIAISON_SCHEMA (VERSION) VALUES (" + (Schema.CURRENT + 1) + ")");
		}
		org.liaison.store.jdbc.Derby.shutdown("jdbc:derby:" + dir);
		StoreException e = assertThrows(StoreException.class, () -> DerbyProfileStore.open("p", dir, password));
		assertTrue(e.getMessage().contains("newer"), e.getMessage());
	}

	@Test
	void migrationsAreNumberedInOrderWithoutGaps() {
		int expected = 1;
		for (Schema.Migration m : Schema.MIGRATIONS) {
			assertEquals(expected++, m.version());
		}
		assertEquals(Map.of(), Map.of());
	}
}
