package org.liaison.connector.dav.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.liaison.api.cli.Benchmark;
import org.liaison.api.cli.CommandContext;
import org.liaison.api.model.Appointment;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.RemoteItem;
import org.liaison.connector.dav.internal.radicale.RadicaleServer;
import org.osgi.service.component.annotations.Component;

/**
 * {@code ./liaison bench mailbox} (CalDAV part): on one Radicale started for the run, side by side,
 * the first download and the no-change resync of N events by Liaison and by vdirsyncer, and N creates
 * by Liaison over parallel connections beside a serial PUT loop: on 127.0.0.1, through a relay that
 * adds a hosted server's latency, and on Radicale in several gunicorn processes; with the server's
 * and Liaison's CPU and the load average, which say what bounds each figure.
 */
@Component(service = Benchmark.class, property = Benchmark.NAME + "=mailbox-dav")
public class DavBenchmark implements Benchmark {

	static final String VDIRSYNCER_HINT = "vdirsyncer is not installed: `sudo apt-get install vdirsyncer`, or `./liaison test`";

	@Override
	public String description() {
		return "CalDAV on Radicale: first download and no-change resync of 2,000 events beside vdirsyncer; "
				+ "2,000 creates over parallel connections beside a serial PUT loop (locally, through a 15 ms relay, "
				+ "and on multi-process Radicale)";
	}

