package org.liaison.offline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.filter.FilterRule;
import org.liaison.api.offline.CopyReport;
import org.liaison.api.offline.FilterPreview;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineException;
import org.liaison.api.offline.OfflineFilter;
import org.liaison.api.offline.OfflineRecord;
import org.liaison.api.offline.OfflineStatus;
import org.liaison.api.offline.ReplayOptions;
import org.liaison.offline.internal.OfflineCopyImpl;
import org.liaison.testing.CrmServers;

/**
 * Going offline against the reference CRM server over HTTPS: the default filters, the records the copy
 * points to, a first copy interrupted and continued, the preview, and keeping the copy current by
 * delta links.
 */
class GoOfflineTest {

	private static final OfflineEntity C = OfflineEntity.CONTACTS;

	@Test
	void defaultFilters_recordsIOwn_activitiesOfLastAndNextMonths_withTheAccountsTheyPointTo() throws Exception {
		try (Fixture f = new Fixture("defaults")) {
			CrmServers.User colleague = CrmServers.user("colleague-" + UUID.randomUUID(), false);
			UUID theirs;
			try (var other = CrmServers.client(colleague, CrmLimits.defaults())) {
				theirs = UUID.randomUUID();
				other.write(org.liaison.api.crm.CrmWrite.createWithId("accounts", theirs, Map.of("name", "Their account")), null);
			}
			UUID mine = f.create(OfflineEntity.ACCOUNTS, Map.of("name", "My account"));
			UUID ada = f.create(C, Map.of("firstname", "Ada", "lastname", "Lovelace",
					"parentcustomerid_account@odata.bind", "/accounts(" + theirs + ")"));
			UUID inactive = f.create(C, Map.of("lastname", "Gone", "statecode", 1, "statuscode", 2));
			Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
			UUID soon = f.create(OfflineEntity.APPOINTMENTS, Map.of("subject", "Next week", "scheduledstart",
					now.plus(7, ChronoUnit.DAYS).toString(), "scheduledend", now.plus(7, ChronoUnit.DAYS).plusSeconds(3600).toString(),
					"regardingobjectid_account_appointment@odata.bind", "/accounts(" + mine + ")"));
			UUID longAgo = f.create(OfflineEntity.APPOINTMENTS, Map.of("subject", "Last year", "scheduledstart",
					now.minus(400, ChronoUnit.DAYS).toString(), "scheduledend", now.minus(400, ChronoUnit.DAYS).plusSeconds(3600).toString()));
			UUID openOld = f.create(OfflineEntity.TASKS, Map.of("subject", "Still open", "scheduledend",
					now.minus(300, ChronoUnit.DAYS).toString()));
			UUID doneOld = f.create(OfflineEntity.TASKS, Map.of("subject", "Done long ago", "scheduledend",
					now.minus(300, ChronoUnit.DAYS).toString(), "statecode", 1, "statuscode", 5));
			UUID mail = f.create(OfflineEntity.EMAILS, Map.of("subject", "Hello", "email_activity_parties", List.of(
					Map.of("participationtypemask", 2, "partyid_contact@odata.bind", "/contacts(" + ada + ")"))));

			assertEquals(OfflineFilter.defaults(), f.copy.filters(), "the defaults until the user sets filters");
			CopyReport r = f.copy.goOffline(f.crm, null);
			assertTrue(r.complete());
			assertTrue(f.copy.status().offline());

			assertTrue(f.copy.get(OfflineEntity.ACCOUNTS, mine).isPresent());
			assertTrue(f.copy.get(C, ada).isPresent());
			assertTrue(f.copy.get(C, inactive).isEmpty(), "inactive records stay behind");
			assertTrue(f.copy.get(OfflineEntity.APPOINTMENTS, soon).isPresent());
			assertTrue(f.copy.get(OfflineEntity.APPOINTMENTS, longAgo).isEmpty());
			assertTrue(f.copy.get(OfflineEntity.TASKS, openOld).isPresent(), "open tasks whatever their date");
			assertTrue(f.copy.get(OfflineEntity.TASKS, doneOld).isEmpty());
			OfflineRecord email = f.copy.get(OfflineEntity.EMAILS, mail).orElseThrow();
			assertTrue(email.get(OfflineRecord.PARTIES).contains("contacts(" + ada + ")"), email.get(OfflineRecord.PARTIES));

			OfflineRecord account = f.copy.get(OfflineEntity.ACCOUNTS, theirs).orElseThrow(
					() -> new AssertionError("the account Ada's contact points to comes along, though another user owns it"));
			assertEquals(OfflineRecord.Scope.REFERENCE, account.scope());
			assertEquals("accounts(" + theirs + ")", f.copy.get(C, ada).orElseThrow().get("parentcustomerid"));
			assertEquals("accounts(" + mine + ")", f.copy.get(OfflineEntity.APPOINTMENTS, soon).orElseThrow()
					.get("regardingobjectid"));
			assertEquals(now.plus(7, ChronoUnit.DAYS).toString(), f.copy.get(OfflineEntity.APPOINTMENTS, soon).orElseThrow()
					.get("scheduledstart"), "times in their canonical UTC form");
			OfflineStatus s = f.copy.status();
			assertEquals(1, s.references());
			assertEquals(2, s.records().get(OfflineEntity.ACCOUNTS));
			assertEquals(5, r.copiedTotal(), r.toString());
			assertEquals(1, r.references());
		}
	}

