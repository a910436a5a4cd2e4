package org.liaison.sync.engine.internal.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.liaison.api.cli.Benchmark;
import org.liaison.api.cli.CommandContext;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.store.LocalItem;
import org.liaison.api.store.SideState;
import org.liaison.api.store.SyncBatch;
import org.liaison.api.store.SyncStatus;
import org.liaison.api.sync.CollectionInfo;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncOptions;
import org.liaison.api.sync.SyncPair;
import org.liaison.api.sync.SyncPolicy;
import org.liaison.api.sync.SyncReport;
import org.liaison.store.derby.DerbyProfileStore;
import org.liaison.store.jdbc.Derby;
import org.liaison.sync.engine.internal.EngineSettings;
import org.liaison.sync.engine.internal.PolicyConflictResolver;
import org.liaison.sync.engine.internal.SyncRun;
import org.osgi.service.component.annotations.Component;

/**
 * {@code ./liaison bench store}: the store's write rates beside raw batched JDBC inserts of the same
 * rows into the same kind of database (Derby, encrypted, in a throwaway folder with a throwaway
 * boot password), the engine's decision time over unchanged items, and the heap it needs.
 */
@Component(service = Benchmark.class, property = Benchmark.NAME + "=store")
public class StoreBenchmark implements Benchmark {

	private static final int BATCH = 1000;

	@Override
	public String description() {
		return "store write rates beside raw Derby batched inserts; decision time and heap for unchanged items";
	}

	@Override
	public int run(List<String> args, CommandContext context) throws Exception {
		int items = 100_000;
		for (int i = 0; i < args.size(); i++) {
			if (args.get(i).equals("--items") && i + 1 < args.size()) {
				items = Integer.parseInt(args.get(++i));
			} else if (args.get(i).equals("--help")) {
				context.out().println("Usage: ./liaison bench store [--items N]   (default 100000)");
				return 0;
			}
		}
		return measure(items, context.out(), context.monitor());
	}

	private static char[] password() {
		byte[] b = new byte[24];
		new SecureRandom().nextBytes(b);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
	}

	private record Row(String what, int rows, double seconds, Double ofRaw, String note) {
	}

