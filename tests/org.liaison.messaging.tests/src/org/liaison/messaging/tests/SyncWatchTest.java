package org.liaison.messaging.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.liaison.api.cli.Command;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.profile.Profile;
import org.liaison.testing.Commands;
import org.liaison.testing.TestPasswords;

/**
 * {@code ./liaison sync --watch}: the scheduler as a user meets it. The organization's minimum
 * interval wins over a shorter one in the profile, the first run starts at once, new mail (IMAP
 * IDLE) starts a run without waiting for the interval, and Ctrl-C (the monitor's cancel) stops it.
 */
class SyncWatchTest {

	@Test
	void watch_keepsTheOrganizationMinimum_newMailSyncsAtOnce_ctrlCStops() throws Exception {
		try (World w = new World()) {
			// an administrator sets the organization's minimum interval to 30 minutes
			String pw = TestPasswords.random();
			w.passwords.put("boss", pw);
			w.users.put("boss", w.crm.admin().addUser("boss", "boss@example.test", pw.toCharArray(), true));
			try (CrmClient admin = w.client("boss")) {
				CrmRecord org = admin.query("organizations", CrmQuery.select("organizationid")).records().get(0);
				admin.write(CrmWrite.update("organizations", org.id(), Map.of("minoutlooksyncinterval", 30), "*"),
						List.of());
			}
			Profile p = w.profile("alice", "all", false, "sync.interval", "5");
			Command sync = Commands.named("sync");
			NullProgressMonitor ctrlC = new NullProgressMonitor();
			Commands.Captured out = new Commands.Captured(ctrlC);
			int[] exit = { -1 };
			Thread watch = new Thread(() -> {
				try {
					exit[0] = sync.run(List.of("--profile", w.profileFile(p).toString(), "--watch"), out);
				} catch (Exception e) {
					e.printStackTrace(out.err());
				}
			}, "liaison sync --watch");
			watch.start();
			try {
				await(() -> out.text().contains("Tracking: "), 60, "the first run at once", out);
				assertTrue(out.text().contains("below the organization's minimum; using 30 min"), out.text());
				assertTrue(out.text().contains("every 30 min and on new mail"), out.text());

				// new mail: IDLE wakes the scheduler, well before 30 minutes
				String id = "<" + UUID.randomUUID() + "@customer.test>";
				long t0 = System.nanoTime();
				w.deliver("alice", "ann@customer.test", "Pushed", id, null);
				await(() -> out.text().contains("1 tracked"), 60, "a run on new mail", out);
				long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
				try (CrmClient crm = w.client("alice")) {
					assertEquals(1, crm.query("emails", CrmQuery.select("activityid")
							.filter("messageid eq " + CrmQuery.quote(id))).records().size(), "tracked once");
				}
				System.out.println("sync --watch: new mail tracked " + millis + " ms after delivery (IMAP IDLE)");
			} finally {
				ctrlC.setCanceled(true);
				watch.join(20_000);
			}
			assertFalse(watch.isAlive(), "Ctrl-C stopped the watch");
			assertEquals(0, exit[0], out.text());
		}
	}

	private static void await(BooleanSupplier done, int seconds, String what, Commands.Captured out)
			throws InterruptedException {
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		while (!done.getAsBoolean()) {
			if (System.nanoTime() > end) {
				throw new AssertionError("no " + what + " within " + seconds + " s:\n" + out.text());
			}
			Thread.sleep(100);
		}
	}
}