	@Test
	void filterFromRules_previewCountsAndSize_beforeCopying() throws Exception {
		try (Fixture f = new Fixture("preview")) {
			for (int i = 0; i < 12; i++) {
				f.create(C, Map.of("firstname", "P" + i, "lastname", i % 3 == 0 ? "Smith" : "Jones", "description",
						"x".repeat(200)));
			}
			OfflineFilter smiths = OfflineFilter.of(C, new FilterRule(true, List.of(
					new FilterRule.Condition("_ownerid_value", FilterRule.Op.EQ, f.user.id().toString()),
					new FilterRule.Condition("lastname", FilterRule.Op.EQ, "Smith"))));
			List<FilterPreview> p = f.copy.preview(f.crm, List.of(smiths, new OfflineFilter(OfflineEntity.ACCOUNTS, false,
					null), new OfflineFilter(OfflineEntity.LEADS, true, OfflineFilter.defaultFilter(OfflineEntity.LEADS))), null);
			assertEquals(2, p.size(), "disabled types are not counted");
			assertEquals(4, p.get(0).count());
			assertTrue(p.get(0).estimatedBytes() > 4 * 200 && p.get(0).estimatedBytes() < 4 * 4000, p.toString());
			assertEquals(0, p.get(1).count());
			f.copy.setFilters(List.of(smiths));
			assertEquals(4, f.copy.goOffline(f.crm, null).copiedTotal());
			assertEquals(4, f.copy.list(C, "", 100).size());
		}
	}

	@Test
	void firstCopy_interrupted_continuesWhereItStopped_doesNotStartAgain() throws Exception {
		try (Fixture f = new Fixture("resume", CrmLimits.defaults().withPageSize(10))) {
			for (int i = 0; i < 55; i++) {
				f.create(C, Map.of("firstname", "R" + i, "lastname", "Resume"));
			}
			f.copy.setFilters(Fixture.only(C));
			int[] pages = { 0 };
			f.copy.hook(step -> {
				if (step.equals("page") && ++pages[0] == 3) {
					throw new ReplayScenarioTest.Crash();
				}
			});
			assertThrows(ReplayScenarioTest.Crash.class, () -> f.copy.goOffline(f.crm, null));
			assertEquals(30, f.copy.list(C, "", 1000).size(), "three pages were saved before the crash");
			assertEquals(Boolean.FALSE, f.copy.status().initialCopyDone().get(C));

			try (var again = CrmServers.client(f.user, CrmLimits.defaults().withPageSize(10))) {
				CopyReport r = f.fresh().goOffline(again, null);
				assertTrue(r.complete());
				assertEquals(1, r.resumed());
				assertEquals(25, r.copiedTotal(), "only what was left is copied: " + r);
				// WhoAmI, three pages from the saved position, the delta link
				assertTrue(again.stats().requests() <= 5, "the continued copy sent " + again.stats().requests() + " requests");
			}
			assertEquals(55, f.copy.list(C, "", 1000).size());
		}
	}

