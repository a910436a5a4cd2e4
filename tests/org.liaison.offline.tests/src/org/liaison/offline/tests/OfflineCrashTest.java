package org.liaison.offline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.liaison.api.cli.Command;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.offline.OfflineCopy;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineService;
import org.liaison.api.security.SecretStore;
import org.liaison.crm.server.CrmServer;
import org.liaison.testing.ChildJvm;
import org.liaison.testing.Commands;
import org.liaison.testing.CrmServers;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestHome;
import org.liaison.testing.TestPasswords;

/**
 * {@code ./liaison offline online} killed with SIGKILL in the middle of its replay, in a child JVM that runs
 * the product's headless application on this test runtime's bundles and the same Liaison home; then the
 * replay is run again here, over what the child left in the profile's database. Nothing is created twice
 * (offline creates carry their ids, sent with If-None-Match), no offline edit is lost, the outbox ends
 * empty. The first trial runs to its end and gives the length of a replay; the others are killed at a
 * random time within it. {@code -Dliaison.offline.crash.trials=N} sets the number of trials (default 4).
 */
class OfflineCrashTest {

	private static final OfflineEntity C = OfflineEntity.CONTACTS;
	private static final int EDITS = 40;
	private static final int CREATES = 10;

	@Test
	void onlineKilledMidReplay_nextRunCreatesNothingTwice_losesNoEdit() throws Exception {
		Path home = TestHome.get();
		CrmServer.Running s = CrmServers.shared();
		Command cmd = Commands.named("offline");
		int trials = Integer.getInteger("liaison.offline.crash.trials", 4);
		Random random = new Random(20261124L);
		Path root = Files.createTempDirectory("liaison-offline-crash");
		long window = -1;
		int killed = 0;
		for (int trial = 0; trial < trials; trial++) {
			String tag = UUID.randomUUID().toString().substring(0, 8);
			CrmServers.User u = CrmServers.user("ocrash-" + tag, false);
			String profile = "ocrash-" + tag;
			Osgi.service(SecretStore.class).put("profiles/" + profile + "/crm/password", u.password().toCharArray());
			Path file = root.resolve(profile + ".properties");
			Files.writeString(file, "name = " + profile + "\ncrm.url = " + s.serviceRoot() + "\ncrm.user = " + u.name()
					+ "\noffline.types = contacts\noffline.batch = 1\n");
			try (CrmClient crm = CrmServers.client(u, CrmLimits.defaults())) {
				List<UUID> ids = new ArrayList<>();
				for (int i = 0; i < EDITS; i++) {
					UUID id = UUID.randomUUID();
					crm.write(CrmWrite.createWithId("contacts", id, Map.of("firstname", "K" + i, "lastname", "Crash " + tag)),
							null);
					ids.add(id);
				}
				Commands.run(cmd, 0, "go", "--profile", file.toString());
				try (OfflineCopy copy = Osgi.service(OfflineService.class).open(profile)) {
					for (int i = 0; i < EDITS; i++) {
						copy.update(C, ids.get(i), Map.of("jobtitle", "Offline " + i));
						if (i < CREATES) {
							copy.create(C, Map.of("firstname", "N" + i, "lastname", "Made " + tag), false);
						}
					}
				}

				long killAfter = trial == 0 || window <= 0 ? -1 : (long) (random.nextDouble() * window);
				Child child = online(root.resolve("work-" + tag), home, file, killAfter);
				if (trial == 0 || window <= 0) {
					window = child.millis;
				}
				if (child.killed) {
					killed++;
				} else {
					assertEquals(0, child.exit, child.toString());
				}

				String again = Commands.run(cmd, 0, "online", "--profile", file.toString());
				for (int i = 0; i < EDITS; i++) {
					assertEquals("Offline " + i, crm.retrieve("contacts", ids.get(i), CrmQuery.select("jobtitle"))
							.string("jobtitle"), "trial " + trial + ", " + child + "\nthen:\n" + again);
				}
				List<CrmRecord> made = new ArrayList<>();
				crm.queryAll("contacts", CrmQuery.all().filter("_ownerid_value eq " + u.id() + " and lastname eq "
						+ CrmQuery.quote("Made " + tag)), made::add, null);
				assertEquals(CREATES, made.size(), "each offline create made once: trial " + trial + ", " + child);
				try (OfflineCopy copy = Osgi.service(OfflineService.class).open(profile)) {
					assertTrue(copy.outbox(true).isEmpty(), "the outbox is empty: " + copy.outbox(true));
				}
			}
		}
		System.out.printf("Offline crash test: %d replays (./liaison offline online, one request per change) killed with"
				+ " SIGKILL mid-run of %d (a whole replay took %d ms); each next replay created nothing twice and lost no"
				+ " edit%n", killed, trials, window);
		assertTrue(trials < 2 || killed > 0, "no replay was killed: the window was " + window + " ms");
		ChildJvm.deleteTree(root);
	}

	/** How one child run ended. */
	private record Child(boolean killed, int exit, long millis, List<String> output) {
		@Override
		public String toString() {
			return (killed ? "killed" : "exit " + exit) + " after " + millis + " ms:\n  " + String.join("\n  ", output);
		}
	}

	/** {@code ./liaison offline online} in a child JVM, killed {@code killAfter} ms after its replay began (never if negative). */
	private static Child online(Path work, Path home, Path file, long killAfter) throws Exception {
		Files.createDirectories(work);
		ProcessBuilder pb = ChildJvm.headless(work, home, List.of("offline", "online", "--profile", file.toString()),
				"-Dderby.system.durability=test", "-Dderby.stream.error.file=" + work.resolve("derby.log"));
		pb.environment().put("LIAISON_MASTER_PASSWORD", new String(TestPasswords.masterPassword()));
		pb.redirectErrorStream(true);
		List<String> output = Collections.synchronizedList(new ArrayList<>());
		long[] began = { 0 };
		Process p = pb.start();
		Thread reader = ChildJvm.drain(p.getInputStream(), line -> {
			output.add(line);
			if (began[0] == 0 && line.contains("Going online")) {
				began[0] = System.nanoTime();
				if (killAfter >= 0) {
					ChildJvm.killAfter(p, killAfter);
				}
			}
		});
		if (!p.waitFor(180, TimeUnit.SECONDS)) {
			p.destroyForcibly().waitFor();
			throw new AssertionError("offline online did not end within 180 s:\n" + String.join("\n", output));
		}
		long millis = began[0] == 0 ? 0 : (System.nanoTime() - began[0]) / 1_000_000;
		reader.join(5000);
		return new Child(p.exitValue() == ChildJvm.SIGKILL_EXIT, p.exitValue(), millis, List.copyOf(output));
	}
}
