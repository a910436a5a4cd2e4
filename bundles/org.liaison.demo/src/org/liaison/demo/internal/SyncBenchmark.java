package org.liaison.demo.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.liaison.api.cli.Benchmark;
import org.liaison.api.cli.CommandContext;
import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.env.LiaisonHome;
import org.liaison.api.mail.MailChangeSink;
import org.liaison.api.mail.MailConnector;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.MailHeader;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.messaging.MessagingOptions;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.messaging.MessagingService;
import org.liaison.api.model.ItemKind;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.TrustService;
import org.liaison.api.sync.SyncReport;
import org.liaison.connector.dav.internal.radicale.RadicaleServer;
import org.liaison.connector.mail.internal.servers.Dovecot;
import org.liaison.connector.mail.internal.servers.Maildirs;
import org.liaison.crm.server.CrmServer;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code ./liaison bench sync}: the whole messaging sync on real servers started for the run (the
 * reference CRM server, Dovecot, Radicale), in one run and side by side with the peers on the same
 * data: a no-change sync of a mailbox of 10,000 and 50,000 messages with 2,000 contacts, 2,000
 * appointments and 2,000 tasks, beside mbsync no-change plus vdirsyncer no-change; and tracking
 * 10,000 emails end to end, with the CRM HTTP calls it took.
 */
@Component(service = Benchmark.class, property = Benchmark.NAME + "=sync")
public class SyncBenchmark implements Benchmark {

	static final String MBSYNC = "/usr/bin/mbsync";
	private static final String PW_ENV = "LIAISON_BENCH_PASSWORD";
	private static final int RUNS = 3;

	@Reference
	private CrmServer crmServer;
	@Reference
	private CrmConnector crmConnector;
	@Reference
	private MessagingService messaging;
	@Reference
	private SecretStore secrets;
	@Reference
	private MailConnector mailConnector;
	@Reference
	private TrustService trust;

	@Override
	public String description() {
		return "Messaging sync on the reference CRM, Dovecot and Radicale: no-change sync of 10k and 50k messages"
				+ " + 2k events, contacts, tasks beside mbsync + vdirsyncer; tracking 10k emails with its CRM calls";
	}

	@Override
	public int run(List<String> args, CommandContext context) throws Exception {
		List<Integer> sizes = new ArrayList<>(List.of(10_000, 50_000));
		int items = 2_000;
		int track = 10_000;
		for (int i = 0; i < args.size(); i++) {
			switch (args.get(i)) {
				case "--sizes" -> {
					sizes.clear();
					for (String s : args.get(++i).split(",")) {
						if (!s.isBlank()) {
							sizes.add(Integer.parseInt(s.trim()));
						}
					}
				}
				case "--items" -> items = Integer.parseInt(args.get(++i));
				case "--track" -> track = Integer.parseInt(args.get(++i));
				default -> {
					context.err().println("usage: bench sync [--sizes 10000,50000] [--items 2000] [--track 10000]"
							+ " (--sizes '' --items 0: tracking only)");
					return 2;
				}
			}
		}
		String missing = Dovecot.missing();
		if (missing == null && RadicaleServer.executable() == null) {
			missing = RadicaleServer.INSTALL_HINT;
		}
		if (missing == null && !Files.isExecutable(Path.of(MBSYNC))) {
			missing = "mbsync is not installed: run `apt-get install isync` (or `./liaison test`)";
		}
		Path vdirsyncer = which("vdirsyncer");
		if (missing == null && vdirsyncer == null) {
			missing = "vdirsyncer is not installed: run `apt-get install vdirsyncer` (or `./liaison test`)";
		}
		if (missing != null) {
			context.err().println("bench sync: " + missing);
			return 1;
		}
		IProgressMonitor m = context.monitor();
		PrintStream out = context.out();
		Path work = Files.createTempDirectory(Files.createDirectories(LiaisonHome.get()), "bench-sync");
		String password = DemoCommand.random();
		Map<Integer, Map<String, String>> cols = new LinkedHashMap<>();
		Map<String, String> tracking = new LinkedHashMap<>();
		try (CrmServer.Running crm = crmServer.start(CrmServer.Options.defaults(work.resolve("crm")));
				RadicaleServer radicale = RadicaleServer.start("alice")) {
			crm.admin().serviceProtection(10_000_000, Duration.ofMinutes(5));
			trust.pin(crm.serviceRoot().getHost(), crm.serviceRoot().getPort(), crm.certificateFingerprint());
			crm.admin().addUser("alice", "alice@example.test", password.toCharArray(), false);
			m.setTaskName("bench sync: " + items + " contacts, appointments and tasks in the CRM");
			if (items > 0) {
				seedCrm(crm, password, items, m);
			}
			for (int n : sizes) {
				m.setTaskName("bench sync: " + n + " messages");
				cols.put(n, noChange(n, items, crm, radicale, password, vdirsyncer, work, m));
			}
			m.setTaskName("bench sync: tracking " + track + " emails");
			tracking = tracking(track, crm, password, work, m);
		} finally {
			RadicaleServer.deleteTree(work);
		}
		print(out, sizes, items, cols, track, tracking);
		out.printf(Locale.ROOT, "(load average when done: %.2f on %d cores)%n",
				java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
				Runtime.getRuntime().availableProcessors());
		return 0;
	}

