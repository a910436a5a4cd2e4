package org.liaison.offline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.offline.DuplicateRecordException;
import org.liaison.api.offline.OfflineConflict;
import org.liaison.api.offline.OfflineCopy.Take;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineRecord;
import org.liaison.api.offline.OutboxEntry;
import org.liaison.api.offline.ReplayOptions;
import org.liaison.api.offline.ReplayReport;
import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.ConflictResolver.Resolution;
import org.liaison.testing.CrmServers;

/**
 * Going online against the reference CRM server over HTTPS: every way an offline change can meet the
 * server (edited on both sides, deleted on one side and edited on the other, created twice, a crash in
 * the middle of the replay, 412 and 429 answers), each checked in the CRM itself.
 */
class ReplayScenarioTest {

	private static final OfflineEntity C = OfflineEntity.CONTACTS;

	private static Fixture offlineWith(String name, int contacts) throws Exception {
		Fixture f = new Fixture(name);
		for (int i = 0; i < contacts; i++) {
			f.create(C, Map.of("firstname", "First" + i, "lastname", "Last" + i, "jobtitle", "Job" + i,
					"emailaddress1", name + i + "@example.test"));
		}
		f.copy.setFilters(Fixture.only(C));
		assertTrue(f.copy.goOffline(f.crm, null).complete());
		return f;
	}

	private static UUID id(Fixture f, int i) throws Exception {
		return f.copy.list(C, "first" + i + " ", 1).get(0).id();
	}

	private static ReplayReport online(Fixture f, ConflictPolicy policy) throws Exception {
		ReplayReport r = f.copy.goOnline(f.crm, ReplayOptions.defaults().conflicts(policy), null);
		assertNull(r.stoppedBecause(), () -> "the replay stopped: " + r);
		return r;
	}

	@Test
	void editBothSides_differentFields_mergedNoConflict() throws Exception {
		try (Fixture f = offlineWith("both-fields", 1)) {
			UUID id = id(f, 0);
			f.copy.update(C, id, Map.of("jobtitle", "Offline title"));
			f.edit(C, id, Map.of("telephone1", "+44 1"));
			ReplayReport r = online(f, ConflictPolicy.CRM_WINS);
			assertEquals(1, r.replayed());
			assertEquals(0, r.conflicts());
			CrmRecord now = f.read(C, id);
			assertEquals("Offline title", now.string("jobtitle"));
			assertEquals("+44 1", now.string("telephone1"));
			OfflineRecord local = f.copy.get(C, id).orElseThrow();
			assertEquals(OfflineRecord.State.SYNCED, local.state());
			assertEquals("+44 1", local.get("telephone1"), "the refresh after the replay brings the server's edit");
		}
	}

	@Test
	void editBothSides_sameField_crmWins_offlineValueKeptInConflict() throws Exception {
		try (Fixture f = offlineWith("both-same", 1)) {
			UUID id = id(f, 0);
			f.copy.update(C, id, Map.of("jobtitle", "Offline title", "mobilephone", "+1 555"));
			f.edit(C, id, Map.of("jobtitle", "Server title"));
			ReplayReport r = online(f, ConflictPolicy.CRM_WINS);
			assertEquals(1, r.conflicts());
			assertEquals(1, r.merged());
			CrmRecord now = f.read(C, id);
			assertEquals("Server title", now.string("jobtitle"), "the server's value stays");
			assertEquals("+1 555", now.string("mobilephone"), "the field without conflict is written");
			OfflineConflict k = f.copy.conflicts(false).get(0);
			assertEquals(OfflineConflict.Kind.FIELDS, k.kind());
			assertEquals(OfflineConflict.State.SETTLED, k.state());
			assertEquals("jobtitle", k.fields().get(0).field());
			assertEquals("Offline title", k.fields().get(0).mailboxValue(), "the losing offline value is kept");
			assertEquals("Server title", k.fields().get(0).crmValue());
			assertEquals(Resolution.TAKE_CRM, k.resolutions().get("jobtitle"));
			assertTrue(r.problems().get(0).contains("Offline title"), r.problems().toString());
		}
	}

