package org.liaison.connector.mail.internal.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.liaison.api.cli.Benchmark;
import org.liaison.api.cli.CommandContext;
import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailChangeSink;
import org.liaison.api.mail.MailHeader;
import org.liaison.api.mail.MailSecurity;
import org.liaison.api.mail.MailServer;
import org.liaison.api.mail.MailSyncState;
import org.liaison.api.mail.Mailbox;
import org.liaison.connector.mail.internal.MailboxAccess;
import org.liaison.connector.mail.internal.servers.Dovecot;
import org.liaison.connector.mail.internal.servers.Maildirs;
import org.osgi.service.component.annotations.Component;

/**
 * {@code ./liaison bench mailbox}: IMAP header scans on one Dovecot, in one run, beside Dovecot's
 * own raw header FETCH and mbsync (isync): the first scan of 10,000 and 50,000 messages, the
 * no-change re-scan (QRESYNC), and the heap the 50,000-message scan needs.
 */
@Component(service = Benchmark.class, property = Benchmark.NAME + "=mailbox-imap")
public class MailboxImapBenchmark implements Benchmark {

	static final String MBSYNC = "/usr/bin/mbsync";
	private static final String PW_ENV = "LIAISON_BENCH_IMAP_PASSWORD";

	@Override
	public String description() {
		return "IMAP header scan (first and no-change, QRESYNC) and heap, beside Dovecot's raw FETCH and mbsync";
	}

	@Override
	public int run(List<String> args, CommandContext context) throws Exception {
		PrintStream out = context.out();
		List<Integer> sizes = new ArrayList<>(List.of(10_000, 50_000));
		for (int i = 0; i < args.size(); i++) {
			if ("--sizes".equals(args.get(i)) && i + 1 < args.size()) {
				sizes.clear();
				for (String s : args.get(++i).split(",")) {
					sizes.add(Integer.parseInt(s.trim()));
				}
			}
		}
		String missing = Dovecot.missing();
		if (missing != null) {
			context.err().println("mailbox-imap: " + missing);
			return 1;
		}
		if (!Files.isExecutable(Path.of(MBSYNC))) {
			context.err().println("mailbox-imap: mbsync is not installed: run `apt-get install isync`");
			return 1;
		}
		IProgressMonitor mon = context.monitor();
		Map<Integer, Map<String, String>> cols = new LinkedHashMap<>();
		for (int n : sizes) {
			mon.setTaskName("mailbox-imap: " + n + " messages");
			cols.put(n, measure(n, mon, context));
		}
		print(out, sizes, cols);
		return 0;
	}

