package org.liaison.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.store.CollectionToken;
import org.liaison.api.store.ConflictRecord;
import org.liaison.api.store.HistoryEntry;
import org.liaison.api.store.JournalEntry;
import org.liaison.api.store.QuarantineEntry;
import org.liaison.api.store.RunRecord;
import org.liaison.api.store.SideState;
import org.liaison.api.store.StagedItem;
import org.liaison.api.store.StoreException;
import org.liaison.api.store.SyncBatch;
import org.liaison.api.store.SyncStateStore;
import org.liaison.api.store.SyncStatus;
import org.liaison.api.store.Tombstone;
import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.ConflictResolver.Resolution;
import org.liaison.api.sync.FieldConflict;
import org.liaison.api.sync.PlannedAction;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SideCounts;
import org.liaison.store.derby.DerbyProfileStore;

/** The sync state tables keep what the engine writes, and a batch is all or nothing. */
class SyncStateStoreTest {

	private DerbyProfileStore store;
	private SyncStateStore s;

	@BeforeEach
	void open() throws StoreException {
		store = Stores.memory();
		s = store.syncState();
	}

	@AfterEach
	void close() throws StoreException {
		store.close();
	}

	private static ItemData contact(String last) {
		return Contact.of("Ada", last, "ada@example.org").toData();
	}

	private static SyncStatus status(String pair, UUID ident, int n) {
		ItemData base = contact("L" + n);
		return new SyncStatus(pair, ident, new SideState("crm/" + n, "c" + n, base.contentHash()),
				new SideState("mbx/" + n, "m" + n, base.contentHash()), base, null, Instant.now(), -1);
	}

	@Test
	void status_putReadUpdateRemove() throws Exception {
		UUID a = UUID.randomUUID();
		UUID b = UUID.randomUUID();
		s.apply(new SyncBatch().putStatus(status("p", a, 1)).putStatus(status("p", b, 2)));
		SyncStatus got = s.status("p", a).orElseThrow();
		assertEquals("crm/1", got.crm().href());
		assertEquals(contact("L1"), got.crmBase());
		assertEquals(got.crmBase(), got.mailboxBase(), "one copy when both sides agree");
		assertTrue(got.rowId() > 0);

		ItemData mbx = contact("Mailbox");
		SyncStatus changed = new SyncStatus("p", a, got.crm().withVersion("c9"), null, got.crmBase(), mbx, Instant.now(),
				got.rowId());
		s.apply(new SyncBatch().putStatus(changed));
		SyncStatus again = s.status("p", a).orElseThrow();
		assertEquals("c9", again.crm().version());
		assertNull(again.mailbox(), "an unlinked side");
		assertEquals(mbx, again.mailboxBase(), "two copies when the sides differ");
		assertEquals(got.rowId(), again.rowId(), "the row number stays");

		assertEquals(Map.of("crm/2", b), Map.of("crm/2", s.statusByHref("p", Side.CRM, List.of("crm/2", "nope")).get("crm/2").ident()));
		assertTrue(s.statusByHref("p", Side.MAILBOX, List.of("mbx/1")).isEmpty(), "unlinked side has no href");
		assertEquals(2, s.countStatus("p", Side.CRM));
		assertEquals(1, s.countStatus("p", Side.MAILBOX));
		Set<UUID> seen = new HashSet<>();
		s.forEachStatus("p", Side.CRM, st -> seen.add(st.ident()));
		assertEquals(Set.of(a, b), seen);
		assertEquals(Set.of(a, b), s.statuses("p", List.of(a, b, UUID.randomUUID())).keySet());

		s.apply(new SyncBatch().removeStatus("p", a));
		assertTrue(s.status("p", a).isEmpty());
		assertTrue(s.status("other", b).isEmpty(), "pairs are apart");
	}

	@Test
	void manyStatusRows_lookedUpByHrefInChunks() throws Exception {
		SyncBatch batch = new SyncBatch();
		List<String> hrefs = new ArrayList<>();
		for (int i = 0; i < 1200; i++) {
			batch.putStatus(status("p", UUID.randomUUID(), i));
			hrefs.add("crm/" + i);
		}
		s.apply(batch);
		assertEquals(1200, s.statusByHref("p", Side.CRM, hrefs).size());
		assertEquals(1200, s.countStatus("p", Side.MAILBOX));
	}