	@Override
	public int run(List<String> args, CommandContext context) throws Exception {
		int events = 2000;
		int connections = 8;
		int latencyMs = 15;
		int workers = Math.max(2, Runtime.getRuntime().availableProcessors());
		for (int i = 0; i < args.size(); i++) {
			switch (args.get(i)) {
				case "--events" -> events = Integer.parseInt(args.get(++i));
				case "--connections" -> connections = Integer.parseInt(args.get(++i));
				case "--latency-ms" -> latencyMs = Integer.parseInt(args.get(++i));
				case "--workers" -> workers = Integer.parseInt(args.get(++i));
				default -> {
					context.err().println("usage: bench mailbox-dav [--events N] [--connections C] [--latency-ms MS]"
							+ " [--workers W] (a latency of 0 or workers 0 leaves that row out)");
					return 2;
				}
			}
		}
		PrintStream out = context.out();
		IProgressMonitor m = context.monitor();
		if (RadicaleServer.executable() == null) {
			context.err().println(RadicaleServer.INSTALL_HINT);
			return 1;
		}
		Path vdirsyncer = which("vdirsyncer");
		if (vdirsyncer == null) {
			context.err().println(VDIRSYNCER_HINT);
			return 1;
		}
		if (workers > 0 && RadicaleServer.gunicorn() == null) {
			context.err().println(RadicaleServer.GUNICORN_HINT + "; or leave the multi-process row out with --workers 0");
			return 1;
		}
		int rows = 1 + (latencyMs > 0 ? 1 : 0) + (workers > 0 ? 1 : 0);
		m.beginTask("CalDAV benchmark", (2 * rows + 2) * events + (latencyMs > 0 ? 2 * (events / 10) : 0));
		try (RadicaleServer radicale = RadicaleServer.start("bench")) {
			char[] pw = radicale.password();
			List<ItemData> items = events(events);
			List<CreateRow> creates = new ArrayList<>();
			String collectionPath;
			try (DavAccount account = new DavAccount("bench", radicale.url(), "bench", pw, null)) {
				// creates: a serial PUT loop, then the same number over parallel connections
				CreateRow local = createRow("127.0.0.1, Radicale (1 process)", account, items, connections,
						radicale.processes(), null, m);
				creates.add(local);
				collectionPath = local.parallelPath;
			}
			if (latencyMs > 0) {
				// the same server behind a hosted server's round trip: what parallel connections are for
				try (LatencyRelay relay = new LatencyRelay(radicale.port(), latencyMs);
						DavAccount account = new DavAccount("bench", relay.url(), "bench", pw, null)) {
					creates.add(createRow("via " + latencyMs + " ms each way (relay)", account, items, connections,
							radicale.processes(), relay, m));
					// the same with a tenth of the items: a calendar small enough that Radicale's own work per
					// PUT (which grows with the calendar) is short beside the round trips
					creates.add(createRow("  the same, a calendar of a tenth", account,
							items.subList(0, Math.max(1, items.size() / 10)), connections, radicale.processes(), relay, m));
				}
			}
			if (workers > 0) {
				try (RadicaleServer multi = RadicaleServer.startMultiProcess("bench", workers);
						DavAccount account = new DavAccount("bench", multi.url(), "bench", multi.password(), null)) {
					creates.add(createRow("127.0.0.1, gunicorn " + workers + " workers", account, items, connections,
							multi.processes(), null, m));
				}
			}

			// first download and no-change resync: Liaison (a new session: discovery, listing, multiget, parsing)
			m.setTaskName("CalDAV benchmark: Liaison download");
			long t0 = System.nanoTime();
			int[] fetched = { 0 };
			String token;
			try (DavAccount fresh = new DavAccount("bench", radicale.url(), "bench", pw, null)) {
				ItemCollection c = fresh.collections(m).stream()
						.filter(x -> ((DavItemCollection) x).url().getPath().equals(collectionPath)).findFirst().orElseThrow();
				List<String> hrefs = new ArrayList<>();
				token = c.list(null, collect(hrefs), m);
				List<RemoteItem> kept = new ArrayList<>(hrefs.size());
				c.get(hrefs, new FetchSink() {
					@Override
					public void item(RemoteItem item) {
						kept.add(item);
						fetched[0]++;
					}

					@Override
					public void bad(String href, String version, String reason, String raw) {
						context.err().println("bad item: " + reason);
					}
				}, m);
				double cold = seconds(t0);
				t0 = System.nanoTime();
				List<String> changed = new ArrayList<>();
				c.list(token, collect(changed), m);
				double resync = seconds(t0);
				m.worked(events);

				// vdirsyncer on the same collection
				m.setTaskName("CalDAV benchmark: vdirsyncer");
				Path dir = Files.createTempDirectory("liaison-bench-vdirsyncer");
				try {
					Path cfg = vdirsyncerConfig(dir, radicale.url().resolve(collectionPath).toString());
					double start = time(vdirsyncer, cfg, pw, "--version");
					double vDiscover = time(vdirsyncer, cfg, pw, "discover bench");
					double vCold = vDiscover + time(vdirsyncer, cfg, pw, "sync");
					long files;
					try (var st = Files.list(dir.resolve("local"))) {
						files = st.count();
					}
					double vResync = time(vdirsyncer, cfg, pw, "sync");
					m.worked(events);

					out.printf(Locale.ROOT, "CalDAV on Radicale %s at %s, %,d events (same server, same run)%n%n",
							radicaleVersion(), radicale.url(), events);
					out.printf(Locale.ROOT, "%-34s %12s %12s %8s %8s%n", "download", "Liaison", "vdirsyncer", "ratio",
							"goal");
					out.printf(Locale.ROOT, "%-34s %11.2fs %11.2fs %8.2f %8s%n", "first download (" + fetched[0] + " / "
							+ files + " items)", cold, vCold, cold / vCold, "<= 1.0");
					out.printf(Locale.ROOT, "%-34s %11.3fs %11.3fs %8.2f %8s%n",
							"no-change resync (" + changed.size() + " changes)", resync, vResync, resync / vResync, "<= 0.5");
					out.printf(Locale.ROOT, "%-34s %12s %11.3fs%n", "  of which vdirsyncer discover", "", vDiscover);
					out.printf(Locale.ROOT, "%-34s %12s %11.3fs%n", "  (vdirsyncer process start alone)", "", start);
					out.println();
					printCreates(out, creates, connections, fsyncMillis(dir));
					out.println();
					out.println("Liaison's download: discovery, sync-collection listing, calendar-multiget in batches of "
							+ DavItemCollection.MULTIGET_BATCH + ", iCalendar parsed into items kept in memory;");
					out.println("vdirsyncer's: its own process (Python start included), listing, multiget, one file per item;"
							+ " no-change: a sync-collection token beside vdirsyncer's etag listing.");
					out.println("Radicale answers HTTP/1.0 without keep-alive: every request is a new connection.");
				} finally {
					RadicaleServer.deleteTree(dir);
				}
			} finally {
				java.util.Arrays.fill(pw, '\0');
			}
		} finally {
			m.done();
		}
		return 0;
	}

