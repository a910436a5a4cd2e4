package org.liaison.sync.engine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.junit.jupiter.api.Test;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemData;
import org.liaison.api.store.ConflictRecord;
import org.liaison.api.store.JournalEntry;
import org.liaison.api.store.QuarantineEntry;
import org.liaison.api.store.Tombstone;
import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.FieldDirection;
import org.liaison.api.sync.PlannedAction;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncOptions;
import org.liaison.api.sync.SyncPolicy;
import org.liaison.api.sync.SyncReport;
import org.liaison.sync.engine.internal.StepHook;
import org.liaison.testing.memory.Faults.Op;

/** The engine, scenario by scenario, on in-memory collections and a real (in-memory) Derby store. */
class EngineScenarioTest {

	private static SyncPolicy policy(ConflictPolicy c, boolean mailboxDeletesReachCrm) {
		return new SyncPolicy(c, FieldDirection.TWO_WAY, Map.of(), 0.20, 100, mailboxDeletesReachCrm);
	}

	private static void assertNoop(SyncReport r) {
		assertTrue(r.noop(), () -> "the next run changes nothing, but: " + r);
	}

	private static void assertConverged(EnginePair p) {
		assertEquals(p.all(Side.CRM), p.all(Side.MAILBOX), "both sides hold the same items");
	}