	@Test
	void batch_isAllOrNothing() throws Exception {
		UUID a = UUID.randomUUID();
		s.apply(new SyncBatch().putStatus(status("p", a, 1)));
		SyncBatch bad = new SyncBatch().history(new HistoryEntry(1, Instant.now(), "p", a, Side.CRM,
				PlannedAction.Action.UPDATE, "x", "crm/1")).putStatus(status("p", a, 2)); // a second new row: key clash
		assertThrows(StoreException.class, () -> s.apply(bad));
		assertTrue(s.history("p", null, 10).isEmpty(), "nothing of the failed batch stays");
		assertEquals("crm/1", s.status("p", a).orElseThrow().crm().href());
		s.apply(new SyncBatch().history(new HistoryEntry(1, Instant.now(), "p", a, Side.CRM,
				PlannedAction.Action.UPDATE, "works after a failed batch", "crm/1")));
		assertEquals(1, s.history("p", a, 10).size());
	}

	@Test
	void tokens_withInitialSyncFlag() throws Exception {
		assertTrue(s.token("p", Side.CRM).isEmpty());
		s.apply(new SyncBatch().token("p", Side.CRM, new CollectionToken("contacts", null, true)));
		assertEquals(new CollectionToken("contacts", null, true), s.token("p", Side.CRM).orElseThrow());
		s.apply(new SyncBatch().token("p", Side.CRM, new CollectionToken("contacts", "delta-1", false)));
		assertEquals(new CollectionToken("contacts", "delta-1", false), s.token("p", Side.CRM).orElseThrow());
		assertTrue(s.token("p", Side.MAILBOX).isEmpty());
	}

	@Test
	void journal_pendingThenDone_andForgotten() throws Exception {
		long run = s.beginRun("p", false);
		UUID a = UUID.randomUUID();
		List<JournalEntry> written = s.writeJournal(List.of(
				JournalEntry.intent("p", run, a, Side.MAILBOX, JournalEntry.Effect.CREATE, null, null, "h", "new in CRM"),
				JournalEntry.intent("p", run, a, Side.CRM, JournalEntry.Effect.UPDATE, "crm/1", "e1", "h", "changed")));
		assertEquals(2, s.journal("p", true).size());
		assertTrue(written.get(0).id() > 0 && written.get(1).id() > written.get(0).id());
		s.apply(new SyncBatch().journal(written.get(0).id(), JournalEntry.State.DONE, null));
		List<JournalEntry> pending = s.journal("p", true);
		assertEquals(1, pending.size());
		assertEquals(JournalEntry.Effect.UPDATE, pending.get(0).effect());
		assertEquals("e1", pending.get(0).expectedVersion());
		s.apply(new SyncBatch().forgetDoneJournal("p"));
		assertEquals(1, s.journal("p", false).size(), "pending entries are kept");
	}

	@Test
	void runsAndHistory_newestFirst() throws Exception {
		long r1 = s.beginRun("p", false);
		UUID a = UUID.randomUUID();
		s.apply(new SyncBatch().history(new HistoryEntry(r1, Instant.now(), "p", a, Side.MAILBOX,
				PlannedAction.Action.CREATE, "new in the CRM", "mbx/1")).history(new HistoryEntry(r1, Instant.now(), "p",
						UUID.randomUUID(), Side.CRM, PlannedAction.Action.DELETE, "deleted in the mailbox", "crm/2")));
		s.endRun(new RunRecord(r1, "p", null, Instant.now(), false, new SideCounts(0, 0, 1, 0, 0),
				new SideCounts(1, 0, 0, 0, 0), "done"));
		long r2 = s.beginRun("p", true);
		List<RunRecord> runs = s.runs("p", 10);
		assertEquals(List.of(r2, r1), runs.stream().map(RunRecord::id).toList());
		assertEquals(1, runs.get(1).mailbox().created());
		assertEquals("done", runs.get(1).outcome());
		assertTrue(runs.get(0).dryRun());
		assertEquals(2, s.history("p", null, 10).size());
		assertEquals("new in the CRM", s.history("p", a, 10).get(0).reason());
	}

	@Test
	void tombstones_keepTheLastCopy() throws Exception {
		UUID a = UUID.randomUUID();
		s.apply(new SyncBatch().tombstone(new Tombstone("p", a, Side.MAILBOX, "mbx/1", contact("Gone"),
				"deleted by sync: deleted in the CRM", Instant.now(), 1)));
		Tombstone t = s.tombstones("p", a, 10).get(0);
		assertEquals(contact("Gone"), t.lastCopy());
		assertEquals(Side.MAILBOX, t.side());
	}

