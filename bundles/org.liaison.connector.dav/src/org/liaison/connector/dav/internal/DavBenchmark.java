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
 * by Liaison over parallel connections beside a serial PUT loop.
 */
@Component(service = Benchmark.class, property = Benchmark.NAME + "=mailbox-dav")
public class DavBenchmark implements Benchmark {

	static final String VDIRSYNCER_HINT = "vdirsyncer is not installed: `sudo apt-get install vdirsyncer`, or `./liaison test`";

	@Override
	public String description() {
		return "CalDAV on Radicale: first download and no-change resync of 2,000 events beside vdirsyncer; "
				+ "2,000 creates over parallel connections beside a serial PUT loop";
	}

	@Override
	public int run(List<String> args, CommandContext context) throws Exception {
		int events = 2000;
		int connections = 8;
		for (int i = 0; i < args.size(); i++) {
			switch (args.get(i)) {
				case "--events" -> events = Integer.parseInt(args.get(++i));
				case "--connections" -> connections = Integer.parseInt(args.get(++i));
				default -> {
					context.err().println("usage: bench mailbox-dav [--events N] [--connections C]");
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
		m.beginTask("CalDAV benchmark", 4 * events);
		try (RadicaleServer radicale = RadicaleServer.start("bench")) {
			char[] pw = radicale.password();
			List<ItemData> items = events(events);
			double serial;
			double parallel;
			String collectionPath;
			try (DavAccount account = new DavAccount("bench", radicale.url(), "bench", pw, null)) {
				// creates: a serial PUT loop, then the same number over parallel connections
				m.setTaskName("CalDAV benchmark: serial PUT loop");
				DavItemCollection s = (DavItemCollection) account.createCollection(ItemKind.APPOINTMENT, "serial", m);
				long t0 = System.nanoTime();
				for (ItemData d : items) {
					check(m);
					s.create(UUID.randomUUID(), d);
					m.worked(1);
				}
				serial = seconds(t0);
				m.setTaskName("CalDAV benchmark: parallel creates");
				DavItemCollection p = (DavItemCollection) account.createCollection(ItemKind.APPOINTMENT, "parallel", m);
				t0 = System.nanoTime();
				createParallel(p, items, connections, m);
				parallel = seconds(t0);
				collectionPath = p.url().getPath();
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
					out.printf(Locale.ROOT, "%-34s %12s %12s %8s %8s%n", "creates", "parallel", "serial PUT", "speedup",
							"goal");
					out.printf(Locale.ROOT, "%-34s %11.2fs %11.2fs %7.2fx %8s%n",
							String.format(Locale.ROOT, "%,d creates (%d connections)", events, connections), parallel, serial,
							serial / parallel, ">= 4x");
					out.printf(Locale.ROOT, "%-34s %10.0f/s %10.0f/s%n", "  creates per second", events / parallel,
							events / serial);
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