	@Test
	void offlineWorkDuringTheFirstCopy_theRecordsItPointsToComeAlong() throws Exception {
		try (Fixture f = new Fixture("work-during-copy", CrmLimits.defaults().withPageSize(10))) {
			List<UUID> contacts = new java.util.ArrayList<>();
			for (int i = 0; i < 25; i++) {
				contacts.add(f.create(C, Map.of("firstname", "W" + i, "lastname", "During")));
			}
			CrmServers.User colleague = CrmServers.user("colleague-" + UUID.randomUUID(), false);
			UUID theirs = UUID.randomUUID();
			try (var other = CrmServers.client(colleague, CrmLimits.defaults())) {
				other.write(org.liaison.api.crm.CrmWrite.createWithId("accounts", theirs, Map.of("name", "Not copied")), null);
			}
			f.copy.setFilters(Fixture.only(C, OfflineEntity.ACCOUNTS));
			UUID[] edited = { null };
			f.copy.hook(step -> {
				if (step.equals("page") && edited[0] == null) {
					try {
						// a contact of the first page is pointed at an account the filters do not select
						List<OfflineRecord> copied = f.copy.list(C, "", 1);
						if (copied.isEmpty()) {
							return;
						}
						f.copy.update(C, copied.get(0).id(), Map.of("parentcustomerid", "accounts(" + theirs + ")"));
						edited[0] = copied.get(0).id();
					} catch (OfflineException e) {
						throw new AssertionError(e);
					}
				}
			});
			CopyReport r = f.copy.goOffline(f.crm, null);
			assertTrue(r.complete());
			assertNotNull(edited[0]);
			assertEquals(25, f.copy.list(C, "", 100).size());
			OfflineRecord account = f.copy.get(OfflineEntity.ACCOUNTS, theirs).orElseThrow(
					() -> new AssertionError("the account an offline change points to comes along: " + r));
			assertEquals(OfflineRecord.Scope.REFERENCE, account.scope());
			assertEquals(1, r.references(), r.toString());
		}
	}

	@Test
	void whileGoingOffline_readsSeeCommittedPages_aSecondReplayOrCopyOfTheProfileIsRefused() throws Exception {
		try (Fixture f = new Fixture("alone", CrmLimits.defaults().withPageSize(10))) {
			for (int i = 0; i < 25; i++) {
				f.create(C, Map.of("firstname", "L" + i, "lastname", "Alone"));
			}
			f.copy.setFilters(Fixture.only(C));
			OfflineCopyImpl other = OfflineCopyImpl.over(f.store, f.resolver, java.time.Clock.systemUTC());
			List<String> seen = new java.util.ArrayList<>();
			f.copy.hook(step -> {
				if (step.equals("page") && seen.isEmpty()) {
					try {
						seen.add("read " + other.list(C, "", 100).size());
						OfflineException refused = assertThrows(OfflineException.class,
								() -> other.goOnline(f.crm, ReplayOptions.defaults(), null));
						seen.add(refused.getMessage());
						assertThrows(OfflineException.class, () -> other.refresh(f.crm, null));
					} catch (OfflineException e) {
						throw new AssertionError(e);
					}
				}
			});
			assertTrue(f.copy.goOffline(f.crm, null).complete());
			assertEquals("read 10", seen.get(0), "the first page is committed and readable while the copy goes on");
			assertTrue(seen.get(1).contains("going offline is running"), seen.get(1));
			f.copy.hook(null);
			assertNull(other.goOnline(f.crm, ReplayOptions.defaults(), null).stoppedBecause(), "free again afterwards");
		}
	}