	@Test
	void editBothSides_sameField_offlineWins_serverValueKeptInConflict() throws Exception {
		try (Fixture f = offlineWith("both-offline-wins", 1)) {
			UUID id = id(f, 0);
			f.copy.update(C, id, Map.of("jobtitle", "Offline title"));
			f.edit(C, id, Map.of("jobtitle", "Server title"));
			online(f, ConflictPolicy.MAILBOX_WINS);
			assertEquals("Offline title", f.read(C, id).string("jobtitle"));
			OfflineConflict k = f.copy.conflicts(false).get(0);
			assertEquals("Server title", k.fields().get(0).crmValue(), "the overwritten server value is kept");
			assertEquals(Resolution.TAKE_MAILBOX, k.resolutions().get("jobtitle"));
		}
	}

	@Test
	void editBothSides_ask_waitsForChoiceThenWritesIt() throws Exception {
		try (Fixture f = offlineWith("both-ask", 2)) {
			UUID id = id(f, 0);
			UUID other = id(f, 1);
			f.copy.update(C, id, Map.of("jobtitle", "Offline title"));
			f.copy.update(C, id, Map.of("telephone1", "+33 1"));
			f.copy.update(C, other, Map.of("jobtitle", "Other offline"));
			f.edit(C, id, Map.of("jobtitle", "Server title"));
			ReplayReport r = online(f, ConflictPolicy.ASK);
			assertEquals(1, r.conflicts());
			assertEquals(1, r.replayed(), "the other record's change goes through");
			assertEquals(2, r.waiting(), "the conflict and the change behind it wait");
			assertEquals("Server title", f.read(C, id).string("jobtitle"));
			assertNull(f.read(C, id).string("telephone1"), "a later change of the record waits behind the conflict");
			OfflineConflict k = f.copy.conflicts(true).get(0);
			assertEquals(OfflineConflict.State.OPEN, k.state());
			f.copy.choose(k.id(), Map.of("jobtitle", Take.OFFLINE));
			r = online(f, ConflictPolicy.ASK);
			assertEquals(2, r.replayed());
			assertEquals("Offline title", f.read(C, id).string("jobtitle"));
			assertEquals("+33 1", f.read(C, id).string("telephone1"));
			assertTrue(f.copy.conflicts(true).isEmpty());
			assertEquals(OfflineConflict.State.SETTLED, f.copy.conflicts(false).get(0).state());
		}
	}

	@Test
	void deleteOffline_changedOnServer_changeWins_recordKeptAndShown() throws Exception {
		try (Fixture f = offlineWith("delete-vs-edit", 1)) {
			UUID id = id(f, 0);
			f.copy.delete(C, id);
			assertEquals(OfflineRecord.State.DELETED, f.copy.get(C, id).orElseThrow().state());
			f.edit(C, id, Map.of("jobtitle", "Promoted"));
			ReplayReport r = online(f, ConflictPolicy.CRM_WINS);
			assertEquals(1, r.conflicts());
			assertNotNull(f.read(C, id), "a change beats a deletion");
			assertEquals(OfflineConflict.Kind.CHANGED_ON_SERVER, f.copy.conflicts(false).get(0).kind());
			OfflineRecord back = f.copy.get(C, id).orElseThrow();
			assertEquals(OfflineRecord.State.SYNCED, back.state());
			assertEquals("Promoted", back.get("jobtitle"));
		}
	}

	@Test
	void deleteOffline_unchangedOnServer_deleted() throws Exception {
		try (Fixture f = offlineWith("delete", 2)) {
			UUID id = id(f, 0);
			f.copy.delete(C, id);
			f.edit(C, id(f, 1), Map.of("jobtitle", "Unrelated"));
			ReplayReport r = online(f, ConflictPolicy.CRM_WINS);
			assertEquals(0, r.conflicts());
			assertNull(f.read(C, id));
			assertTrue(f.copy.get(C, id).isEmpty());
		}
	}