	static int measure(int n, PrintStream out, IProgressMonitor monitor) throws Exception {
		Path dir = Files.createTempDirectory("liaison-bench-store");
		List<Row> rows = new ArrayList<>();
		char[] password = password();
		try {
			out.printf("Derby %s, encrypted (AES), %d rows per measure, batches of %d, one transaction per batch%n",
					derbyVersion(), n, BATCH);
			monitor.beginTask("store benchmark", 6);
			// warm up (class loading, JIT, Derby's caches) on throwaway databases, then measure
			rawInsert(dir.resolve("warm-raw"), password, Math.min(n, 5000), true);
			try (DerbyProfileStore warm = DerbyProfileStore.open("warm", dir.resolve("warm-store"), password)) {
				statusRows(warm, Math.min(n, 5000));
			}
			// 1. raw JDBC batched inserts, into an encrypted database like the store's
			double rawStatus = rawInsert(dir.resolve("raw-status"), password, n, true);
			monitor.worked(1);
			double rawItems = rawInsert(dir.resolve("raw-items"), password, n, false);
			monitor.worked(1);
			rows.add(new Row("raw Derby batched INSERT (status-shaped rows)", n, rawStatus, null, ""));

			try (DerbyProfileStore store = DerbyProfileStore.open("bench", dir.resolve("store"), password)) {
				// 2. the store: status rows through SyncBatch
				String pair = "bench";
				long t0 = System.nanoTime();
				statusRows(store, n);
				double status = seconds(t0);
				rows.add(new Row("store: status rows (SyncStateStore.apply)", n, status, rawStatus / status, ""));
				monitor.worked(1);

				// 3. the store: local items
				rows.add(new Row("raw Derby batched INSERT (item-shaped rows)", n, rawItems, null, ""));
				store.localPim().ensureCollection("bench", ItemKind.CONTACT, "bench");
				t0 = System.nanoTime();
				for (int from = 0; from < n; from += BATCH) {
					List<LocalItem> batch = new ArrayList<>(BATCH);
					for (int i = from; i < Math.min(n, from + BATCH); i++) {
						batch.add(new LocalItem("bench", null, SyntheticCollection.ident(i), 0, SyntheticCollection.data(i), null));
					}
					store.localPim().createAll("bench", batch);
				}
				double local = seconds(t0);
				rows.add(new Row("store: local PIM items (LocalPimStore.createAll)", n, local, rawItems / local, ""));
				monitor.worked(1);

				// 4. the engine: a full listing of n unchanged items on both sides, nothing to do
				SyncPair p = new SyncPair(pair,
						new SyntheticCollection(new CollectionInfo("crm", ItemKind.CONTACT, Side.CRM, "CRM"), n, "c/"),
						new SyntheticCollection(new CollectionInfo("mbx", ItemKind.CONTACT, Side.MAILBOX, "mailbox"), n,
								"m/"),
						SyncPolicy.defaults());
				EngineSettings settings = EngineSettings.defaults();
				// once to warm up (class loading, statement compilation), then measured
				new SyncRun(store.syncState(), p, SyncOptions.normal(), new PolicyConflictResolver(), settings,
						new NullProgressMonitor()).run();
				System.gc();
				long before = heapUsed();
				resetPeaks();
				t0 = System.nanoTime();
				SyncReport r = new SyncRun(store.syncState(), p, SyncOptions.normal(), new PolicyConflictResolver(),
						settings, new NullProgressMonitor()).run();
				double decide = seconds(t0);
				long peak = peakHeap();
				if (!r.noop()) {
					throw new IllegalStateException("unchanged items should need nothing: " + r);
				}
				rows.add(new Row("engine: decide " + n + " unchanged items (full listings of both sides)", n, decide, null,
						String.format("goal < 1 s for 100k; heap peak %d MB (before %d MB)", peak >> 20, before >> 20)));
				monitor.worked(1);
			}
			print(out, rows);
			out.printf("peak heap of the whole benchmark: %d MB (max %d MB)%n", peakHeap() >> 20,
					Runtime.getRuntime().maxMemory() >> 20);
		} finally {
			monitor.done();
			deleteTree(dir);
		}
		return 0;
	}

	/** Writes status rows for items 0..n-1 of the synthetic collections, as a first sync would. */
	private static void statusRows(DerbyProfileStore store, int n) throws Exception {
		for (int from = 0; from < n; from += BATCH) {
			SyncBatch b = new SyncBatch();
			for (int i = from; i < Math.min(n, from + BATCH); i++) {
				ItemData d = SyntheticCollection.data(i);
				String h = d.contentHash();
				b.putStatus(new SyncStatus("bench", SyntheticCollection.ident(i), new SideState("c/" + i, "v1", h),
						new SideState("m/" + i, "v1", h), d, null, Instant.now(), -1));
			}
			store.syncState().apply(b);
		}
	}

	private static void print(PrintStream out, List<Row> rows) {
		out.printf("%-62s %9s %9s %11s %8s  %s%n", "measure", "rows", "seconds", "rows/s", "vs raw", "");
		for (Row r : rows) {
			out.printf("%-62s %9d %9.2f %11.0f %8s  %s%n", r.what(), r.rows(), r.seconds(), r.rows() / r.seconds(),
					r.ofRaw() == null ? "" : String.format("%.2fx", r.ofRaw()), r.note());
		}
	}

	private static double seconds(long t0) {
		return (System.nanoTime() - t0) / 1e9;
	}

	private static String derbyVersion() {
		try {
			return Derby.driver().getMajorVersion() + "." + Derby.driver().getMinorVersion();
		} catch (SQLException e) {
			return "?";
		}
	}

