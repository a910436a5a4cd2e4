package org.liaison.messaging.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.liaison.api.cli.Command;
import org.liaison.api.cli.CommandContext;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.profile.Profile;
import org.liaison.testing.Osgi;
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
			Command sync = command("sync");
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			ByteArrayOutputStream err = new ByteArrayOutputStream();
			NullProgressMonitor ctrlC = new NullProgressMonitor();
			CommandContext context = context(out, err, ctrlC);
			int[] exit = { -1 };
			Thread watch = new Thread(() -> {
				try {
					exit[0] = sync.run(List.of("--profile", w.profileFile(p).toString(), "--watch"), context);
				} catch (Exception e) {
					e.printStackTrace(new PrintStream(err, true, StandardCharsets.UTF_8));
				}
			}, "liaison sync --watch");
			watch.start();
			try {
				await(() -> text(out).contains("Tracking: "), 60, "the first run at once", out, err);
				assertTrue(text(err).contains("below the organization's minimum; using 30 min"), text(err));
				assertTrue(text(out).contains("every 30 min and on new mail"), text(out));

				// new mail: IDLE wakes the scheduler, well before 30 minutes
				String id = "<" + UUID.randomUUID() + "@customer.test>";
				long t0 = System.nanoTime();
				w.deliver("alice", "ann@customer.test", "Pushed", id, null);
				await(() -> text(out).contains("1 tracked"), 60, "a run on new mail", out, err);
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
			assertEquals(0, exit[0], text(out) + text(err));
		}
	}

	static Command command(String name) throws Exception {
		var refs = Osgi.context().getServiceReferences(Command.class, "(" + Command.NAME + "=" + name + ")");
		assertTrue(refs != null && !refs.isEmpty(), "no command " + name);
		return Osgi.context().getService(refs.iterator().next());
	}

	private static CommandContext context(ByteArrayOutputStream out, ByteArrayOutputStream err,
			IProgressMonitor monitor) {
		PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
		PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
		return new CommandContext() {
			@Override
			public PrintStream out() {
				return o;
			}

			@Override
			public PrintStream err() {
				return e;
			}

			@Override
			public IProgressMonitor monitor() {
				return monitor;
			}
		};
	}

	private static String text(ByteArrayOutputStream b) {
		synchronized (b) {
			return b.toString(StandardCharsets.UTF_8);
		}
	}

	private static void await(BooleanSupplier done, int seconds, String what, ByteArrayOutputStream out,
			ByteArrayOutputStream err) throws InterruptedException {
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		while (!done.getAsBoolean()) {
			if (System.nanoTime() > end) {
				throw new AssertionError("no " + what + " within " + seconds + " s:\n" + text(out) + "\n" + text(err));
			}
			Thread.sleep(100);
		}
	}
}