	@Test
	void firstCopy_cancelled_continuesWhereItStopped() throws Exception {
		try (Fixture f = new Fixture("cancel", CrmLimits.defaults().withPageSize(10))) {
			for (int i = 0; i < 25; i++) {
				f.create(C, Map.of("firstname", "K" + i, "lastname", "Cancel"));
			}
			f.copy.setFilters(Fixture.only(C));
			NullProgressMonitor cancelAfterFirstPage = new NullProgressMonitor() {
				@Override
				public void worked(int work) {
					setCanceled(true);
				}
			};
			CopyReport r = f.copy.goOffline(f.crm, cancelAfterFirstPage);
			assertFalse(r.complete());
			assertFalse(f.copy.status().offline(), "not offline with half a copy");
			assertEquals(10, f.copy.list(C, "", 100).size());
			r = f.fresh().goOffline(f.crm, null);
			assertTrue(r.complete());
			assertEquals(15, r.copiedTotal());
			assertEquals(25, f.copy.list(C, "", 100).size());
			assertTrue(f.copy.status().offline());
		}
	}

	@Test
	void refresh_byDeltaLinks_changes_deletions_newRecords_andRecordsThatLeftTheFilter() throws Exception {
		try (Fixture f = new Fixture("refresh")) {
			UUID a = f.create(C, Map.of("firstname", "A", "lastname", "Refresh"));
			UUID b = f.create(C, Map.of("firstname", "B", "lastname", "Refresh"));
			UUID c = f.create(C, Map.of("firstname", "C", "lastname", "Refresh"));
			f.copy.setFilters(Fixture.only(C));
			f.copy.goOffline(f.crm, null);
			f.copy.update(C, c, Map.of("jobtitle", "Offline"));

			f.edit(C, a, Map.of("jobtitle", "Changed in the CRM"));
			f.delete(C, b);
			f.edit(C, c, Map.of("statecode", 1, "statuscode", 2));
			UUID d = f.create(C, Map.of("firstname", "D", "lastname", "Refresh"));

			long before = f.crm.stats().requests();
			CopyReport r = f.copy.refresh(f.crm, null);
			long requests = f.crm.stats().requests() - before;
			assertEquals("Changed in the CRM", f.copy.get(C, a).orElseThrow().get("jobtitle"));
			assertTrue(f.copy.get(C, b).isEmpty(), "deleted in the CRM");
			assertNotNull(f.copy.get(C, d).orElseThrow());
			OfflineRecord left = f.copy.get(C, c).orElseThrow(() -> new AssertionError("changed offline: kept"));
			assertEquals("Offline", left.get("jobtitle"), "the offline change stays on top of the new server copy");
			assertEquals("1", left.get("statecode"));
			assertTrue(r.refreshed() >= 2 && r.removed() >= 1, r.toString());
			assertTrue(requests <= 12, "a refresh costs in proportion to what changed: " + requests);
			assertFalse(f.copy.status().initialCopyDone().containsValue(false));
		}
	}

	@Test
	void typeTakenOffTheList_itsRecordsLeave_filterChanged_copiedAgain() throws Exception {
		try (Fixture f = new Fixture("filters")) {
			f.create(C, Map.of("firstname", "Keep", "lastname", "Me", "jobtitle", "Buyer"));
			f.create(C, Map.of("firstname", "Drop", "lastname", "Me", "jobtitle", "Seller"));
			f.create(OfflineEntity.LEADS, Map.of("lastname", "Lead"));
			f.copy.setFilters(Fixture.only(C, OfflineEntity.LEADS));
			f.copy.goOffline(f.crm, null);
			assertEquals(2, f.copy.list(C, "", 10).size());
			assertEquals(1, f.copy.list(OfflineEntity.LEADS, "", 10).size());
			f.copy.setFilters(List.of(new OfflineFilter(C, true, OfflineFilter.defaultFilter(C) + " and jobtitle eq 'Buyer'"),
					new OfflineFilter(OfflineEntity.LEADS, false, null)));
			f.copy.goOffline(f.crm, null);
			assertEquals(1, f.copy.list(C, "", 10).size());
			assertEquals("Keep Me", f.copy.list(C, "", 10).get(0).displayName());
			assertTrue(f.copy.list(OfflineEntity.LEADS, "", 10).isEmpty());
		}
	}
}