	@Test
	void quarantine_replacedPerHref_andReleased() throws Exception {
		s.apply(new SyncBatch().quarantine(new QuarantineEntry(0, "p", Side.MAILBOX, "mbx/9", "v1", null,
				"line 2: no END:VCARD", "BEGIN:VCARD", Instant.now())));
		s.apply(new SyncBatch().quarantine(new QuarantineEntry(0, "p", Side.MAILBOX, "mbx/9", "v2", null,
				"line 3: bad date", "BEGIN:VCARD\nBDAY:x", Instant.now())));
		List<QuarantineEntry> q = s.quarantine("p");
		assertEquals(1, q.size());
		assertEquals("v2", q.get(0).version());
		assertEquals(Map.of("mbx/9", "v2"), s.quarantinedVersions("p", Side.MAILBOX));
		assertTrue(s.quarantinedVersions("p", Side.CRM).isEmpty());
		s.apply(new SyncBatch().release("p", Side.MAILBOX, "mbx/9"));
		assertTrue(s.quarantine("p").isEmpty());
	}

	@Test
	void quarantine_discarded_leavesTheListWithAHistoryLine_keepsItsVersionOutOfSync_untilRequarantined()
			throws Exception {
		UUID ident = UUID.randomUUID();
		s.apply(new SyncBatch().quarantine(new QuarantineEntry(0, "p", Side.CRM, "crm/7", "e1", ident,
				"no such time zone: Mars/Olympus", "{\"liaison_timezone\":\"Mars/Olympus\"}", Instant.now())));
		s.apply(new SyncBatch().quarantine(new QuarantineEntry(0, "p", Side.MAILBOX, "mbx/8", "v1", null,
				"line 2: no END:VCARD", "BEGIN:VCARD", Instant.now())));
		long id = s.quarantine("p").get(0).id();
		QuarantineEntry gone = s.discard(id);
		assertEquals("crm/7", gone.href());
		assertEquals(List.of("mbx/8"), s.quarantine("p").stream().map(QuarantineEntry::href).toList(),
				"the discarded entry is no longer listed, the other one is");
		assertEquals(Map.of("crm/7", "e1"), s.quarantinedVersions("p", Side.CRM),
				"its version stays out of sync: the next run does not quarantine it again");
		HistoryEntry h = s.history("p", ident, 10).get(0);
		assertTrue(h.reason().startsWith(SyncStateStore.DISCARDED), h.reason());
		assertTrue(h.reason().contains("Mars/Olympus"), "the history keeps why it was quarantined: " + h.reason());
		assertEquals(Side.CRM, h.target());
		assertThrows(StoreException.class, () -> s.discard(id), "an entry is discarded once");
		// the item changed on its side and is still bad: a new quarantine replaces the discarded entry
		s.apply(new SyncBatch().quarantine(new QuarantineEntry(0, "p", Side.CRM, "crm/7", "e2", ident,
				"no such time zone: Mars/Elysium", "{}", Instant.now())));
		assertEquals(2, s.quarantine("p").size());
		assertEquals(Map.of("crm/7", "e2"), s.quarantinedVersions("p", Side.CRM));
	}

	@Test
	void quarantine_discarded_survivesARestartOfTheStore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
			throws Exception {
		char[] password = org.liaison.testing.TestPasswords.random().toCharArray();
		try (DerbyProfileStore disk = DerbyProfileStore.open("restart", dir.resolve("db"), password)) {
			disk.syncState().apply(new SyncBatch().quarantine(new QuarantineEntry(0, "p", Side.MAILBOX, "mbx/1", "v1",
					null, "line 1: not a vCard", "BEGIN:VCALENDAR", Instant.now())));
			disk.syncState().discard(disk.syncState().quarantine("p").get(0).id());
		}
		try (DerbyProfileStore disk = DerbyProfileStore.open("restart", dir.resolve("db"), password)) {
			assertTrue(disk.syncState().quarantine("p").isEmpty(), "still discarded after the restart");
			assertEquals(Map.of("mbx/1", "v1"), disk.syncState().quarantinedVersions("p", Side.MAILBOX));
			assertTrue(disk.syncState().history("p", null, 10).get(0).reason().startsWith(SyncStateStore.DISCARDED));
		}
	}