	private Map<String, String> measure(int n, IProgressMonitor mon, CommandContext context) throws Exception {
		Map<String, String> row = new LinkedHashMap<>();
		Dovecot d = Dovecot.builder().build();
		try {
			mon.subTask("writing " + n + " messages into the maildir");
			Maildirs.generate(d.maildir("alice"), n, n);
			d.start();
			String pw = d.password("alice");
			// Dovecot indexes a new maildir, and caches the header fields asked for, on first access:
			// that is the server's cost, paid once before anyone is timed
			String headerFetch = "UID FETCH 1:* (UID FLAGS RFC822.SIZE MODSEQ BODY.PEEK[HEADER.FIELDS ("
					+ MailboxAccess.HEADER_FIELDS + ")])";
			mon.subTask("Dovecot indexes the folder");
			rawFetch(d, pw, headerFetch);
			check(mon);

			mon.subTask("Dovecot raw header FETCH");
			long t = System.nanoTime();
			long bytes = rawFetch(d, pw, headerFetch);
			row.put("raw", seconds(System.nanoTime() - t));
			row.put("rawbytes", String.format("%.1f MB", bytes / 1e6));
			check(mon);

			MailAccount account = MailAccount.imap("bench-" + n,
					new MailServer("127.0.0.1", d.imapPort, MailSecurity.NONE, "alice", null), null, "alice@example.test")
					.withTimeout(Duration.ofSeconds(120));
			MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
			try (Mailbox mb = MailboxAccess.openImap(account, pw)) {
				Counter first = new Counter(null);
				System.gc();
				long base = mem.getHeapMemoryUsage().getUsed();
				HeapSampler sampler = new HeapSampler(mem);
				t = System.nanoTime();
				MailSyncState state = mb.sync(Mailbox.INBOX, null, first, mon);
				long firstNanos = System.nanoTime() - t;
				sampler.stop();
				if (first.added != n) {
					throw new IllegalStateException("the scan saw " + first.added + " of " + n + " messages");
				}
				row.put("first", seconds(firstNanos));
				row.put("heapSampled", mb(sampler.peak.get() - base));
				check(mon);

				// live heap: the same scan again, with a full GC every 5,000 messages
				mon.subTask("live heap of a first scan");
				Counter live = new Counter(mem);
				System.gc();
				long liveBase = mem.getHeapMemoryUsage().getUsed();
				mb.sync(Mailbox.INBOX, null, live, mon);
				row.put("heapLive", mb(live.peakLive) + " (+" + mb(live.peakLive - liveBase) + ")");
				check(mon);

				mon.subTask("no-change re-scan");
				Counter again = new Counter(null);
				t = System.nanoTime();
				MailSyncState s2 = mb.sync(Mailbox.INBOX, state, again, mon);
				long noChange = System.nanoTime() - t;
				if (again.added + again.changed + again.vanished != 0) {
					throw new IllegalStateException("a no-change re-scan reported changes");
				}
				row.put("nochange", millis(noChange));
				row.put("nochangeNanos", Long.toString(noChange));
				// median of five, the figure that is compared
				List<Long> runs = new ArrayList<>();
				for (int i = 0; i < 5; i++) {
					t = System.nanoTime();
					mb.sync(Mailbox.INBOX, s2, new Counter(null), mon);
					runs.add(System.nanoTime() - t);
				}
				StringBuilder each = new StringBuilder();
				for (long r : runs) {
					each.append(each.isEmpty() ? "" : " ").append(String.format("%.1f", r / 1e6));
				}
				row.put("nochangeEach", each.toString());
				runs.sort(null);
				row.put("nochange", millis(runs.get(2)));
				row.put("nochangeNanos", Long.toString(runs.get(2)));
			}
			check(mon);

			mon.subTask("mbsync cold");
			Path conf = d.mbsyncConfig(Files.createDirectories(d.folder().resolve("mbsync")), "alice", PW_ENV);
			t = System.nanoTime();
			runMbsync(conf, pw);
			row.put("mbsyncCold", seconds(System.nanoTime() - t));
			// mbsync sleeps a second when its maildir changed within the last second: let that pass
			Thread.sleep(2_000);
			mon.subTask("mbsync no-change");
			t = System.nanoTime();
			runMbsync(conf, pw);
			long mbNo = System.nanoTime() - t;
			row.put("mbsyncNo", millis(mbNo));
			row.put("ratio", String.format("%.3fx", Long.parseLong(row.get("nochangeNanos")) / (double) mbNo));
		} finally {
			d.close();
			d.delete();
		}
		return row;
	}

	private static void check(IProgressMonitor mon) {
		if (mon.isCanceled()) {
			throw new OperationCanceledException();
		}
	}

	private static String seconds(long nanos) {
		return String.format("%.2f s", nanos / 1e9);
	}

	private static String millis(long nanos) {
		return String.format("%.1f ms", nanos / 1e6);
	}

	private static String mb(long bytes) {
		return String.format("%.0f MB", Math.max(0, bytes) / 1048576.0);
	}