	/** CRM contacts, future appointments and open tasks the user owns: what the default filters select. */
	private void seedCrm(CrmServer.Running crm, String password, int n, IProgressMonitor m) throws Exception {
		try (CrmClient c = crmConnector.connect(new CrmEndpoint(crm.serviceRoot(),
				new CrmAuth.Password(crm.tokenEndpoint(), "liaison-bench", "alice", password.toCharArray())))) {
			List<CrmWrite> writes = new ArrayList<>();
			Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS);
			for (int i = 0; i < n; i++) {
				Map<String, Object> contact = new LinkedHashMap<>();
				contact.put("firstname", "Pat" + i);
				contact.put("lastname", "Customer" + i);
				contact.put("emailaddress1", "pat" + i + "@customer.test");
				contact.put("jobtitle", i % 2 == 0 ? "buyer" : "engineer");
				writes.add(CrmWrite.createWithId("contacts", UUID.randomUUID(), contact));
				Instant start = day.plus(1 + i % 300, ChronoUnit.DAYS).plus(8 + i % 9, ChronoUnit.HOURS);
				Map<String, Object> appt = new LinkedHashMap<>();
				appt.put("subject", "Meeting " + i);
				appt.put("location", "Room " + (i % 17));
				appt.put("scheduledstart", start.toString());
				appt.put("scheduledend", start.plus(45, ChronoUnit.MINUTES).toString());
				writes.add(CrmWrite.createWithId("appointments", UUID.randomUUID(), appt));
				writes.add(CrmWrite.createWithId("tasks", UUID.randomUUID(), Map.of("subject", "Call back " + i)));
			}
			for (CrmClient.BatchResult r : c.batch(writes, false)) {
				if (!r.ok()) {
					throw new IOException("the CRM refused a sample record: " + r.status() + " " + r.error());
				}
			}
			check(m);
		}
	}

	private Map<String, String> noChange(int n, int items, CrmServer.Running crm, RadicaleServer radicale,
			String password, Path vdirsyncer, Path work, IProgressMonitor m) throws Exception {
		Map<String, String> row = new LinkedHashMap<>();
		// in its own folder under /tmp: Dovecot's processes (nobody, dovenull) must reach the maildir
		Dovecot d = Dovecot.builder().build();
		try {
			m.subTask("writing " + n + " messages into the maildir");
			Maildirs.generate(d.maildir("alice"), n, n);
			d.start();
			String mailPw = d.password("alice");
			// Dovecot indexes a new maildir on first access: the server's cost, paid before timing
			Profile profile = profile(work, "bench-" + n, crm, d, radicale, "replies", true, password, mailPw);
			m.subTask("first sync (" + n + " messages, " + 3 * items + " CRM records into Radicale)");
			long t = System.nanoTime();
			// a new profile for the same CRM user takes over; its items are re-linked by the ids they carry
			MessagingReport first = messaging.sync(profile, new MessagingOptions(false, true, false), m);
			row.put("first", seconds(System.nanoTime() - t));
			int intoDav = 0;
			for (SyncReport s : first.pim().values()) {
				intoDav += s.mailbox().created();
			}
			row.put("firstWhat", String.format(Locale.ROOT, "%,d scanned, %,d new in DAV", first.scanned(), intoDav));
			if (!first.ok()) {
				throw new IOException("the first sync had problems: " + first.problems());
			}
			check(m);

			m.subTask("Liaison no-change sync");
			List<Long> runs = new ArrayList<>();
			long calls = 0;
			for (int i = 0; i < RUNS; i++) {
				t = System.nanoTime();
				MessagingReport r = messaging.sync(profile, MessagingOptions.normal(), m);
				runs.add(System.nanoTime() - t);
				calls = r.crmHttpCalls();
				for (SyncReport s : r.pim().values()) {
					if (!s.noop()) {
						throw new IOException("a no-change sync had work: " + s);
					}
				}
				if (r.scanned() != 0 || !r.ok()) {
					throw new IOException("a no-change sync looked at " + r.scanned() + " messages: " + r.problems());
				}
			}
			long liaison = median(runs);
			row.put("liaison", millis(liaison));
			row.put("liaisonEach", each(runs));
			row.put("calls", Long.toString(calls));
			check(m);

			m.subTask("mbsync");
			Path mb = Files.createDirectories(work.resolve("mbsync-" + n));
			Path conf = d.mbsyncConfig(mb, "alice", PW_ENV);
			t = System.nanoTime();
			peer(List.of(MBSYNC, "-q", "-c", conf.toString(), "-a"), mailPw, mb.resolve("mbsync.log"));
			row.put("mbsyncCold", seconds(System.nanoTime() - t));
			// mbsync sleeps a second when its maildir changed within the last second: let that pass
			Thread.sleep(2_000);
			List<Long> mbRuns = new ArrayList<>();
			for (int i = 0; i < RUNS; i++) {
				t = System.nanoTime();
				peer(List.of(MBSYNC, "-q", "-c", conf.toString(), "-a"), mailPw, mb.resolve("mbsync.log"));
				mbRuns.add(System.nanoTime() - t);
			}
			long mbsync = median(mbRuns);
			row.put("mbsync", millis(mbsync));
			check(m);

			m.subTask("vdirsyncer");
			Path vd = Files.createDirectories(work.resolve("vdirsyncer-" + n));
			Path cfg = vdirsyncerConfig(vd, radicale);
			String davPw = new String(radicale.password());
			peer(List.of(vdirsyncer.toString(), "-c", cfg.toString(), "discover"), davPw, vd.resolve("log"));
			t = System.nanoTime();
			peer(List.of(vdirsyncer.toString(), "-c", cfg.toString(), "sync"), davPw, vd.resolve("log"));
			row.put("vdirCold", seconds(System.nanoTime() - t));
			List<Long> vdRuns = new ArrayList<>();
			for (int i = 0; i < RUNS; i++) {
				t = System.nanoTime();
				peer(List.of(vdirsyncer.toString(), "-c", cfg.toString(), "sync"), davPw, vd.resolve("log"));
				vdRuns.add(System.nanoTime() - t);
			}
			long vdir = median(vdRuns);
			row.put("vdir", millis(vdir));
			row.put("peers", millis(mbsync + vdir));
			row.put("ratio", String.format(Locale.ROOT, "%.2fx", liaison / (double) (mbsync + vdir)));
			row.put("liaisonNanos", Long.toString(liaison));
		} finally {
			d.close();
			d.delete();
		}
		return row;
	}

	/** Rounds of tracking: the first in a fresh JVM, then the next {@code n} messages to arrive, twice. */
	static final int TRACKING_ROUNDS = 3;

	/**
	 * Tracking every message of a fresh mailbox (option "all"), nothing else synchronized; then, in the
	 * same JVM, the next {@code n} messages to arrive, twice. The first round is what a one-off headless
	 * run costs (the JIT compilers are busy warming up the client and the in-process CRM server); the
	 * third is near the steady state of the desktop or of {@code sync --watch}, and of a CRM server that
	 * has been up for a while.
	 */
	private Map<String, String> tracking(int n, CrmServer.Running crm, String password, Path work, IProgressMonitor m)
			throws Exception {
		Map<String, String> row = new LinkedHashMap<>();
		Dovecot d = Dovecot.builder().build();
		try {
			m.subTask("writing " + n + " messages into the maildir");
			Maildirs.generate(d.maildir("alice"), n, 7);
			d.start();
			String mailPw = d.password("alice");
			// Dovecot indexes the maildir on first access: done here, before timing
			Profile warm = profile(work, "bench-track-index", crm, d, null, "none", false, password, mailPw);
			messaging.sync(warm, new MessagingOptions(false, true, false), m);
			bodies(warm, row, m);
			Profile profile = profile(work, "bench-track", crm, d, null, "all", false, password, mailPw);
			for (int round = 1; round <= TRACKING_ROUNDS; round++) {
				if (round > 1) {
					m.subTask("writing the next " + n + " messages into the maildir");
					Maildirs.generate(d.maildir("alice"), n * (round - 1), n, 7);
					messaging.sync(warm, new MessagingOptions(false, true, false), m);
				}
				trackingRound(n, crm, profile, row, round + ".", m);
			}
		} finally {
			d.close();
			d.delete();
		}
		return row;
	}

	/** One timed tracking run that must track {@code n} new messages; its figures go into row under prefix. */
	private void trackingRound(int n, CrmServer.Running crm, Profile profile, Map<String, String> row, String prefix,
			IProgressMonitor m) throws Exception {
		long before = crm.admin().count("emails");
		long cpu = cpuNanos();
		Map<String, Long> threads = threadCpu();
		long[] machine = machineCpu();
		long t = System.nanoTime();
		MessagingReport r = messaging.sync(profile, new MessagingOptions(false, true, false), m);
		long nanos = System.nanoTime() - t;
		cpu = cpuNanos() - cpu;
		Map<String, Long> spent = threadCpu();
		threads.forEach((k, v) -> spent.merge(k, -v, Long::sum));
		long[] machineAfter = machineCpu();
		long made = crm.admin().count("emails") - before;
		if (r.tracked() != n || made != n || !r.ok()) {
			throw new IOException("tracking made " + made + " CRM emails and reported " + r.tracked() + " of " + n
					+ " tracked: " + r.problems());
		}
		row.put(prefix + "time", seconds(nanos));
		row.put(prefix + "rate", String.format(Locale.ROOT, "%,.0f emails/s", n / (nanos / 1e9)));
		// on a shared machine the wall time says as much about the neighbours as about Liaison
		row.put(prefix + "cpu", String.format(Locale.ROOT, "%s (%,.0f emails/CPU-s)", seconds(cpu), n / (cpu / 1e9)));
		long rest = cpu - spent.values().stream().mapToLong(Long::longValue).sum();
		row.put(prefix + "cpuLiaison", seconds(spent.getOrDefault("liaison", 0L) + Math.max(rest, 0)));
		row.put(prefix + "cpuCrm", seconds(spent.getOrDefault("crm", 0L)));
		row.put(prefix + "cpuJit", seconds(spent.getOrDefault("jit", 0L)));
		row.put(prefix + "cpuVm", seconds(spent.getOrDefault("vm", 0L)));
		long busy = machineAfter[0] - machine[0];
		long all = busy + machineAfter[1] - machine[1];
		row.put(prefix + "busy", all <= 0 ? "-" : String.format(Locale.ROOT, "%.0f%% (%s of %s)", 100.0 * busy / all,
				seconds(busy * 10_000_000L), seconds(all * 10_000_000L)));
		row.put(prefix + "calls", String.format(Locale.ROOT, "%,d (%,d requests in them)", r.crmHttpCalls(),
				r.crmRequests()));
		row.put(prefix + "per100", String.format(Locale.ROOT, "%.2f", r.crmHttpCalls() * 100.0 / n));
	}

	/** Bodies of the first 2,000 messages: one at a time (as tracking fetched them), then 100 per FETCH. */
	private void bodies(Profile profile, Map<String, String> row, IProgressMonitor m) throws Exception {
		int n = 2_000;
		try (Mailbox mb = mailConnector.open(profile.mail())) {
			List<Long> uids = new ArrayList<>();
			mb.sync(Mailbox.INBOX, null, new MailChangeSink() {
				@Override
				public void added(MailHeader h) {
					if (uids.size() < n) {
						uids.add(h.uid());
					}
				}

				@Override
				public void flagsChanged(long uid, long modSeq, java.util.Set<String> flags) {
					// a first scan reports additions only
				}

				@Override
				public void vanished(long uid) {
					// idem
				}

				@Override
				public void bad(long uid, String reason, byte[] raw) throws MailException {
					throw new MailException("a generated message is unreadable: " + reason);
				}
			}, m);
			m.subTask("bodies one at a time");
			long t = System.nanoTime();
			for (long uid : uids) {
				mb.body(Mailbox.INBOX, uid);
			}
			long one = System.nanoTime() - t;
			m.subTask("bodies 100 per FETCH");
			t = System.nanoTime();
			int got = mb.bodies(Mailbox.INBOX, uids).size();
			long bulk = System.nanoTime() - t;
			if (got != uids.size()) {
				throw new IOException("the bulk fetch read " + got + " of " + uids.size() + " bodies");
			}
			row.put("bodiesN", String.format(Locale.ROOT, "%,d", uids.size()));
			row.put("bodiesOne", String.format(Locale.ROOT, "%s (%,.0f/s)", seconds(one), uids.size() / (one / 1e9)));
			row.put("bodiesBulk", String.format(Locale.ROOT, "%s (%,.0f/s)", seconds(bulk), uids.size() / (bulk / 1e9)));
		}
	}

	private Profile profile(Path work, String name, CrmServer.Running crm, Dovecot d, RadicaleServer radicale,
			String trackingOption, boolean pim, String password, String mailPw) throws Exception {
		Properties p = new Properties();
		p.setProperty("name", name);
		p.setProperty("crm.url", crm.serviceRoot().toString());
		p.setProperty("crm.token-url", crm.tokenEndpoint().toString());
		p.setProperty("crm.user", "alice");
		p.setProperty("crm.client-id", "liaison-bench");
		p.setProperty("mail.protocol", "imap");
		p.setProperty("mail.host", "127.0.0.1");
		p.setProperty("mail.port", Integer.toString(d.imapPort));
		p.setProperty("mail.security", "none");
		p.setProperty("mail.user", "alice");
		p.setProperty("mail.address", "alice@example.test");
		p.setProperty("tracking.option", trackingOption);
		if (pim) {
			p.setProperty("pim", "dav");
			p.setProperty("dav.url", radicale.url().toString());
			p.setProperty("dav.user", radicale.user());
		} else {
			p.setProperty("pim", "local");
			p.setProperty("sync.kinds", "");
		}
		Path file = work.resolve(name + ".properties");
		try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
			p.store(w, "bench sync (no secrets here)");
		}
		Profile profile = Profile.load(file);
		secrets.put(profile.secretKey("crm"), password.toCharArray());
		secrets.put(profile.secretKey("mail"), mailPw.toCharArray());
		if (pim) {
			secrets.put(profile.secretKey("dav"), radicale.password());
		}
		return profile;
	}

	/** vdirsyncer pairs for each of the user's Radicale collections, into plain folders. */
	private static Path vdirsyncerConfig(Path dir, RadicaleServer radicale) throws IOException {
		Files.createDirectories(dir.resolve("status"));
		StringBuilder cfg = new StringBuilder("[general]\nstatus_path = \"" + dir.resolve("status") + "/\"\n");
		Path root = radicale.storage().resolve("collection-root").resolve(radicale.user());
		int k = 0;
		try (Stream<Path> all = Files.list(root)) {
			for (Path c : all.sorted().toList()) {
				Path props = c.resolve(".Radicale.props");
				if (!Files.isRegularFile(props)) {
					continue;
				}
				String text = Files.readString(props);
				boolean book = text.contains("VADDRESSBOOK");
				String url = radicale.url().resolve(radicale.user() + "/" + c.getFileName() + "/").toString();
				Path local = Files.createDirectories(dir.resolve("local-" + k));
				cfg.append("""

						[pair p%d]
						a = "l%d"
						b = "r%d"
						collections = null
						conflict_resolution = "b wins"

						[storage l%d]
						type = "filesystem"
						path = "%s/"
						fileext = "%s"

						[storage r%d]
						type = "%s"
						url = "%s"
						username = "%s"
						password.fetch = ["command", "printenv", "%s"]
						""".formatted(k, k, k, k, local, book ? ".vcf" : ".ics", k, book ? "carddav" : "caldav", url,
						radicale.user(), PW_ENV));
				k++;
			}
		}
		if (k == 0) {
			throw new IOException("no collections in Radicale's storage under " + root);
		}
		Path f = dir.resolve("config");
		Files.writeString(f, cfg);
		return f;
	}

	/** Runs a peer's command to its end; the password reaches it in its environment only. */
	private static void peer(List<String> cmd, String password, Path log) throws IOException, InterruptedException {
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
		pb.environment().put(PW_ENV, password);
		Process p = pb.start();
		if (!p.waitFor(30, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			throw new IOException(cmd.get(0) + " did not finish in 30 minutes");
		}
		if (p.exitValue() != 0) {
			throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + Files.readString(log));
		}
	}

	private static void print(PrintStream out, List<Integer> sizes, int items, Map<Integer, Map<String, String>> cols,
			int track, Map<String, String> tracking) {
		if (!sizes.isEmpty()) {
			out.printf(Locale.ROOT, "Messaging sync, one run, same servers on 127.0.0.1: reference CRM server (HTTPS), Dovecot"
					+ " (maildir, QRESYNC), Radicale; %,d contacts + %,d appointments + %,d tasks. Medians of %d.%n", items, items,
					items, RUNS);
			StringBuilder h = new StringBuilder(String.format("%-52s", ""));
			for (int n : sizes) {
				h.append(String.format(Locale.ROOT, "%34s", String.format(Locale.ROOT, "%,d msgs", n)));
			}
			out.println(h);
			line(out, "Liaison first sync (scan, decide, items into DAV)", "first", sizes, cols);
			line(out, "  what it did", "firstWhat", sizes, cols);
			line(out, "Liaison no-change sync (mail + 3 DAV + CRM)", "liaison", sizes, cols);
			line(out, "  each run (ms)", "liaisonEach", sizes, cols);
			line(out, "  CRM HTTP calls in it", "calls", sizes, cols);
			line(out, "mbsync no-change (INBOX)", "mbsync", sizes, cols);
			line(out, "vdirsyncer no-change (3 collections)", "vdir", sizes, cols);
			line(out, "mbsync + vdirsyncer no-change", "peers", sizes, cols);
			line(out, "  Liaison / peers (goal <= 0.5x)", "ratio", sizes, cols);
			line(out, "mbsync cold (whole messages)", "mbsyncCold", sizes, cols);
			line(out, "vdirsyncer cold", "vdirCold", sizes, cols);
			if (sizes.size() > 1) {
				double a = Double.parseDouble(cols.get(sizes.get(0)).get("liaisonNanos"));
				double b = Double.parseDouble(cols.get(sizes.get(sizes.size() - 1)).get("liaisonNanos"));
				out.printf(Locale.ROOT, "Liaison no-change at %,d / at %,d messages: %.2fx (goal: flat)%n",
						sizes.get(sizes.size() - 1), sizes.get(0), b / a);
			}
			out.println();
		}
		out.printf(Locale.ROOT, "Tracking %,d emails end to end (tracking option 'all': scan, decide, bodies, CRM emails"
				+ " created in $batch, mailbox flagged)%n", track);
		String k = String.format(Locale.ROOT, "%,d", track);
		String[] rounds = { "first " + k + (sizes.isEmpty() ? ", fresh JVM" : ", after the above"), "next " + k + ", same JVM",
				"third " + k + ", same JVM" };
		StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-44s", ""));
		for (String r : rounds) {
			head.append(String.format(Locale.ROOT, "%-30s", r));
		}
		out.println(head.toString().stripTrailing());
		for (String[] l : new String[][] { { "time", "time" }, { "rate (goal >= 2,000/s)", "rate" },
				{ "CPU time of this JVM", "cpu" }, { "  Liaison threads", "cpuLiaison" },
				{ "  CRM server (in process)", "cpuCrm" }, { "  JIT compilers", "cpuJit" }, { "  GC and VM", "cpuVm" },
				{ "machine's CPUs busy (Dovecot too)", "busy" }, { "CRM HTTP calls", "calls" },
				{ "CRM HTTP calls per 100 emails (goal <= 1)", "per100" } }) {
			StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %-44s", l[0]));
			for (int r = 1; r <= TRACKING_ROUNDS; r++) {
				b.append(String.format(Locale.ROOT, "%-30s", tracking.get(r + "." + l[1])));
			}
			out.println(b.toString().stripTrailing());
		}
		out.printf(Locale.ROOT, "Bodies of %s of those messages on the same Dovecot: one at a time %s; whole, 100 per FETCH %s%n",
				tracking.get("bodiesN"), tracking.get("bodiesOne"), tracking.get("bodiesBulk"));
	}

	private static void line(PrintStream out, String label, String key, List<Integer> sizes,
			Map<Integer, Map<String, String>> cols) {
		StringBuilder b = new StringBuilder(String.format("%-52s", label));
		for (int n : sizes) {
			b.append(String.format("%34s", cols.get(n).getOrDefault(key, "-")));
		}
		out.println(b);
	}

	/** CPU time of this process (every thread: Liaison and the in-process CRM server) from /proc, or 0 if unknown. */
	private static long cpuNanos() {
		try {
			String stat = Files.readString(Path.of("/proc/self/stat"));
			// after the command name in parentheses: state is field 3, utime 14 and stime 15 (clock ticks, 100 a second)
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
		} catch (IOException | RuntimeException e) {
			return 0;
		}
	}

	/**
	 * CPU time of this process's threads from /proc, summed by what they do: the in-process CRM server
	 * ("crm"), the JIT compilers ("jit"), garbage collection and the VM ("vm"), and the rest ("liaison").
	 * Threads that start and end between two readings are in neither; the caller counts them as Liaison's.
	 */
	private static Map<String, Long> threadCpu() {
		Map<String, Long> out = new LinkedHashMap<>();
		try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				try {
					String name = Files.readString(task.resolve("comm")).strip();
					String stat = Files.readString(task.resolve("stat"));
					String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
					long nanos = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
					String group = name.startsWith("liaison-crm") ? "crm"
							: name.contains("CompilerThre") ? "jit"
									: name.startsWith("GC ") || name.startsWith("G1 ") || name.startsWith("VM ") ? "vm" : "liaison";
					out.merge(group, nanos, Long::sum);
				} catch (IOException | RuntimeException e) {
					// the thread ended while being read
				}
			}
		} catch (IOException e) {
			// no /proc: no split
		}
		return out;
	}

	/** Busy and idle clock ticks of the whole machine (every CPU) from /proc/stat, or zeros if unknown. */
	private static long[] machineCpu() {
		try {
			String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split(" +");
			// user nice system idle iowait irq softirq steal: busy is all but idle and iowait
			long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
					+ Long.parseLong(f[7]) + Long.parseLong(f[8]);
			return new long[] { busy, Long.parseLong(f[4]) + Long.parseLong(f[5]) };
		} catch (IOException | RuntimeException e) {
			return new long[2];
		}
	}

	private static long median(List<Long> runs) {
		List<Long> s = new ArrayList<>(runs);
		s.sort(null);
		return s.get(s.size() / 2);
	}

	private static String each(List<Long> runs) {
		StringBuilder b = new StringBuilder();
		for (long r : runs) {
			b.append(b.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.0f", r / 1e6));
		}
		return b.toString();
	}

	private static String seconds(long nanos) {
		return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
	}

	private static String millis(long nanos) {
		return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
	}

	private static void check(IProgressMonitor m) {
		if (m.isCanceled()) {
			throw new OperationCanceledException();
		}
	}

	static Path which(String name) {
		String path = System.getenv("PATH");
		for (String dir : ((path == null ? "" : path) + ":/usr/bin:/usr/local/bin").split(":")) {
			if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
				return Path.of(dir, name);
			}
		}
		return null;
	}

}