	@Test
	void conflicts_openThenChosenThenApplied_oneUnsettledPerItem() throws Exception {
		UUID a = UUID.randomUUID();
		FieldConflict f = new FieldConflict(a, ItemKind.CONTACT, "lastname", "Base", "Crm\tvalue", "Mbx\nvalue",
				Instant.parse("2026-01-01T00:00:00Z"), null);
		ConflictRecord open = new ConflictRecord(0, "p", a, ItemKind.CONTACT, List.of(f),
				Map.of("lastname", Resolution.DEFER), ConflictPolicy.ASK, ConflictRecord.State.OPEN, "h1", "h2", null,
				Instant.now(), null);
		s.apply(new SyncBatch().conflict(open));
		s.apply(new SyncBatch().conflict(open)); // the same conflict found again: replaced, not added
		List<ConflictRecord> all = s.conflicts("p", false);
		assertEquals(1, all.size());
		ConflictRecord got = all.get(0);
		assertEquals(List.of(f), got.fields(), "values with tabs and newlines survive");
		assertEquals(Resolution.DEFER, got.resolutions().get("lastname"));

		s.choose(got.id(), Map.of("lastname", Side.MAILBOX));
		ConflictRecord chosen = s.unsettledConflict("p", a).orElseThrow();
		assertEquals(ConflictRecord.State.CHOSEN, chosen.state());
		assertEquals(Map.of("lastname", Side.MAILBOX), chosen.choices());

		s.apply(new SyncBatch().conflictState(got.id(), ConflictRecord.State.APPLIED));
		assertTrue(s.unsettledConflict("p", a).isEmpty());
		assertTrue(s.conflicts("p", true).isEmpty());
		assertTrue(s.conflicts("p", false).get(0).settled() != null);
		assertThrows(StoreException.class, () -> s.choose(got.id(), Map.of()), "a settled conflict cannot be chosen");

		ConflictRecord settled = new ConflictRecord(0, "p", a, ItemKind.CONTACT, List.of(f),
				Map.of("lastname", Resolution.TAKE_CRM), ConflictPolicy.CRM_WINS, ConflictRecord.State.SETTLED, "h3",
				"h4", null, Instant.now(), Instant.now());
		s.apply(new SyncBatch().conflict(settled));
		assertEquals(2, s.conflicts("p", false).size(), "a settled conflict is a new record");
		assertEquals("Mbx\nvalue", s.conflicts("p", false).get(0).loserValue("lastname"));
	}

	@Test
	void staging_listFetchGroup() throws Exception {
		UUID a = UUID.randomUUID();
		UUID b = UUID.randomUUID();
		s.stage(List.of(StagedItem.listed("p", Side.CRM, "crm/1", "c1", null),
				StagedItem.listed("p", Side.MAILBOX, "mbx/1", "m1", null),
				StagedItem.gone("p", Side.MAILBOX, "mbx/2", "m2", Removal.LEFT_SCOPE, b)));
		assertEquals(1, s.countStaged("p", Side.CRM, false));
		assertEquals(1, s.countStaged("p", Side.MAILBOX, true));
		List<StagedItem> toFetch = s.stagedToFetch("p", Side.CRM, 10);
		assertEquals(1, toFetch.size());
		s.stage(List.of(toFetch.get(0).withContent("c1", a, contact("X"), Instant.EPOCH)));
		assertTrue(s.stagedToFetch("p", Side.CRM, 10).isEmpty(), "fetched rows are not offered again");
		s.unstage("p", Side.MAILBOX, List.of("mbx/1"));

		List<StagedItem> groups = s.stagedGroups("p", null, 10);
		assertEquals(2, groups.size());
		StagedItem first = groups.stream().filter(g -> g.ident().equals(a)).findFirst().orElseThrow();
		assertEquals(contact("X"), first.data());
		assertEquals(Instant.EPOCH, first.modified());
		StagedItem gone = groups.stream().filter(g -> g.ident().equals(b)).findFirst().orElseThrow();
		assertEquals(Removal.LEFT_SCOPE, gone.removed());
		UUID low = a.toString().compareTo(b.toString()) < 0 ? a : b; // pages go by the ident's text
		assertEquals(1, s.stagedGroups("p", low, 10).size(), "pages continue after the last ident");
		assertEquals(1, s.stagedGroups("p", null, 1).size(), "whole groups, up to the limit");
		s.clearStage("p");
		assertTrue(s.stagedGroups("p", null, 10).isEmpty());
	}

	@Test
	void forgetPair_dropsEveryRowOfThePairOnly() throws Exception {
		s.apply(new SyncBatch().putStatus(status("p", UUID.randomUUID(), 1)).putStatus(status("q", UUID.randomUUID(), 1))
				.token("p", Side.CRM, new CollectionToken("c", "t", false)));
		s.forgetPair("p");
		assertEquals(0, s.countStatus("p", Side.CRM));
		assertTrue(s.token("p", Side.CRM).isEmpty());
		assertEquals(1, s.countStatus("q", Side.CRM));
		assertFalse(s.status("q", UUID.randomUUID()).isPresent());
	}
}