	@Test
	void editOffline_deletedOnServer_madeAgainWithOfflineValues() throws Exception {
		try (Fixture f = offlineWith("edit-vs-delete", 1)) {
			UUID id = id(f, 0);
			f.copy.update(C, id, Map.of("jobtitle", "Still a customer"));
			f.delete(C, id);
			ReplayReport r = online(f, ConflictPolicy.CRM_WINS);
			assertEquals(1, r.conflicts());
			CrmRecord back = f.read(C, id);
			assertNotNull(back, "a change beats a deletion: the record is made again, with the same id");
			assertEquals("Still a customer", back.string("jobtitle"));
			assertEquals("First0", back.string("firstname"), "with the rest of the offline copy");
			assertEquals(OfflineConflict.Kind.DELETED_ON_SERVER, f.copy.conflicts(false).get(0).kind());
		}
	}

	@Test
	void deleteOnBothSides_noConflict() throws Exception {
		try (Fixture f = offlineWith("delete-both", 1)) {
			UUID id = id(f, 0);
			f.copy.delete(C, id);
			f.delete(C, id);
			ReplayReport r = online(f, ConflictPolicy.CRM_WINS);
			assertEquals(1, r.replayed());
			assertEquals(0, r.conflicts());
			assertTrue(f.copy.get(C, id).isEmpty());
		}
	}

	@Test
	void createOffline_twice_duplicateDetectedBySameEmailAndByNameAndAccount() throws Exception {
		try (Fixture f = offlineWith("create-twice", 0)) {
			UUID account = f.create(OfflineEntity.ACCOUNTS, Map.of("name", "Analytical Engines"));
			f.copy.setFilters(Fixture.only(C, OfflineEntity.ACCOUNTS));
			f.copy.goOffline(f.crm, null);
			Map<String, String> ada = Map.of("firstname", "Ada", "lastname", "Lovelace", "emailaddress1",
					"ada@engines.example", "parentcustomerid", "accounts(" + account + ")");
			OfflineRecord first = f.copy.create(C, ada, false);
			DuplicateRecordException sameEmail = assertThrows(DuplicateRecordException.class,
					() -> f.copy.create(C, Map.of("lastname", "Byron", "emailaddress1", "ADA@engines.example"), false));
			assertEquals(first.id(), sameEmail.matches().get(0).id());
			DuplicateRecordException sameName = assertThrows(DuplicateRecordException.class, () -> f.copy.create(C,
					Map.of("firstname", "ada", "lastname", "lovelace", "parentcustomerid", "accounts(" + account + ")"), false));
			assertEquals(first.id(), sameName.matches().get(0).id());
			assertTrue(sameName.getMessage().contains("Ada Lovelace"), sameName.getMessage());
			// same name, no account: another person
			f.copy.create(C, Map.of("firstname", "Ada", "lastname", "Lovelace"), false);
			assertThrows(DuplicateRecordException.class,
					() -> f.copy.create(OfflineEntity.ACCOUNTS, Map.of("name", "analytical engines"), false));
			f.copy.create(C, Map.of("firstname", "Ada", "lastname", "Lovelace", "emailaddress1", "ada@engines.example"), true);
			ReplayReport r = online(f, ConflictPolicy.CRM_WINS);
			assertEquals(3, r.replayed());
			assertEquals(2, f.find(C, "emailaddress1", "ada@engines.example").size(), "created anyway when asked");
			assertEquals(3, f.find(C, "lastname", "Lovelace").size());
		}
	}

	@Test
	void createOffline_crashAfterTheCrmMadeIt_replayCreatesNothingTwice() throws Exception {
		try (Fixture f = offlineWith("create-crash", 0)) {
			OfflineRecord made = f.copy.create(C, Map.of("firstname", "Grace", "lastname", "Hopper", "jobtitle", "Admiral"),
					false);
			f.copy.update(C, made.id(), Map.of("telephone1", "+1 202"));
			f.copy.hook(step -> {
				if (step.equals("sent")) {
					throw new Crash();
				}
			});
			assertThrows(Crash.class, () -> f.copy.goOnline(f.crm, ReplayOptions.defaults().batchSize(1), null));
			assertEquals(1, f.find(C, "lastname", "Hopper").size(), "the create reached the CRM before the crash");
			ReplayReport r = f.fresh().goOnline(f.crm, ReplayOptions.defaults().batchSize(1), null);
			assertNull(r.stoppedBecause());
			assertEquals(0, r.conflicts());
			List<CrmRecord> hoppers = f.find(C, "lastname", "Hopper");
			assertEquals(1, hoppers.size(), "no second record");
			assertEquals(made.id(), hoppers.get(0).id());
			assertEquals("+1 202", hoppers.get(0).string("telephone1"), "the change after the create is there");
			assertTrue(f.copy.outbox(true).isEmpty());
			ReplayReport again = f.copy.goOnline(f.crm, ReplayOptions.defaults().refresh(false), null);
			assertEquals(0, again.requests(), "a second replay sends nothing");
		}
	}

