package org.liaison.messaging.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.profile.Profile;
import org.liaison.testing.ChildJvm;
import org.liaison.testing.TestHome;

/**
 * {@code ./liaison sync} killed with SIGKILL at random points, then run again: the next run
 * converges, with no duplicate on any side (one CRM email per Message-ID, one CRM record per item,
 * one DAV item per record, one copy of each outgoing email) and no lost edit ({@link Ledger}).
 *
 * <p>Even trials kill a first sync (a new user with CRM records, mail, outgoing email and an empty
 * address book, calendar and task list); odd trials kill a busy incremental sync of one long-lived
 * user (CRM records made, changed and leaving the filter, address-book edits and new contacts, new
 * mail with replies, outgoing email). The sync runs in a child JVM as the product runs it
 * ({@link HeadlessSync}); the first trial of each kind runs to its end and gives the length of a run,
 * the others are killed after a random time within the shortest whole run seen so far (measured from
 * the child's first progress line). The next run is made in this JVM over the same home and database, then a run after it must
 * have nothing left to do. {@code -Dliaison.crash.trials=N} sets the number of trials (default 50).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessagingCrashTest {

	private World world;
	private Path root;
	private Ledger busy;
	private Profile busyProfile;
	private final long[] window = { -1, -1 };
	private final AtomicInteger killed = new AtomicInteger();
	private final AtomicInteger finished = new AtomicInteger();
	private final AtomicInteger failedOutgoing = new AtomicInteger();
	private long childMillis;

	@BeforeAll
	void start() throws Exception {
		System.setProperty("liaison.home", TestHome.get().toString());
		world = new World();
		root = Files.createTempDirectory("liaison-messaging-crash");
	}

	@AfterAll
	void stop() throws Exception {
		System.out.printf("Messaging crash test: %d headless syncs killed with SIGKILL mid-run, %d ran to their end;"
				+ " each next run converged with no duplicate and no lost edit; %d outgoing emails were caught"
				+ " mid-hand-over and marked Failed (not sent twice); child JVMs took %d s in all%n", killed.get(),
				finished.get(), failedOutgoing.get(), childMillis / 1000);
		if (world != null) {
			world.close();
		}
		ChildJvm.deleteTree(root);
	}

	@TestFactory
	Stream<DynamicTest> headlessSyncKilledAtRandomPoints_nextRunConverges_noDuplicates_noLostEdit() {
		int trials = Integer.getInteger("liaison.crash.trials", 50);
		List<DynamicTest> out = new ArrayList<>();
		for (int t = 0; t < trials; t++) {
			int trial = t;
			out.add(DynamicTest.dynamicTest("trial " + (t + 1) + (t % 2 == 0 ? ": first sync" : ": busy incremental sync"),
					() -> trial(trial)));
		}
		return out.stream();
	}

	private void trial(int t) throws Exception {
		boolean first = t % 2 == 0;
		SplittableRandom random = new SplittableRandom(4_200 + t);
		Ledger ledger;
		Profile profile;
		if (first) {
			String user = "first" + t;
			world.addUser(user);
			ledger = new Ledger(world, user, t);
			ledger.seed(6, 3, 3, 8, 1);
			profile = world.profile(user, "all", true);
		} else {
			if (busy == null) {
				world.addUser("busy");
				busy = new Ledger(world, "busy", 99);
				busy.seed(12, 4, 4, 8, 1);
				busyProfile = world.profile("busy", "all", true);
				world.sync(busyProfile);
				busy.check(busyProfile, "the busy user's first sync");
			}
			ledger = busy;
			profile = busyProfile;
			ledger.busy(profile);
		}
		HeadlessSync.prepare(profile);
		long prepared = System.nanoTime();
		int kind = first ? 0 : 1;
		// within the shortest whole run seen: nearly every trial is a kill mid-run, none after the end
		long kill = window[kind] < 0 ? -1 : (long) (random.nextDouble() * window[kind] * 0.95);
		long t0 = prepared;
		HeadlessSync.Outcome o = HeadlessSync.run(root.resolve("trial-" + t), world.profileFile(profile), kill);
		childMillis += (System.nanoTime() - t0) / 1_000_000;
		String context = "trial " + (t + 1) + " (" + (kill < 0 ? "not killed" : "kill after " + kill + " ms") + ", child "
				+ o + ")";
		if (o.killed()) {
			killed.incrementAndGet();
		} else {
			assertTrue(o.exit() == 0, context + ": the headless sync failed");
			finished.incrementAndGet();
			if (window[kind] < 0 || o.millis() < window[kind]) {
				window[kind] = Math.max(200, o.millis());
			}
		}
		long t1 = System.nanoTime();
		MessagingReport next = world.sync(profile);
		long t2 = System.nanoTime();
		for (String p : next.problems()) {
			assertTrue(p.contains("may or may not have gone out"), context + ": the next run's problem: " + p);
			failedOutgoing.incrementAndGet();
		}
		ledger.check(profile, context + ", after the next run " + next);
		long t3 = System.nanoTime();
		Ledger.assertNothingToDo(world.sync(profile), context + ", the run after");
		System.out.printf("crash trial %d: %s; child %d ms, next run %d ms, checks %d ms, run after %d ms%n", t + 1,
				o.killed() ? "killed " + kill + " ms into the sync" : "ran to its end (" + o.millis() + " ms)",
				(t1 - prepared) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
				(System.nanoTime() - t3) / 1_000_000);
	}
}
