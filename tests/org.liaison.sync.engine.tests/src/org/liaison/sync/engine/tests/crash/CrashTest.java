package org.liaison.sync.engine.tests.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.liaison.api.model.ItemData;
import org.liaison.api.store.JournalEntry;
import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.SyncReport;
import org.liaison.sync.engine.internal.StepHook;
import org.liaison.testing.ChildJvm;
import org.liaison.testing.TestPasswords;

/**
 * Runs the engine in a child JVM (plain java, the needed jars on the class path) and kills it with
 * SIGKILL at random points: half the trials right after a random journal step, half after a random
 * delay (which lands anywhere: listing, fetching, inside a store transaction, between a write and
 * its status). A fresh engine in this JVM then resumes over the same store and the same sides, and
 * must end exactly where an uninterrupted run of the same scenario ends: same items on both sides
 * (no duplicates, none lost), nothing pending in the journal, and a next run that does nothing.
 * Derby runs without fsync here (a killed process loses nothing the OS was given; a power cut is
 * another test), which makes a trial take about a second.
 * {@code -Dliaison.crash.trials=N} sets the number of trials (default 50).
 */
class CrashTest {

	private static final int SCENARIOS = 3;

	static {
		// Derby does not fsync in tests: a process killed with SIGKILL loses nothing the OS was given
		// (only a machine that loses power does), so the crash semantics tested here are the same
		System.setProperty("derby.system.durability", "test");
	}
	private static final AtomicInteger killed = new AtomicInteger();
	private static final AtomicInteger finishedBeforeKill = new AtomicInteger();
	private static final AtomicInteger trialsRun = new AtomicInteger();

	/** A prepared scenario and what an uninterrupted run makes of it. */
	private record Scenario(Path base, char[] password, ConflictPolicy policy, Map<UUID, ItemData> crm,
			Map<UUID, ItemData> mailbox, int steps, long millis) {
	}

	private static final Scenario[] scenarios = new Scenario[SCENARIOS];
	private static Path root;

	@AfterAll
	static void summary() {
		System.out.printf("Crash test: %d trials, %d killed mid-run with SIGKILL, %d had finished before the kill;"
				+ " every resumed run ended as the uninterrupted one%n", trialsRun.get(), killed.get(),
				finishedBeforeKill.get());
	}

	@TestFactory
	Stream<DynamicTest> engineKilledAtRandomPoints_aResumedRunEndsAsAnUninterruptedOne() throws IOException {
		int trials = Integer.getInteger("liaison.crash.trials", 50);
		root = Files.createTempDirectory("liaison-crash");
		List<DynamicTest> out = new ArrayList<>();
		for (int t = 0; t < trials; t++) {
			int trial = t;
			out.add(DynamicTest.dynamicTest("trial " + (t + 1), () -> trial(trial)));
		}
		return out.stream();
	}

	private static synchronized Scenario scenario(int i) throws Exception {
		if (scenarios[i] == null) {
			Path base = root.resolve("scenario-" + i);
			char[] password = TestPasswords.random().toCharArray();
			ConflictPolicy policy = i % 2 == 0 ? ConflictPolicy.CRM_WINS : ConflictPolicy.MAILBOX_WINS;
			CrashRig.prepare(base, password, policy, 1000 + i);
			Path control = root.resolve("control-" + i);
			ChildJvm.copyTree(base, control);
			int[] steps = { 0 };
			long start = System.nanoTime();
			try (CrashRig rig = CrashRig.open(control, password, policy)) {
				SyncReport r = rig.sync(step -> steps[0]++);
				assertTrue(r.crm().total() + r.mailbox().total() > 20, "the scenario has work to do: " + r);
				scenarios[i] = new Scenario(base, password, policy, rig.crmItems(), rig.mailboxItems(), steps[0],
						(System.nanoTime() - start) / 1_000_000);
			}
		}
		return scenarios[i];
	}

	private void trial(int t) throws Exception {
		trialsRun.incrementAndGet();
		Scenario s = scenario(t % SCENARIOS);
		Random r = new Random(77_000 + t);
		Path dir = root.resolve("trial-" + t);
		ChildJvm.copyTree(s.base(), dir);

		boolean byStep = t % 2 == 0;
		int killAt = 1 + r.nextInt(Math.max(1, s.steps()));
		long delay = (long) (r.nextDouble() * Math.max(50, s.millis() * 3));
		Process child = startChild(dir, s);
		try (Writer in = child.outputWriter(StandardCharsets.UTF_8)) {
			in.write(new String(s.password()) + "\n");
		}
		boolean done = false;
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			long openedAt = 0;
			try {
				while ((line = lines.readLine()) != null) {
					if (line.equals("OPEN")) {
						openedAt = System.nanoTime();
						if (!byStep) {
							long at = delay;
							ChildJvm.killAfter(child, at);
						}
					} else if (byStep && line.equals("STEP " + killAt + " " + line.substring(line.lastIndexOf(' ') + 1))) {
						child.destroyForcibly(); // SIGKILL, right after the step was written
						break;
					} else if (line.startsWith("DONE")) {
						done = true;
					}
				}
			} catch (java.io.IOException closed) {
				// a timed kill: Process.destroyForcibly (on the killer thread) closes the child's output
				// under this read; anything else is a real failure
				if (byStep || openedAt == 0) {
					throw closed;
				}
			}
			assertTrue(openedAt > 0 || !child.isAlive(), "the child opened the store");
		}
		assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ended");
		if (done) {
			finishedBeforeKill.incrementAndGet();
		} else {
			killed.incrementAndGet();
			assertEquals(ChildJvm.SIGKILL_EXIT, child.exitValue(), "killed by SIGKILL: " + Files.readString(dir.resolve("child.err")));
		}

		// a fresh engine resumes over the same store and sides
		try (CrashRig rig = CrashRig.open(dir, s.password(), s.policy())) {
			rig.sync(StepHook.NONE);
			assertEquals(s.crm(), rig.crmItems(), "the CRM side ends as after an uninterrupted run");
			assertEquals(s.mailbox(), rig.mailboxItems(), "the mailbox side ends as after an uninterrupted run");
			SyncReport next = rig.sync(StepHook.NONE);
			assertTrue(next.noop(), "the run after is a no-op: " + next);
			for (JournalEntry e : rig.store.syncState().journal(CrashRig.PAIR, true)) {
				throw new AssertionError("still pending after the resumed run: " + e);
			}
		}
		ChildJvm.deleteTree(dir);
	}

	private static Process startChild(Path dir, Scenario s) throws IOException {
		List<String> cmd = List.of(ChildJvm.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
				"-Dderby.stream.error.file=" + dir.resolve("derby-child.log"), "-Dderby.system.durability=test", "-cp",
				ChildJvm.bundleClassPath("org.liaison.api", "org.liaison.store", "org.liaison.sync.engine",
						"org.liaison.testing", "org.liaison.sync.engine.tests", "derby", "org.apache.derby.shared",
						"org.eclipse.equinox.common"),
				CrashChild.class.getName(), dir.toString(), s.policy().name());
		return new ProcessBuilder(cmd).redirectError(dir.resolve("child.err").toFile()).start();
	}
}