	/** Sends one command on a bare connection and reads its whole answer; returns the bytes read. */
	static long rawFetch(Dovecot d, String password, String command) throws IOException {
		try (Socket s = new Socket("127.0.0.1", d.imapPort)) {
			s.setSoTimeout(600_000);
			InputStream in = s.getInputStream();
			OutputStream out = s.getOutputStream();
			String tag = "LBENCH" + Long.toHexString(System.nanoTime());
			out.write(("a LOGIN alice \"" + password + "\"\r\nb SELECT INBOX\r\n" + tag + " " + command + "\r\nz LOGOUT\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			byte[] end = ("\r\n" + tag + " ").getBytes(StandardCharsets.US_ASCII);
			byte[] buf = new byte[1 << 16];
			long total = 0;
			int matched = 0;
			int r;
			while ((r = in.read(buf)) > 0) {
				total += r;
				for (int i = 0; i < r; i++) {
					matched = buf[i] == end[matched] ? matched + 1 : (buf[i] == end[0] ? 1 : 0);
					if (matched == end.length) {
						return total;
					}
				}
			}
			throw new IOException("Dovecot closed the connection before answering " + command);
		}
	}

	/** Runs mbsync; the password reaches it in its environment only. */
	private static void runMbsync(Path conf, String password) throws IOException, InterruptedException {
		Path log = conf.resolveSibling("mbsync.log");
		ProcessBuilder pb = new ProcessBuilder(MBSYNC, "-q", "-c", conf.toString(), "-a").redirectErrorStream(true)
				.redirectOutput(log.toFile());
		pb.environment().put(PW_ENV, password);
		Process p = pb.start();
		if (!p.waitFor(30, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			throw new IOException("mbsync did not finish in 30 minutes");
		}
		if (p.exitValue() != 0) {
			throw new IOException("mbsync failed (" + p.exitValue() + "): " + Files.readString(log));
		}
	}

	private static void print(PrintStream out, List<Integer> sizes, Map<Integer, Map<String, String>> cols) {
		out.println("Same Dovecot 2.3 (maildir, plain IMAP on 127.0.0.1), one run; the server's index and header cache are");
		out.println("warmed once before anything is timed. mbsync is isync's; cold = empty local side.");
		StringBuilder h = new StringBuilder(String.format("%-48s", ""));
		for (int n : sizes) {
			h.append(String.format("%28s", String.format("%,d msgs", n)));
		}
		out.println(h);
		line(out, "Dovecot raw header FETCH (same fields)", "raw", sizes, cols);
		line(out, "  bytes the server sends", "rawbytes", sizes, cols);
		line(out, "Liaison first header scan", "first", sizes, cols);
		line(out, "mbsync cold (downloads whole messages)", "mbsyncCold", sizes, cols);
		line(out, "Liaison no-change re-scan (QRESYNC, median of 5)", "nochange", sizes, cols);
		line(out, "  each of the 5 (ms)", "nochangeEach", sizes, cols);
		line(out, "mbsync no-change", "mbsyncNo", sizes, cols);
		line(out, "  Liaison / mbsync no-change (goal <= 0.5x)", "ratio", sizes, cols);
		line(out, "Liaison heap during first scan, sampled", "heapSampled", sizes, cols);
		line(out, "Liaison live heap in first scan, whole JVM (+scan)", "heapLive", sizes, cols);
		out.println("(goal: under 256 MB for 50,000 messages; the product runs with -Xmx1g, serial GC)");
	}

	private static void line(PrintStream out, String label, String key, List<Integer> sizes,
			Map<Integer, Map<String, String>> cols) {
		StringBuilder b = new StringBuilder(String.format("%-48s", label));
		for (int n : sizes) {
			b.append(String.format("%28s", cols.get(n).getOrDefault(key, "-")));
		}
		out.println(b);
	}

	/** Counts what a scan reports; with a memory bean, measures the live heap every 5,000 messages. */
	static final class Counter implements MailChangeSink {
		private final MemoryMXBean mem;
		long added;
		long changed;
		long vanished;
		long peakLive;

		Counter(MemoryMXBean mem) {
			this.mem = mem;
		}

		@Override
		public void added(MailHeader header) {
			added++;
			if (mem != null && added % 5_000 == 0) {
				System.gc();
				peakLive = Math.max(peakLive, mem.getHeapMemoryUsage().getUsed());
			}
		}

		@Override
		public void flagsChanged(long uid, long modSeq, Set<String> flags) {
			changed++;
		}

		@Override
		public void vanished(long uid) {
			vanished++;
		}

		@Override
		public void bad(long uid, String reason, byte[] raw) {
			added++;
		}
	}

	/** Samples the used heap every 10 ms (garbage included: an upper bound). */
	static final class HeapSampler {
		final AtomicLong peak = new AtomicLong();
		private volatile boolean running = true;
		private final Thread thread;

		HeapSampler(MemoryMXBean mem) {
			thread = new Thread(() -> {
				while (running) {
					peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
					try {
						Thread.sleep(10);
					} catch (InterruptedException e) {
						return;
					}
				}
			}, "heap sampler");
			thread.setDaemon(true);
			thread.start();
		}

		void stop() throws InterruptedException {
			running = false;
			thread.join();
		}
	}
}