	@Test
	void crashDuringReplay_atEveryStep_freshServiceEndsTheSame() throws Exception {
		for (int crashAt = 1;; crashAt++) {
			try (Fixture f = offlineWith("crash-" + crashAt, 4)) {
				UUID a = id(f, 0);
				UUID b = id(f, 1);
				UUID c = id(f, 2);
				UUID d = id(f, 3);
				f.copy.update(C, a, Map.of("jobtitle", "A offline"));
				f.copy.update(C, b, Map.of("jobtitle", "B offline"));
				f.copy.delete(C, c);
				OfflineRecord n = f.copy.create(C, Map.of("firstname", "New", "lastname", "Crash" + crashAt), false);
				f.copy.update(C, d, Map.of("jobtitle", "D offline"));
				f.copy.update(C, a, Map.of("telephone1", "+49 1"));
				f.edit(C, b, Map.of("jobtitle", "B server"));
				int[] steps = { 0 };
				int at = crashAt;
				f.copy.hook(step -> {
					if (++steps[0] == at) {
						throw new Crash();
					}
				});
				boolean crashed;
				try {
					f.copy.goOnline(f.crm, ReplayOptions.defaults().batchSize(2).conflicts(ConflictPolicy.MAILBOX_WINS), null);
					crashed = false;
				} catch (Crash x) {
					crashed = true;
					ReplayReport r = f.fresh().goOnline(f.crm,
							ReplayOptions.defaults().batchSize(2).conflicts(ConflictPolicy.MAILBOX_WINS), null);
					assertNull(r.stoppedBecause());
				}
				String at2 = "crash at step " + crashAt;
				assertEquals("A offline", f.read(C, a).string("jobtitle"), at2);
				assertEquals("+49 1", f.read(C, a).string("telephone1"), at2);
				assertEquals("B offline", f.read(C, b).string("jobtitle"), at2);
				assertNull(f.read(C, c), at2);
				assertEquals("D offline", f.read(C, d).string("jobtitle"), at2);
				assertEquals(1, f.find(C, "lastname", "Crash" + crashAt).size(), at2);
				assertEquals(n.id(), f.find(C, "lastname", "Crash" + crashAt).get(0).id(), at2);
				List<OfflineConflict> ks = f.copy.conflicts(false);
				assertEquals(1, ks.size(), at2 + ": " + ks);
				assertEquals("B server", ks.get(0).fields().get(0).crmValue(), at2 + ": the overwritten value is kept");
				assertTrue(f.copy.outbox(true).isEmpty(), at2);
				if (!crashed) {
					System.out.println("Crash during replay: every one of " + (crashAt - 1) + " steps checked");
					return;
				}
			}
		}
	}

	@Test
	void replay_412_staleCopy_readAgainAndMerged() throws Exception {
		try (Fixture f = offlineWith("stale", 1)) {
			UUID id = id(f, 0);
			f.edit(C, id, Map.of("description", "Met at the fair"));
			f.copy.update(C, id, Map.of("jobtitle", "Chief"));
			ReplayReport r = online(f, ConflictPolicy.CRM_WINS);
			assertEquals(1, r.merged());
			assertEquals(0, r.conflicts());
			CrmRecord now = f.read(C, id);
			assertEquals("Chief", now.string("jobtitle"));
			assertEquals("Met at the fair", now.string("description"), "the server's change is not overwritten");
		}
	}