	/** Plain JDBC: an encrypted database, a table shaped like the store's, batched inserts. */
	private static double rawInsert(Path db, char[] password, int n, boolean statusShape) throws SQLException {
		Properties p = new Properties();
		p.setProperty("create", "true");
		p.setProperty("dataEncryption", "true");
		p.setProperty("encryptionAlgorithm", "AES/CBC/NoPadding");
		p.setProperty("bootPassword", new String(password));
		String url = "jdbc:derby:" + db.toAbsolutePath();
		try (Connection c = Derby.connect(url, p)) {
			c.setAutoCommit(false);
			try (Statement s = c.createStatement()) {
				if (statusShape) {
					s.executeUpdate("CREATE TABLE T (PAIR INT NOT NULL, IDENT CHAR(36) NOT NULL, ROW_ID BIGINT NOT NULL,"
							+ " CRM_HREF VARCHAR(1024), CRM_VERSION VARCHAR(512), CRM_HASH CHAR(32), MBX_HREF VARCHAR(1024),"
							+ " MBX_VERSION VARCHAR(512), MBX_HASH CHAR(32), CRM_BASE CLOB NOT NULL, MBX_BASE CLOB,"
							+ " SYNCED TIMESTAMP NOT NULL, PRIMARY KEY (PAIR, IDENT))");
					s.executeUpdate("CREATE INDEX T_CRM ON T (PAIR, CRM_HREF)");
					s.executeUpdate("CREATE INDEX T_MBX ON T (PAIR, MBX_HREF)");
				} else {
					s.executeUpdate("CREATE TABLE T (COLLECTION VARCHAR(200) NOT NULL, HREF VARCHAR(200) NOT NULL,"
							+ " IDENT CHAR(36) NOT NULL, VERSION BIGINT NOT NULL, DELETED BOOLEAN NOT NULL, DATA CLOB,"
							+ " MODIFIED TIMESTAMP NOT NULL, PRIMARY KEY (COLLECTION, HREF))");
					s.executeUpdate("CREATE UNIQUE INDEX T_IDENT ON T (COLLECTION, IDENT)");
					s.executeUpdate("CREATE INDEX T_VERSION ON T (COLLECTION, VERSION)");
				}
			}
			c.commit();
			long t0 = System.nanoTime();
			String sql = statusShape ? "INSERT INTO T VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
					: "INSERT INTO T VALUES (?,?,?,?,?,?,?)";
			try (PreparedStatement ps = c.prepareStatement(sql)) {
				Timestamp now = Timestamp.from(Instant.now());
				for (int i = 0; i < n; i++) {
					ItemData d = SyntheticCollection.data(i);
					String id = SyntheticCollection.ident(i).toString();
					if (statusShape) {
						String h = d.contentHash();
						ps.setInt(1, 1);
						ps.setString(2, id);
						ps.setLong(3, i + 1);
						ps.setString(4, "c/" + i);
						ps.setString(5, "v1");
						ps.setString(6, h);
						ps.setString(7, "m/" + i);
						ps.setString(8, "v1");
						ps.setString(9, h);
						ps.setString(10, d.toText());
						ps.setNull(11, java.sql.Types.CLOB);
						ps.setTimestamp(12, now);
					} else {
						ps.setString(1, "bench");
						ps.setString(2, id);
						ps.setString(3, id);
						ps.setLong(4, i + 1);
						ps.setBoolean(5, false);
						ps.setString(6, d.toText());
						ps.setTimestamp(7, now);
					}
					ps.addBatch();
					if ((i + 1) % BATCH == 0 || i == n - 1) {
						ps.executeBatch();
						c.commit();
					}
				}
			}
			double s = seconds(t0);
			c.rollback();
			return s;
		} finally {
			Derby.shutdown(url);
		}
	}

	private static List<MemoryPoolMXBean> heapPools() {
		return ManagementFactory.getMemoryPoolMXBeans().stream().filter(m -> m.getType() == MemoryType.HEAP).toList();
	}

	private static void resetPeaks() {
		heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
	}

	private static long peakHeap() {
		return heapPools().stream().mapToLong(m -> m.getPeakUsage().getUsed()).sum();
	}

	private static long heapUsed() {
		return heapPools().stream().mapToLong(m -> m.getUsage().getUsed()).sum();
	}

	private static void deleteTree(Path dir) throws IOException {
		try (Stream<Path> all = Files.walk(dir)) {
			for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
				Files.deleteIfExists(p);
			}
		}
	}

	/** Runs outside OSGi: {@code java -cp ... StoreBenchmark [items]}. */
	public static void main(String[] args) throws Exception {
		measure(args.length > 0 ? Integer.parseInt(args[0]) : 100_000, System.out, new NullProgressMonitor());
	}
}
