package org.liaison.ui.bench.internal;

import org.liaison.ui.bench.DemoData;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Message;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.cli.Benchmark;
import org.liaison.api.cli.CommandContext;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.model.ItemKind;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.TrustService;
import org.liaison.crm.server.CrmServer;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;


/**
 * {@code ./liaison bench ui}: how fast the desktop starts (the product started as a user starts it,
 * timed to its first window, cold then warm, as releng/scripts/product-smoke.sh times it), and how
 * responsive it stays while the first sync of demo-like data runs (a watchdog thread posts to the UI
 * thread every few milliseconds and records how long each post waited). Goals: under 2 s warm; the UI
 * thread never blocked over 100 ms.
 */
@Component(service = Benchmark.class, property = Benchmark.NAME + "=ui")
public class UiBenchmark implements Benchmark {

	static final double START_GOAL_S = 2.0;
	static final double BLOCK_GOAL_MS = 100;

	@Reference
	private CrmServer crmServer;
	@Reference
	private CrmConnector crmConnector;
	@Reference
	private SecretStore secrets;
	@Reference
	private TrustService trust;

	@Override
	public String description() {
		return "Workbench: product start to first window (cold, warm) and UI thread latency during a sync of demo"
				+ " data [--starts N] [--size N] [--mails N] [--skip-start] [--skip-sync]";
	}

	@Override
	public int run(List<String> args, CommandContext context) throws Exception {
		int starts = 6;
		int size = 400;
		int mails = 60;
		boolean start = true;
		boolean sync = true;
		for (int i = 0; i < args.size(); i++) {
			switch (args.get(i)) {
				case "--starts" -> starts = Integer.parseInt(args.get(++i));
				case "--size" -> size = Integer.parseInt(args.get(++i));
				case "--mails" -> mails = Integer.parseInt(args.get(++i));
				case "--skip-start" -> start = false;
				case "--skip-sync" -> sync = false;
				default -> throw new IllegalArgumentException("unknown option " + args.get(i));
			}
		}
		if (System.getenv("DISPLAY") == null) {
			context.err().println("bench ui needs a display: run it under Xvfb (xvfb-run ./liaison bench ui)");
			return 2;
		}
		PrintStream out = context.out();
		boolean ok = true;
		if (start) {
			ok &= startup(starts, out, context.monitor());
		}
		if (sync) {
			ok &= responsiveness(size, mails, out, context.monitor());
		}
		return ok ? 0 : 1;
	}

	// ---- start-up

	/** One start: seconds to a window named Liaison (product-smoke's test), to the main window shown, CPU seconds then. */
	record Start(double named, double shown, double cpu) {
	}

	boolean startup(int starts, PrintStream out, IProgressMonitor monitor) throws Exception {
		Path product = Path.of(URI.create(System.getProperty("eclipse.home.location").replace(" ", "%20")));
		Path launcher = product.resolve("liaison");
		if (!Files.isExecutable(launcher)) {
			throw new IOException("no product launcher at " + launcher + ": run it from the built product");
		}
		Path home = Files.createTempDirectory("liaison-bench-ui-home");
		Path config = Files.createTempDirectory("liaison-bench-ui-config");
		List<Start> warm = new ArrayList<>();
		Start cold = null;
		monitor.beginTask("Starting the desktop", starts);
		for (int i = 0; i < starts && !monitor.isCanceled(); i++) {
			Start s = startOnce(product, launcher, home, config);
			if (i == 0) {
				cold = s;
			} else {
				warm.add(s);
			}
			monitor.worked(1);
		}
		Start median = new Start(median(warm, Start::named), median(warm, Start::shown), median(warm, Start::cpu));
		out.println("Desktop start (the product as shipped, fresh home, no profile; " + starts + " starts, machine load "
				+ load() + "):");
		out.printf("  %-28s %14s %14s %10s%n", "", "window named", "main window", "CPU");
		out.printf("  %-28s %14s %14s %10s%n", "", "(product-smoke)", "shown", "seconds");
		out.printf("  %-28s %14.2f %14.2f %10.2f%n", "cold (new configuration)", cold.named(), cold.shown(), cold.cpu());
		out.printf("  %-28s %14.2f %14.2f %10.2f%n", "warm, median of " + warm.size(), median.named(), median.shown(),
				median.cpu());
		out.printf("  %-28s %14.2f %14s %10s  %s%n", "goal (warm)", START_GOAL_S, "", "",
				median.named() < START_GOAL_S ? "met" : "MISSED");
		return median.named() < START_GOAL_S;
	}

	static double median(List<Start> l, java.util.function.ToDoubleFunction<Start> f) {
		if (l.isEmpty()) {
			return 0;
		}
		double[] v = l.stream().mapToDouble(f).sorted().toArray();
		return v[v.length / 2];
	}