	@Test
	void replay_429_retryAfterHonoured() throws Exception {
		try (Fixture f = offlineWith("throttled", 3)) {
			for (int i = 0; i < 3; i++) {
				f.copy.update(C, id(f, i), Map.of("jobtitle", "Edit " + i));
			}
			injectOnFirstSend(f, 2, 1);
			ReplayReport r = f.copy.goOnline(f.crm, ReplayOptions.defaults().batchSize(1).refresh(false), null);
			assertNull(r.stoppedBecause());
			assertEquals(3, r.replayed());
			assertTrue(r.throttledMillis() >= 2000, "waited the server's Retry-After twice: " + r.throttledMillis());
			for (int i = 0; i < 3; i++) {
				assertEquals("Edit " + i, f.read(C, id(f, i)).string("jobtitle"));
			}
		}
	}

	@Test
	void replay_429_beyondRetries_stopsAndTheNextRunGoesOn() throws Exception {
		try (Fixture f = new Fixture("throttled-stop", CrmLimits.defaults().withRetries(0, Duration.ofSeconds(1)))) {
			f.create(C, Map.of("firstname", "T", "lastname", "One"));
			f.copy.setFilters(Fixture.only(C));
			f.copy.goOffline(f.crm, null);
			UUID id = f.copy.list(C, "", 1).get(0).id();
			f.copy.update(C, id, Map.of("jobtitle", "Later"));
			injectOnFirstSend(f, 1, 30);
			ReplayReport r = f.copy.goOnline(f.crm, ReplayOptions.defaults().refresh(false), null);
			assertNotNull(r.stoppedBecause());
			assertTrue(r.stoppedBecause().contains("429") || r.stoppedBecause().contains("30 s"), r.stoppedBecause());
			assertEquals(1, r.waiting());
			assertEquals(1, f.copy.outbox(true).get(0).attempts());
			r = f.copy.goOnline(f.crm, ReplayOptions.defaults(), null);
			assertNull(r.stoppedBecause());
			assertEquals("Later", f.read(C, id).string("jobtitle"));
		}
	}

	@Test
	void replay_requestBudgetSpent_stopsAndTheNextRunGoesOn() throws Exception {
		try (Fixture f = offlineWith("budget", 6)) {
			for (int i = 0; i < 6; i++) {
				f.copy.update(C, id(f, i), Map.of("jobtitle", "Budget " + i));
			}
			long before = f.crm.stats().requests();
			try (var tight = CrmServers.client(f.user, CrmLimits.defaults().withBudget(4))) {
				ReplayReport r = f.copy.goOnline(tight, ReplayOptions.defaults().batchSize(1), null);
				assertNotNull(r.stoppedBecause());
				assertTrue(r.stoppedBecause().contains("budget"), r.stoppedBecause());
				assertEquals(3, r.replayed(), "WhoAmI and three writes fit the budget of four");
				assertEquals(3, r.waiting());
			}
			assertEquals(before, f.crm.stats().requests());
			ReplayReport r = f.copy.goOnline(f.crm, ReplayOptions.defaults(), null);
			assertEquals(3, r.replayed());
			for (int i = 0; i < 6; i++) {
				assertEquals("Budget " + i, f.read(C, id(f, i)).string("jobtitle"));
			}
		}
	}

	@Test
	void replay_inBatches_oneRecordOncePerBatch_inOrder() throws Exception {
		try (Fixture f = offlineWith("batches", 20)) {
			for (int i = 0; i < 20; i++) {
				f.copy.update(C, id(f, i), Map.of("jobtitle", "Batch " + i));
			}
			UUID first = id(f, 0);
			f.copy.update(C, first, Map.of("jobtitle", "Batch 0, again"));
			ReplayReport r = f.copy.goOnline(f.crm, ReplayOptions.defaults().batchSize(10).refresh(false), null);
			assertEquals(21, r.replayed());
			assertEquals(21, r.requests(), "one request per change");
			assertEquals(3, r.httpCalls(), "three $batch calls: 10, 10, then the record's second change");
			assertEquals("Batch 0, again", f.read(C, first).string("jobtitle"));
		}
	}