	@Test
	void newInCrm_createdInMailboxWithItsIdent_secondRunIsNoop() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		UUID b = p.create(Side.MAILBOX, EnginePair.contact("Grace", "Hopper"));
		SyncReport r = p.run();
		assertEquals(1, r.mailbox().created());
		assertEquals(1, r.crm().created());
		assertConverged(p);
		assertEquals(1, p.mailbox.countIdent(a), "the mailbox copy carries the CRM item's ident");
		assertEquals(1, p.crm.countIdent(b));
		assertNoop(p.run());
		assertEquals(2, p.state().history(p.id, null, 50).stream()
				.filter(h -> h.action() == PlannedAction.Action.CREATE).count(), "each create is in the history with its reason");
		assertTrue(p.state().journal(p.id, false).isEmpty(), "a finished run leaves no journal");
	}

	@Test
	void manyItems_acrossPages_allSynced_thenNoop() throws Exception {
		EnginePair p = new EnginePair(SyncPolicy.defaults(), false, true);
		for (int i = 0; i < 40; i++) {
			p.create(i % 2 == 0 ? Side.CRM : Side.MAILBOX, EnginePair.contact("P" + i, "L" + i));
		}
		SyncReport r = p.run();
		assertEquals(20, r.crm().created());
		assertEquals(20, r.mailbox().created());
		assertConverged(p);
		assertNoop(p.run());
	}

	@Test
	void changedInCrm_updatesMailbox_andViceVersa_differentFieldsMergeWithoutConflict() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.run();
		p.edit(Side.CRM, a, d -> d.with(Contact.JOB_TITLE, "Analyst"));
		p.edit(Side.MAILBOX, a, d -> d.with(Contact.MOBILE_PHONE, "+44 1"));
		SyncReport r = p.run();
		assertEquals(1, r.crm().updated());
		assertEquals(1, r.mailbox().updated());
		assertEquals(0, r.crm().conflicts() + r.mailbox().conflicts(), "different fields are no conflict");
		ItemData both = p.get(Side.CRM, a);
		assertEquals("Analyst", both.get(Contact.JOB_TITLE));
		assertEquals("+44 1", both.get(Contact.MOBILE_PHONE));
		assertConverged(p);
		assertNoop(p.run());
	}

	@Test
	void sameFieldChangedOnBothSides_crmWins_loserKeptInConflictRecord() throws Exception {
		EnginePair p = new EnginePair(policy(ConflictPolicy.CRM_WINS, false), true, true);
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.run();
		p.edit(Side.CRM, a, d -> d.with(Contact.JOB_TITLE, "CRM title"));
		p.edit(Side.MAILBOX, a, d -> d.with(Contact.JOB_TITLE, "Mailbox title"));
		SyncReport r = p.run();
		assertEquals(1, r.mailbox().conflicts(), "the mailbox lost");
		assertEquals("CRM title", p.get(Side.MAILBOX, a).get(Contact.JOB_TITLE));
		ConflictRecord c = p.state().conflicts(p.id, false).get(0);
		assertEquals(ConflictRecord.State.SETTLED, c.state());
		assertEquals("Mailbox title", c.loserValue(Contact.JOB_TITLE), "nothing is lost: the loser is in the record");
		assertConverged(p);
		assertNoop(p.run());
	}

	@Test
	void sameFieldChangedOnBothSides_equalValues_isNoConflict() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.run();
		p.edit(Side.CRM, a, d -> d.with(Contact.JOB_TITLE, "Same"));
		p.edit(Side.MAILBOX, a, d -> d.with(Contact.JOB_TITLE, "Same"));
		SyncReport r = p.run();
		assertNoop(r);
		assertTrue(p.state().conflicts(p.id, false).isEmpty());
		assertNoop(p.run());
	}

	@Test
	void askPolicy_defersWithOpenConflict_untilTheUserChooses() throws Exception {
		EnginePair p = new EnginePair(policy(ConflictPolicy.ASK, false), true, true);
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.run();
		p.edit(Side.CRM, a, d -> d.with(Contact.JOB_TITLE, "CRM title").with(Contact.CITY, "London"));
		p.edit(Side.MAILBOX, a, d -> d.with(Contact.JOB_TITLE, "Mailbox title"));
		SyncReport r = p.run();
		assertEquals(1, r.mailbox().conflicts());
		assertEquals(0, r.crm().updated() + r.mailbox().updated(), "nothing is written until the user chooses");
		assertNoop(p.run()); // the same open conflict is not reported again
		ConflictRecord open = p.state().unsettledConflict(p.id, a).orElseThrow();
		assertEquals(ConflictRecord.State.OPEN, open.state());

		p.state().choose(open.id(), Map.of(Contact.JOB_TITLE, Side.MAILBOX));
		SyncReport after = p.run();
		assertEquals(1, after.crm().updated());
		assertEquals(1, after.mailbox().updated(), "the CRM's other change (city) still flows");
		assertEquals("Mailbox title", p.get(Side.CRM, a).get(Contact.JOB_TITLE));
		assertEquals("London", p.get(Side.MAILBOX, a).get(Contact.CITY));
		assertTrue(p.state().unsettledConflict(p.id, a).isEmpty());
		assertEquals(ConflictRecord.State.APPLIED, p.state().conflicts(p.id, false).get(0).state());
		assertConverged(p);
		assertNoop(p.run());
	}

	@Test
	void newestPolicy_theLaterEditWins() throws Exception {
		EnginePair p = new EnginePair(policy(ConflictPolicy.NEWEST, false), true, true);
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.run();
		p.edit(Side.CRM, a, d -> d.with(Contact.JOB_TITLE, "older"));
		p.edit(Side.MAILBOX, a, d -> d.with(Contact.JOB_TITLE, "newer"));
		p.run();
		assertEquals("newer", p.get(Side.CRM, a).get(Contact.JOB_TITLE));
		assertConverged(p);
	}

	@Test
	void versionChangeWithoutContentChange_isNotAChange() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.run();
		p.crm.touch(p.crm.hrefOf(a));
		p.mailbox.touch(p.mailbox.hrefOf(a));
		assertNoop(p.run());
		int calls = p.crm.calls();
		assertNoop(p.run());
		assertTrue(p.crm.calls() - calls <= 1, "the new version was noted: no fetch the run after");
	}

	@Test
	void flakyEtags_neverCauseWrites() throws Exception {
		EnginePair p = new EnginePair();
		for (int i = 0; i < 10; i++) {
			p.create(Side.CRM, EnginePair.contact("P" + i, "L"));
		}
		p.run();
		p.crm.faults().flakyEtags(7, 0.5);
		p.mailbox.faults().flakyEtags(8, 0.5);
		for (int i = 0; i < 3; i++) {
			assertNoop(p.run());
		}
		assertConverged(p);
	}

	@Test
	void deletedInCrm_deletedFromMailbox_withTombstones() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		for (int i = 0; i < 9; i++) {
			p.create(Side.CRM, EnginePair.contact("P" + i, "L"));
		}
		p.run();
		p.delete(Side.CRM, a);
		SyncReport r = p.run();
		assertEquals(1, r.mailbox().deleted());
		assertNull(p.get(Side.MAILBOX, a));
		List<Tombstone> t = p.state().tombstones(p.id, a, 10);
		assertEquals(2, t.size(), "a tombstone for each side");
		assertEquals(EnginePair.contact("Ada", "Lovelace"), t.get(0).lastCopy(), "the last copy is kept");
		assertNoop(p.run());
	}

	@Test
	void deletedInCrm_butChangedInMailbox_theChangeWins_andTheItemIsMadeAgain() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.run();
		p.delete(Side.CRM, a);
		p.edit(Side.MAILBOX, a, d -> d.with(Contact.NOTES, "important"));
		SyncReport r = p.run();
		assertEquals(1, r.crm().created());
		assertEquals("important", p.get(Side.CRM, a).get(Contact.NOTES));
		assertEquals(1, p.crm.countIdent(a));
		assertConverged(p);
		assertNoop(p.run());
	}

	@Test
	void leftCrmFilter_removedFromMailbox_butNotDeletedInCrm() throws Exception {
		EnginePair p = new EnginePair(SyncPolicy.defaults(), false, true);
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		for (int i = 0; i < 9; i++) {
			p.create(Side.CRM, EnginePair.contact("P" + i, "L"));
		}
		p.run();
		p.crm.setInScope(p.crm.hrefOf(a), false);
		SyncReport r = p.run();
		assertEquals(1, r.mailbox().deleted());
		assertEquals(0, r.crm().deleted(), "leaving a filter is not a deletion");
		assertNull(p.get(Side.MAILBOX, a));
		assertNotNull(p.get(Side.CRM, a));
		assertNoop(p.run());
		p.crm.setInScope(p.crm.hrefOf(a), true);
		assertEquals(1, p.run().mailbox().created(), "back in the filter: back in the mailbox");
		assertNoop(p.run());
	}

	@Test
	void leftCrmFilter_afterAMailboxEdit_theEditReachesTheCrmRecordBeforeTheCopyGoes() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.run();
		p.crm.setInScope(p.crm.hrefOf(a), false);
		p.edit(Side.MAILBOX, a, d -> d.with(Contact.NOTES, "met at the fair"));
		SyncReport r = p.run();
		assertEquals(1, r.crm().updated());
		assertEquals(1, r.mailbox().deleted());
		assertEquals("met at the fair", p.get(Side.CRM, a).get(Contact.NOTES), "no edit is lost");
		assertNoop(p.run());
	}

	@Test
	void deletedInMailbox_byDefault_onlyUnlinks_andIsNotMadeAgain() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.run();
		p.delete(Side.MAILBOX, a);
		SyncReport r = p.run();
		assertEquals(0, r.crm().deleted(), "mailbox deletes do not reach the CRM by default");
		assertNotNull(p.get(Side.CRM, a));
		assertTrue(r.actions().stream().anyMatch(x -> x.action() == PlannedAction.Action.UNLINK));
		assertNoop(p.run());
		p.edit(Side.CRM, a, d -> d.with(Contact.CITY, "Paris"));
		assertNoop(p.run());
		assertNull(p.get(Side.MAILBOX, a), "a deleted item does not come back");
	}

	@Test
	void deletedInMailbox_reachesTheCrm_whenThePolicySaysSo() throws Exception {
		EnginePair p = new EnginePair(policy(ConflictPolicy.CRM_WINS, true), true, true);
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		for (int i = 0; i < 9; i++) {
			p.create(Side.CRM, EnginePair.contact("P" + i, "L"));
		}
		p.run();
		p.delete(Side.MAILBOX, a);
		assertEquals(1, p.run().crm().deleted());
		assertNull(p.get(Side.CRM, a));
		assertNoop(p.run());
	}

	@Test
	void deleteBrake_stopsARunThatWouldDeleteMoreThan20Percent_andForceDeletesGoesPast() throws Exception {
		EnginePair p = new EnginePair();
		UUID[] ids = new UUID[10];
		for (int i = 0; i < 10; i++) {
			ids[i] = p.create(Side.CRM, EnginePair.contact("P" + i, "L"));
		}
		p.run();
		for (int i = 0; i < 3; i++) {
			p.delete(Side.CRM, ids[i]);
		}
		UUID fresh = p.create(Side.CRM, EnginePair.contact("New", "One"));
		SyncReport r = p.run();
		assertTrue(r.brakeTripped(), "3 of 10 is more than 20%");
		assertTrue(r.brakeMessage().contains("3 of the 10"), r.brakeMessage());
		assertEquals(10, p.all(Side.MAILBOX).size(), "nothing was written");
		assertNull(p.get(Side.MAILBOX, fresh));
		SyncReport again = p.run();
		assertTrue(again.brakeTripped(), "it keeps asking");
		SyncReport forced = p.run(new SyncOptions(false, true));
		assertFalse(forced.brakeTripped());
		assertEquals(3, forced.mailbox().deleted());
		assertEquals(1, forced.mailbox().created());
		assertConverged(p);
		assertNoop(p.run());
	}

	@Test
	void deleteBrake_aSingleDeletionInASmallCollectionDoesNotTrip() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.create(Side.CRM, EnginePair.contact("Bob", "B"));
		p.run();
		p.delete(Side.CRM, a);
		SyncReport r = p.run();
		assertFalse(r.brakeTripped());
		assertEquals(1, r.mailbox().deleted());
	}

	@Test
	void dryRun_reportsWouldCreateUpdateDeleteWithReasons_andWritesNothing() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		UUID b = p.create(Side.CRM, EnginePair.contact("Bob", "B"));
		for (int i = 0; i < 8; i++) {
			p.create(Side.CRM, EnginePair.contact("P" + i, "L"));
		}
		p.run();
		p.edit(Side.CRM, a, d -> d.with(Contact.CITY, "Oslo"));
		p.delete(Side.CRM, b);
		p.create(Side.MAILBOX, EnginePair.contact("New", "One"));
		Map<UUID, ItemData> crmBefore = p.all(Side.CRM);
		Map<UUID, ItemData> mbxBefore = p.all(Side.MAILBOX);
		int historyBefore = p.state().history(p.id, null, 1000).size();

		SyncReport preview = p.run(SyncOptions.preview());
		assertEquals(1, preview.mailbox().updated());
		assertEquals(1, preview.mailbox().deleted());
		assertEquals(1, preview.crm().created());
		assertEquals(3, preview.actions().size());
		for (PlannedAction x : preview.actions()) {
			assertFalse(x.reason().isBlank(), "a reason per item");
		}
		assertEquals(crmBefore, p.all(Side.CRM), "a dry run writes nothing");
		assertEquals(mbxBefore, p.all(Side.MAILBOX));
		assertEquals(historyBefore, p.state().history(p.id, null, 1000).size());

		SyncReport real = p.run();
		assertEquals(preview.crm(), real.crm(), "the real run does what the preview said");
		assertEquals(preview.mailbox(), real.mailbox());
		assertNoop(p.run());
	}

	@Test
	void freshInstall_withAnEmptyStore_pairsByIdent_withoutDuplicates() throws Exception {
		EnginePair p = new EnginePair();
		for (int i = 0; i < 12; i++) {
			p.create(i % 3 == 0 ? Side.MAILBOX : Side.CRM, EnginePair.contact("P" + i, "L" + i));
		}
		p.run();
		p.state().forgetPair(p.id); // a new computer: the store knows nothing
		SyncReport r = p.run();
		assertEquals(0, r.crm().created() + r.mailbox().created(), "found, not made again: " + r);
		assertEquals(12, p.all(Side.CRM).size());
		assertEquals(12, p.all(Side.MAILBOX).size());
		assertNoop(p.run());
	}

	@Test
	void freshInstall_withEditsMadeMeanwhile_mergesWithoutABase() throws Exception {
		EnginePair p = new EnginePair(policy(ConflictPolicy.CRM_WINS, false), true, true);
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.run();
		p.state().forgetPair(p.id);
		p.edit(Side.MAILBOX, a, d -> d.with(Contact.MOBILE_PHONE, "+1 555"));
		p.edit(Side.CRM, a, d -> d.with(Contact.LAST_NAME, "King"));
		p.run();
		assertEquals("King", p.get(Side.MAILBOX, a).get(Contact.LAST_NAME));
		assertEquals("+1 555", p.get(Side.CRM, a).get(Contact.MOBILE_PHONE), "a field on one side only is kept");
		assertEquals(1, p.crm.countIdent(a));
		assertConverged(p);
		assertNoop(p.run());
	}

	@Test
	void lostResponses_onCreateUpdateDelete_neverDuplicateOrLose() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		UUID b = p.create(Side.CRM, EnginePair.contact("Bob", "B"));
		for (int i = 0; i < 8; i++) {
			p.create(Side.CRM, EnginePair.contact("P" + i, "L"));
		}
		p.mailbox.faults().loseResponseNext(Op.CREATE, 3);
		p.run();
		assertEquals(10, p.mailbox.size(), "a create whose response was lost is found, not made twice");
		assertConverged(p);

		p.edit(Side.CRM, a, d -> d.with(Contact.CITY, "Rome"));
		p.mailbox.faults().loseResponseNext(Op.UPDATE, 1);
		SyncReport u = p.run();
		assertEquals(1, u.mailbox().updated());
		assertEquals("Rome", p.get(Side.MAILBOX, a).get(Contact.CITY));

		p.delete(Side.CRM, b);
		p.mailbox.faults().loseResponseNext(Op.DELETE, 1);
		assertEquals(1, p.run().mailbox().deleted());
		assertConverged(p);
		assertNoop(p.run());
		assertTrue(p.mailbox.faults().injected() >= 5);
	}

	@Test
	void transientFailures_areRetriedWithBackoff() throws Exception {
		EnginePair p = new EnginePair();
		for (int i = 0; i < 5; i++) {
			p.create(Side.CRM, EnginePair.contact("P" + i, "L"));
		}
		p.mailbox.faults().failNext(Op.CREATE, 2).failNext(Op.LIST, 1).retryAfter(0);
		p.crm.faults().failNext(Op.GET, 2);
		SyncReport r = p.run();
		assertEquals(5, r.mailbox().created());
		assertConverged(p);
	}

	@Test
	void transientFailuresPastTheRetries_leaveTheItemForTheNextRun_whichFindsItAgain() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.run();
		p.edit(Side.CRM, a, d -> d.with(Contact.CITY, "Lima"));
		p.mailbox.faults().failNext(Op.UPDATE, 10);
		SyncReport r = p.run();
		assertTrue(r.actions().stream().anyMatch(x -> x.action() == PlannedAction.Action.RETRY), r.toString());
		assertEquals(0, r.mailbox().updated());
		p.mailbox.faults().off();
		assertEquals(1, p.run().mailbox().updated(), "the change is not lost to a saved token");
		assertConverged(p);
		assertNoop(p.run());
	}

	@Test
	void malformedItem_isQuarantined_theRestSyncs_andAFixedItemLeavesQuarantine() throws Exception {
		EnginePair p = new EnginePair();
		p.create(Side.MAILBOX, EnginePair.contact("Ada", "Lovelace"));
		String bad = p.mailbox.userCreateBad("line 2: BEGIN:VCARD without END:VCARD", "BEGIN:VCARD\r\nFN:X");
		SyncReport r = p.run();
		assertEquals(1, r.mailbox().quarantined());
		assertEquals(1, r.crm().created(), "the rest of the sync goes on");
		List<QuarantineEntry> q = p.state().quarantine(p.id);
		assertEquals(1, q.size());
		assertEquals("BEGIN:VCARD\r\nFN:X", q.get(0).raw(), "the raw text is kept");
		assertTrue(q.get(0).reason().contains("END:VCARD"));
		assertNoop(p.run());
		assertEquals(0, p.run().mailbox().quarantined(), "not quarantined again while unchanged");

		p.mailbox.userEdit(bad, EnginePair.contact("Fixed", "Now"));
		SyncReport fixed = p.run();
		assertEquals(1, fixed.crm().created());
		assertEquals(List.of(), p.state().quarantine(p.id), "the fixed item is out of quarantine");
		assertEquals(2, p.all(Side.CRM).size());
		assertNoop(p.run());
	}

	@Test
	void contentTheOtherSideRefuses_isQuarantined_andNotRetriedWhileUnchanged() throws Exception {
		EnginePair p = new EnginePair();
		p.create(Side.MAILBOX, EnginePair.contact("Ada", "Lovelace"));
		p.create(Side.MAILBOX, EnginePair.contact("Refused", "Person"));
		p.crm.faults().reject(d -> "Refused".equals(d.get(Contact.FIRST_NAME)), "400 Bad Request: firstname");
		SyncReport r = p.run();
		assertEquals(1, r.crm().created());
		assertEquals(1, r.mailbox().quarantined());
		assertEquals(1, p.state().quarantine(p.id).size());
		assertNoop(p.run());

		// the user mends the contact in the mailbox: it syncs, and its quarantine entry ends
		UUID refused = p.all(Side.MAILBOX).keySet().stream()
				.filter(id -> "Refused".equals(p.get(Side.MAILBOX, id).get(Contact.FIRST_NAME))).findFirst().orElseThrow();
		p.edit(Side.MAILBOX, refused, d -> d.with(Contact.FIRST_NAME, "Accepted"));
		SyncReport mended = p.run();
		assertEquals(1, mended.crm().created(), mended.toString());
		assertEquals(List.of(), p.state().quarantine(p.id), "a mended item leaves quarantine");
		assertTrue(p.state().history(p.id, refused, 20).stream()
				.anyMatch(h -> h.reason() != null && h.reason().startsWith("out of quarantine")),
				"the history says it left quarantine");
		assertConverged(p);
		assertNoop(p.run());
	}

	@Test
	void expiredToken_fallsBackToAFullListing() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.run();
		p.delete(Side.CRM, a);
		p.create(Side.CRM, EnginePair.contact("New", "One"));
		p.crm.expireTokens();
		SyncReport r = p.run();
		assertEquals(1, r.mailbox().created());
		assertEquals(1, r.mailbox().deleted(), "a full listing finds the deletion too");
		assertConverged(p);
	}

	@Test
	void perFieldDirections_areRespected() throws Exception {
		SyncPolicy dirs = new SyncPolicy(ConflictPolicy.CRM_WINS, FieldDirection.TWO_WAY,
				Map.of(Contact.JOB_TITLE, FieldDirection.CRM_TO_MAILBOX, Contact.MOBILE_PHONE, FieldDirection.MAILBOX_TO_CRM,
						Contact.NOTES, FieldDirection.NONE),
				0.2, 100, false);
		EnginePair p = new EnginePair(dirs, true, true);
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace").with(Contact.NOTES, "crm notes")
				.with(Contact.JOB_TITLE, "CEO").with(Contact.MOBILE_PHONE, "crm mobile"));
		p.run();
		ItemData m = p.get(Side.MAILBOX, a);
		assertEquals("CEO", m.get(Contact.JOB_TITLE));
		assertNull(m.get(Contact.NOTES), "NONE does not flow");
		assertNull(m.get(Contact.MOBILE_PHONE), "MAILBOX_TO_CRM does not flow from the CRM");

		p.edit(Side.MAILBOX, a, d -> d.with(Contact.JOB_TITLE, "mailbox title").with(Contact.MOBILE_PHONE, "+49 1")
				.with(Contact.NOTES, "mailbox notes"));
		p.run();
		ItemData c = p.get(Side.CRM, a);
		assertEquals("CEO", c.get(Contact.JOB_TITLE), "CRM_TO_MAILBOX: a mailbox edit stays in the mailbox");
		assertEquals("+49 1", c.get(Contact.MOBILE_PHONE));
		assertEquals("crm notes", c.get(Contact.NOTES));
		assertEquals("mailbox notes", p.get(Side.MAILBOX, a).get(Contact.NOTES));
		assertNoop(p.run());

		p.edit(Side.CRM, a, d -> d.with(Contact.JOB_TITLE, "CTO"));
		p.run();
		assertEquals("CTO", p.get(Side.MAILBOX, a).get(Contact.JOB_TITLE), "a CRM change flows again");
		assertNoop(p.run());
	}

	@Test
	void twoItemsOnOneSideWithTheSameIdent_theSecondIsQuarantined() throws Exception {
		EnginePair p = new EnginePair();
		UUID a = p.create(Side.CRM, EnginePair.contact("Ada", "Lovelace"));
		p.run();
		p.mailbox.userCreate(a, EnginePair.contact("Copy", "OfAda"));
		SyncReport r = p.run();
		assertEquals(1, r.mailbox().quarantined());
		assertEquals(EnginePair.contact("Ada", "Lovelace"), p.get(Side.CRM, a), "not merged into the wrong item");
		assertNoop(p.run());
	}

	@Test
	void cancelled_stopsBetweenPages_andTheNextRunFinishes() throws Exception {
		EnginePair p = new EnginePair();
		for (int i = 0; i < 30; i++) {
			p.create(Side.CRM, EnginePair.contact("P" + i, "L"));
		}
		NullProgressMonitor m = new NullProgressMonitor();
		p.settings = p.settings.withHook(step -> {
			if ("commit".equals(step)) {
				m.setCanceled(true);
			}
		});
		assertThrows(OperationCanceledException.class, () -> p.run(SyncOptions.normal(), m));
		int made = p.mailbox.size();
		assertTrue(made > 0 && made < 30, "stopped part way: " + made);
		p.settings = p.settings.withHook(StepHook.NONE);
		p.run();
		assertConverged(p);
		assertEquals(30, p.mailbox.size());
		assertNoop(p.run());
	}

	/** A crash simulated in-process: an Error the engine does not catch. */
	static final class Crash extends Error {
		private static final long serialVersionUID = 1L;

		Crash(String step) {
			super("crash after " + step, null, false, false);
		}
	}

	@Test
	void crashAfterEveryJournalStep_resumedByAFreshRun_endsTheSameWithoutDuplicates() throws Exception {
		for (int crashAt = 1; crashAt <= 12; crashAt++) {
			EnginePair p = new EnginePair();
			UUID edited = null;
			for (int i = 0; i < 6; i++) {
				UUID u = p.create(i % 2 == 0 ? Side.CRM : Side.MAILBOX, EnginePair.contact("P" + i, "L"));
				edited = edited == null ? u : edited;
			}
			p.run();
			p.edit(Side.CRM, edited, d -> d.with(Contact.CITY, "Kyoto"));
			for (int i = 0; i < 6; i++) {
				p.create(i % 2 == 0 ? Side.CRM : Side.MAILBOX, EnginePair.contact("Q" + i, "L"));
			}
			int[] steps = { 0 };
			int at = crashAt;
			p.settings = p.settings.withHook(step -> {
				if (++steps[0] == at) {
					throw new Crash(step);
				}
			});
			try {
				p.run();
			} catch (Crash expected) {
				assertFalse(p.state().journal(p.id, true).isEmpty() && steps[0] == 0);
			}
			p.settings = p.settings.withHook(StepHook.NONE);
			p.run();
			assertConverged(p);
			assertEquals(12, p.crm.size(), "no duplicates after a crash at step " + crashAt);
			assertEquals(12, p.mailbox.size());
			assertEquals("Kyoto", p.get(Side.MAILBOX, edited).get(Contact.CITY));
			assertNoop(p.run());
			for (JournalEntry e : p.state().journal(p.id, false)) {
				assertTrue(e.state() != JournalEntry.State.PENDING, "nothing left pending: " + e);
			}
		}
	}
}