	static String load() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
		} catch (IOException e) {
			return "?";
		}
	}

	/** Starts the desktop once: times to its named window and to its main window shown, and its CPU time then. */
	static Start startOnce(Path product, Path launcher, Path home, Path config) throws Exception {
		ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "-configuration", config.toString());
		Map<String, String> env = pb.environment();
		env.put("LIAISON_HOME", home.toString());
		env.put("LIAISON_VM_ARGS", "-Dosgi.sharedConfiguration.area=" + product.resolve("configuration")
				+ " -Dliaison.wizard.first-start=false");
		pb.redirectErrorStream(true);
		pb.redirectOutput(home.resolve("start.log").toFile());
		long t0 = System.nanoTime();
		Process p = pb.start();
		double named = -1;
		try {
			while (p.isAlive()) {
				List<String> ids = windows();
				if (named < 0 && !ids.isEmpty()) {
					named = (System.nanoTime() - t0) / 1e9;
				}
				for (String id : ids) {
					if (shown(id)) {
						return new Start(named, (System.nanoTime() - t0) / 1e9, cpuSeconds(p.pid()));
					}
				}
				Thread.sleep(20);
			}
			throw new IOException("the desktop exited before its window appeared: see " + home.resolve("start.log"));
		} finally {
			p.descendants().forEach(ProcessHandle::destroy);
			p.destroy();
			if (!p.waitFor(10, TimeUnit.SECONDS)) {
				p.destroyForcibly();
			}
		}
	}

	/** The X ids of windows named Liaison (GTK names its hidden leader window so, before any shell). */
	static List<String> windows() throws Exception {
		List<String> ids = new ArrayList<>();
		for (String line : run("xwininfo", "-root", "-tree").split("\n")) {
			if (line.contains("\"Liaison\"")) {
				ids.add(line.trim().split("\\s+")[0]);
			}
		}
		return ids;
	}

	/** Whether a window is the main window (at least 400 pixels wide) and mapped on the screen. */
	static boolean shown(String id) throws Exception {
		String info = run("xwininfo", "-id", id);
		int width = 0;
		for (String line : info.split("\n")) {
			String t = line.trim();
			if (t.startsWith("Width:")) {
				width = Integer.parseInt(t.substring(6).trim());
			}
		}
		return width >= 400 && info.contains("IsViewable");
	}

	static String run(String... command) throws Exception {
		Process x = new ProcessBuilder(command).redirectErrorStream(true).start();
		String text = new String(x.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		x.waitFor();
		return text;
	}

	/** User and system CPU seconds of a process so far (Linux /proc), or -1. */
	static double cpuSeconds(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// fields 14 and 15 of stat are utime and stime; f[0] is field 3
			return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
		} catch (IOException | RuntimeException e) {
			return -1;
		}
	}

	// ---- responsiveness during a sync

	boolean responsiveness(int size, int mails, PrintStream out, IProgressMonitor monitor) throws Exception {
		Path dir = Files.createTempDirectory("liaison-bench-ui");
		System.setProperty("liaison.home", dir.resolve("home").toString());
		// the benchmark starts the sync itself, once the window is up
		Files.createDirectories(dir.resolve("home"));
		Files.writeString(dir.resolve("home").resolve("desktop.properties"), "sync.on-start=false\n");
		String password = random();
		try (DemoData data = new DemoData(new DemoData.Services(crmServer, crmConnector, secrets, trust), dir, "bench",
				size, password.toCharArray())) {
			int records = data.records;
			try {
				List<String> senders = new ArrayList<>();
				try (CrmClient c = data.client()) {
					for (CrmRecord r : c.query("contacts", CrmQuery.select("contactid", "emailaddress1")
							.filter("emailaddress1 ne null").top(Math.max(1, mails / 2))).records()) {
						senders.add(r.string("emailaddress1"));
					}
				}
				for (int i = 0; i < mails; i++) {
					String from = i % 2 == 0 && !senders.isEmpty() ? senders.get((i / 2) % senders.size())
							: "someone" + i + "@elsewhere.test";
					data.deliver(from, "Message " + i, "<bench-" + i + "@liaison.test>", "Benchmark message " + i);
				}
				Path file = data.profileFile;
				System.setProperty("liaison.profile", file.toString());
				System.setProperty("liaison.wizard.first-start", "false");
				WatchedSync.Result r = WatchedSync.run(monitor);
				out.println();
				out.println("First opening of each view (widgets made on the UI thread; its data comes by a Job):");
				r.firstOpen().forEach((view, ms) -> out.printf("  %-34s %10.1f ms%n", view, ms));
				out.println("UI thread during the first sync of demo data (" + records + " CRM records, " + mails
						+ " messages), switching between the views while it runs (machine load " + load() + "):");
				out.printf("  %-34s %10s%n", "", "value");
				out.printf("  %-34s %10.2f s%n", "sync (scheduler Job)", r.syncSeconds());
				out.printf("  %-34s %10d%n", "pings to the UI thread", r.pings());
				out.printf("  %-34s %10.1f ms%n", "median wait", r.median());
				out.printf("  %-34s %10.1f ms%n", "99th percentile wait", r.p99());
				out.printf("  %-34s %10.1f ms%n", "longest wait", r.max());
				out.printf("  %-34s %10d%n", "waits over " + (int) BLOCK_GOAL_MS + " ms", r.over());
				out.printf("  %-34s %10.1f ms  %s%n", "goal (longest)", BLOCK_GOAL_MS, r.max() <= BLOCK_GOAL_MS ? "met" : "MISSED");
				out.printf("  %-34s %10d ms%n", "garbage collection meanwhile", r.gcMillis());
				for (String c : r.culprits()) {
					out.println("  UI thread at 100 ms: " + c);
				}
				MessagingReport m = r.report();
				if (m != null) {
					out.printf("  synced: %d contacts, %d appointments, %d tasks into the mailbox; %d of %d messages tracked%n",
							created(m, ItemKind.CONTACT), created(m, ItemKind.APPOINTMENT), created(m, ItemKind.TASK),
							m.tracked(), m.scanned());
				} else {
					out.println("  the sync failed: " + r.problem());
				}
				return r.max() <= BLOCK_GOAL_MS && m != null;
			} finally {
				System.clearProperty("liaison.profile");
			}
		}
	}

	static int created(MessagingReport m, ItemKind k) {
		return m.pim().containsKey(k) ? m.pim().get(k).mailbox().created() : 0;
	}

	private static String random() {
		byte[] b = new byte[18];
		new SecureRandom().nextBytes(b);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
	}
}