	@Test
	void refusedChange_keptWithReason_laterChangesOfTheRecordWait_othersGoOn() throws Exception {
		try (Fixture f = offlineWith("refused", 2)) {
			UUID bad = id(f, 0);
			UUID good = id(f, 1);
			f.copy.update(C, bad, Map.of("firstname", "x".repeat(51)));
			f.copy.update(C, bad, Map.of("jobtitle", "After the refused one"));
			f.copy.update(C, good, Map.of("jobtitle", "Fine"));
			ReplayReport r = f.copy.goOnline(f.crm, ReplayOptions.defaults(), null);
			assertEquals(1, r.failed());
			assertEquals(1, r.replayed());
			assertEquals(1, r.waiting());
			assertEquals("Fine", f.read(C, good).string("jobtitle"));
			assertEquals("Job0", f.read(C, bad).string("jobtitle"), "waits behind the refused change");
			OutboxEntry failed = f.copy.outbox(true).get(0);
			assertEquals(OutboxEntry.State.FAILED, failed.state());
			assertTrue(failed.note().contains("400") && failed.note().contains(bad.toString()), failed.note());
			assertEquals(OfflineRecord.State.CHANGED, f.copy.get(C, bad).orElseThrow().state(), "nothing is lost offline");
			f.copy.discard(failed.seq());
			r = f.copy.goOnline(f.crm, ReplayOptions.defaults(), null);
			assertEquals(1, r.replayed());
			assertEquals("After the refused one", f.read(C, bad).string("jobtitle"));
			assertEquals("First0", f.read(C, bad).string("firstname"));
		}
	}

	@Test
	void createThenDeleteOffline_neverSent_nothingReachesTheCrm() throws Exception {
		try (Fixture f = offlineWith("create-delete", 0)) {
			OfflineRecord r = f.copy.create(C, Map.of("lastname", "Ephemeral"), false);
			f.copy.update(C, r.id(), Map.of("jobtitle", "Brief"));
			f.copy.delete(C, r.id());
			assertTrue(f.copy.outbox(true).isEmpty());
			assertTrue(f.copy.get(C, r.id()).isEmpty());
			ReplayReport rep = f.copy.goOnline(f.crm, ReplayOptions.defaults().refresh(false), null);
			assertEquals(0, rep.replayed());
			assertTrue(f.find(C, "lastname", "Ephemeral").isEmpty());
		}
	}

	@Test
	void offlineWork_checksValues_andRefusesWhatTheCrmSets() throws Exception {
		try (Fixture f = offlineWith("values", 1)) {
			UUID id = id(f, 0);
			assertThrows(org.liaison.api.offline.OfflineException.class, () -> f.copy.update(C, id, Map.of("fullname", "X")));
			assertThrows(org.liaison.api.offline.OfflineException.class, () -> f.copy.update(C, id, Map.of("nosuch", "X")));
			assertThrows(org.liaison.api.offline.OfflineException.class,
					() -> f.copy.update(C, id, Map.of("parentcustomerid", "leads(" + UUID.randomUUID() + ")")));
			assertThrows(org.liaison.api.offline.OfflineException.class, () -> f.copy.update(C, id, Map.of("birthdate", "soon")));
			Map<String, String> clear = new HashMap<>();
			clear.put("jobtitle", null);
			f.copy.update(C, id, clear);
			f.copy.update(C, id, Map.of("birthdate", "1815-12-10"));
			online(f, ConflictPolicy.CRM_WINS);
			CrmRecord now = f.read(C, id);
			assertNull(now.string("jobtitle"));
			assertEquals("1815-12-10", now.string("birthdate"));
			assertFalse(f.copy.get(C, id).orElseThrow().fields().containsKey("jobtitle"));
		}
	}

	/** The CRM answers the next {@code count} calls with 429 and this Retry-After, once the replay starts writing. */
	private static void injectOnFirstSend(Fixture f, int count, int retryAfterSeconds) {
		boolean[] done = { false };
		f.copy.hook(step -> {
			if (step.equals("send") && !done[0]) {
				done[0] = true;
				CrmServers.shared().admin().injectFaults(429, count, retryAfterSeconds);
			}
		});
	}

	/** Stops a run between two steps, as a killed process would (never caught by Go Offline). */
	static final class Crash extends Error {
		private static final long serialVersionUID = 1L;

		Crash() {
			super("simulated crash", null, false, false);
		}
	}
}