	static List<ItemData> events(int n) {
		List<ItemData> out = new ArrayList<>(n);
		ZoneId[] zones = { ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"), ZoneId.of("Asia/Tokyo") };
		for (int i = 0; i < n; i++) {
			LocalDateTime start = LocalDateTime.of(2026, 1, 5, 8, 0).plusDays(i / 6).plusHours(i % 6);
			Appointment a = new Appointment(null, "Meeting " + i, "Room " + (i % 17), "Agenda item " + i, start,
					start.plusMinutes(45), zones[i % zones.length], false, i % 10 == 0 ? "FREQ=WEEKLY;COUNT=10" : null, null,
					null, null, null, null, null, i % 3 == 0 ? 15 : null, true, null);
			out.add(a.toData());
		}
		return out;
	}

	/** One row of the creates table: the same items by a serial PUT loop and over parallel connections. */
	static final class CreateRow {
		final String name;
		int count;
		double serial;
		double parallel;
		/** Server and Liaison (this JVM) CPU seconds in each phase. */
		double serverCpuSerial;
		double serverCpuParallel;
		double clientCpuSerial;
		double clientCpuParallel;
		/** Mean milliseconds of a serial PUT among the first and the last tenth of the items. */
		double firstTenthMs;
		double lastTenthMs;
		/** Connections the relay saw per create, or -1 without a relay. */
		double connectionsPerCreate = -1;
		String load;
		String parallelPath;

		CreateRow(String name) {
			this.name = name;
		}
	}

	private static CreateRow createRow(String name, DavAccount account, List<ItemData> items, int connections,
			List<ProcessHandle> server, LatencyRelay relay, IProgressMonitor m) throws Exception {
		CreateRow row = new CreateRow(name);
		row.count = items.size();
		row.load = loadAverage();
		m.setTaskName("CalDAV benchmark: serial PUT loop, " + name);
		DavItemCollection s = (DavItemCollection) account.createCollection(ItemKind.APPOINTMENT,
				"serial " + UUID.randomUUID(), m);
		int tenth = Math.max(1, items.size() / 10);
		long firstNanos = 0;
		long lastNanos = 0;
		int before = relay == null ? 0 : relay.connections.get();
		double server0 = cpuSeconds(server);
		double client0 = cpuSeconds(List.of(ProcessHandle.current()));
		long t0 = System.nanoTime();
		for (int i = 0; i < items.size(); i++) {
			check(m);
			long a = System.nanoTime();
			s.create(UUID.randomUUID(), items.get(i));
			long took = System.nanoTime() - a;
			if (i < tenth) {
				firstNanos += took;
			} else if (i >= items.size() - tenth) {
				lastNanos += took;
			}
			m.worked(1);
		}
		row.serial = seconds(t0);
		row.serverCpuSerial = cpuSeconds(server) - server0;
		row.clientCpuSerial = cpuSeconds(List.of(ProcessHandle.current())) - client0;
		row.firstTenthMs = firstNanos / 1e6 / tenth;
		row.lastTenthMs = lastNanos / 1e6 / tenth;
		if (relay != null) {
			row.connectionsPerCreate = (relay.connections.get() - before) / (double) items.size();
		}
		m.setTaskName("CalDAV benchmark: parallel creates, " + name);
		DavItemCollection p = (DavItemCollection) account.createCollection(ItemKind.APPOINTMENT,
				"parallel " + UUID.randomUUID(), m);
		server0 = cpuSeconds(server);
		client0 = cpuSeconds(List.of(ProcessHandle.current()));
		t0 = System.nanoTime();
		createParallel(p, items, connections, m);
		row.parallel = seconds(t0);
		row.serverCpuParallel = cpuSeconds(server) - server0;
		row.clientCpuParallel = cpuSeconds(List.of(ProcessHandle.current())) - client0;
		row.parallelPath = p.url().getPath();
		row.load += " / " + loadAverage();
		return row;
	}

	private static void printCreates(PrintStream out, List<CreateRow> rows, int connections, double fsyncMillis) {
		out.printf(Locale.ROOT, "creates: a serial PUT loop beside %d parallel connections (each into a new calendar)%n",
				connections);
		out.printf(Locale.ROOT, "%-36s %6s %10s %10s %8s %6s  %-17s %-17s %s%n", "", "items", "serial PUT", "parallel",
				"speedup", "goal", "server CPU (cores)", "Liaison CPU (cores)", "load 1 min (start / end)");
		for (CreateRow r : rows) {
			out.printf(Locale.ROOT, "%-36s %6d %9.2fs %9.2fs %7.2fx %6s  %5.2f / %-9.2f %5.2f / %-9.2f %s%n", r.name, r.count,
					r.serial, r.parallel, r.serial / r.parallel, ">= 4x", r.serverCpuSerial / r.serial,
					r.serverCpuParallel / r.parallel, r.clientCpuSerial / r.serial, r.clientCpuParallel / r.parallel, r.load);
		}
		out.println("  (CPU: cores busy on average, serial / parallel; the relay runs in Liaison's JVM and counts there)");
		for (CreateRow r : rows) {
			out.printf(Locale.ROOT, "  %-34s serial PUT %.1f ms in the first tenth, %.1f ms in the last%s%n", r.name.trim(),
					r.firstTenthMs, r.lastTenthMs, r.connectionsPerCreate < 0 ? ""
							: String.format(Locale.ROOT, "; %.2f connections per create", r.connectionsPerCreate));
		}
		CreateRow local = rows.get(0);
		out.println();
		out.println("What bounds the 127.0.0.1 figure (the server, not Liaison):");
		out.printf(Locale.ROOT, "- Radicale 3.1.8 takes a storage-wide write lock for every PUT and, inside it, checks the"
				+ " new UID against every item of the calendar (has_uid over get_all, reading each item): a serial PUT"
				+ " took %.1f ms in the first tenth and %.1f ms in the last, and that part cannot overlap;%n",
				local.firstTenthMs, local.lastTenthMs);
		double busy = local.serverCpuParallel / local.parallel;
		out.printf(Locale.ROOT, "- Radicale's own server is one Python process, so at most one core under the GIL; it was"
				+ " %.2f cores busy serially and %.2f in parallel (%d cores here, load average beside each row)%s;%n",
				local.serverCpuSerial / local.serial, busy, Runtime.getRuntime().availableProcessors(),
				busy < 0.8 ? ": short of a core, so the rest of the locked time is waiting, for its fsyncs (6 a PUT,"
						+ " strace; " + String.format(Locale.ROOT, "%.2f ms each here now", fsyncMillis) + ") and for a CPU on a"
						+ " busy machine" : "");
		CreateRow multi = rows.stream().filter(r -> r.name.contains("gunicorn")).findFirst().orElse(null);
		if (multi != null) {
			out.printf(Locale.ROOT, "- more processes do not lift it: with gunicorn the serial loop took %.0f s and the parallel"
					+ " creates %.0f s (%.2fx), as the storage lock is a file lock shared by every process;%n", multi.serial,
					multi.parallel, multi.serial / multi.parallel);
		}
		out.printf(Locale.ROOT, "- Liaison used %.2f cores in parallel: one HttpClient for all connections, no lock of its own"
				+ " around a create, one iCalendar build and one parse per item; Radicale answers HTTP/1.0 and closes"
				+ " every connection, so there is none to reuse.%n", local.clientCpuParallel / local.parallel);
		for (CreateRow r : rows) {
			if (r.connectionsPerCreate >= 0 && r.count == local.count) {
				out.printf(Locale.ROOT, "- Latency hidden: the relay made the serial loop %.1f s longer (%.1f ms a create),"
						+ " the parallel creates %.1f s (%.1f ms a create).%n", r.serial - local.serial,
						(r.serial - local.serial) * 1000 / r.count, r.parallel - local.parallel,
						(r.parallel - local.parallel) * 1000 / r.count);
			}
		}
		out.println("Parallel connections exist to hide the round trips to a hosted server; they cannot shorten work a"
				+ " server does one request at a time.");
	}

	/** CPU seconds (user + system) the processes used so far, from /proc (Linux); 0 elsewhere. */
	static double cpuSeconds(List<ProcessHandle> processes) {
		double ticks = 0;
		for (ProcessHandle h : processes) {
			try {
				String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
				String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
				// after the command: state(0) ... utime(11) stime(12)
				ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
			} catch (IOException | RuntimeException gone) {
				// the process ended or this is no Linux
			}
		}
		return ticks / CLOCK_TICKS;
	}

	/** Milliseconds to write and fsync a small file in {@code dir}, as a DAV server does for every item. */
	static double fsyncMillis(Path dir) {
		byte[] data = new byte[2048];
		int n = 50;
		long t0 = System.nanoTime();
		try {
			for (int i = 0; i < n; i++) {
				Path f = dir.resolve("fsync-probe-" + i);
				try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(f,
						java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
					c.write(java.nio.ByteBuffer.wrap(data));
					c.force(true);
				}
				Files.delete(f);
			}
		} catch (IOException e) {
			return Double.NaN;
		}
		return (System.nanoTime() - t0) / 1e6 / n;
	}

	/** Linux's USER_HZ, 100 on every common kernel. */
	private static final double CLOCK_TICKS = 100;

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
		} catch (IOException e) {
			return "?";
		}
	}

	private static void createParallel(DavItemCollection c, List<ItemData> items, int connections, IProgressMonitor m)
			throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(connections);
		AtomicInteger next = new AtomicInteger();
		try {
			List<Future<Void>> workers = new ArrayList<>();
			for (int w = 0; w < connections; w++) {
				workers.add(pool.submit(() -> {
					for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
						if (m.isCanceled()) {
							throw new OperationCanceledException();
						}
						c.create(UUID.randomUUID(), items.get(i));
						m.worked(1);
					}
					return null;
				}));
			}
			for (Future<Void> f : workers) {
				f.get();
			}
		} finally {
			pool.shutdownNow();
			pool.awaitTermination(10, TimeUnit.SECONDS);
		}
	}

	private static ListSink collect(List<String> hrefs) {
		return new ListSink() {
			@Override
			public void present(ItemVersion item) {
				hrefs.add(item.href());
			}

			@Override
			public void removed(String href, Removal why) {
				hrefs.add(href);
			}
		};
	}

	private static Path vdirsyncerConfig(Path dir, String url) throws IOException {
		Files.createDirectories(dir.resolve("local"));
		Files.createDirectories(dir.resolve("status"));
		String cfg = """
				[general]
				status_path = "%s/"

				[pair bench]
				a = "bench_local"
				b = "bench_remote"
				collections = null
				conflict_resolution = "b wins"

				[storage bench_local]
				type = "filesystem"
				path = "%s/"
				fileext = ".ics"

				[storage bench_remote]
				type = "caldav"
				url = "%s"
				username = "bench"
				password.fetch = ["command", "printenv", "LIAISON_BENCH_DAV_PASSWORD"]
				""".formatted(dir.resolve("status"), dir.resolve("local"), url);
		Path f = dir.resolve("config");
		Files.writeString(f, cfg);
		return f;
	}

	/** Runs vdirsyncer and returns its wall time; the password reaches it in its environment only. */
	private static double time(Path exe, Path cfg, char[] pw, String command) throws IOException, InterruptedException {
		List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-c", cfg.toString()));
		cmd.addAll(List.of(command.split(" ")));
		if (command.equals("--version")) {
			cmd = List.of(exe.toString(), "--version");
		}
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
		pb.environment().put("LIAISON_BENCH_DAV_PASSWORD", new String(pw));
		long t0 = System.nanoTime();
		Process p = pb.start();
		byte[] output = p.getInputStream().readAllBytes();
		int code = p.waitFor();
		double s = seconds(t0);
		if (code != 0) {
			throw new IOException("vdirsyncer " + command + " failed (" + code + "): "
					+ new String(output, StandardCharsets.UTF_8));
		}
		return s;
	}

	private static String radicaleVersion() {
		try {
			Process p = new ProcessBuilder(RadicaleServer.executable().toString(), "--version").redirectErrorStream(true).start();
			String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			p.waitFor();
			return v;
		} catch (IOException | InterruptedException e) {
			return "?";
		}
	}

	static Path which(String name) {
		String path = System.getenv("PATH");
		for (String d : ((path == null ? "" : path) + ":/usr/bin:/usr/local/bin").split(":")) {
			if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
				return Path.of(d, name);
			}
		}
		return null;
	}

	private static double seconds(long t0) {
		return (System.nanoTime() - t0) / 1e9;
	}

	private static void check(IProgressMonitor m) {
		if (m.isCanceled()) {
			throw new OperationCanceledException();
		}
	}
}
