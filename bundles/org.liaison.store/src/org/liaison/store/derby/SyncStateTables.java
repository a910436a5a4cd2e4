package org.liaison.store.derby;

import static org.liaison.store.derby.Codec.data;
import static org.liaison.store.derby.Codec.instant;
import static org.liaison.store.derby.Codec.setClob;
import static org.liaison.store.derby.Codec.setString;
import static org.liaison.store.derby.Codec.setTs;
import static org.liaison.store.derby.Codec.side;
import static org.liaison.store.derby.Codec.text;
import static org.liaison.store.derby.Codec.uuid;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.liaison.api.model.ItemKind;
import org.liaison.api.store.CollectionToken;
import org.liaison.api.store.ConflictRecord;
import org.liaison.api.store.HistoryEntry;
import org.liaison.api.store.JournalEntry;
import org.liaison.api.store.QuarantineEntry;
import org.liaison.api.store.RunRecord;
import org.liaison.api.store.SideState;
import org.liaison.api.store.StagedItem;
import org.liaison.api.store.StoreConsumer;
import org.liaison.api.store.StoreException;
import org.liaison.api.store.SyncBatch;
import org.liaison.api.store.SyncStateStore;
import org.liaison.api.store.SyncStatus;
import org.liaison.api.store.Tombstone;
import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.api.sync.FieldConflict;
import org.liaison.api.sync.PlannedAction;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SideCounts;

/** {@link SyncStateStore} on the SYNC_* tables. */
final class SyncStateTables implements SyncStateStore {

	private static final String STATUS_COLUMNS = "IDENT, ROW_ID, CRM_HREF, CRM_VERSION, CRM_HASH, MBX_HREF,"
			+ " MBX_VERSION, MBX_HASH, CRM_BASE, MBX_BASE, SYNCED";
	private static final String STATUS_LIGHT = "IDENT, ROW_ID, CRM_HREF, CRM_VERSION, CRM_HASH, MBX_HREF,"
			+ " MBX_VERSION, MBX_HASH, SYNCED";
	private static final String STAGE_COLUMNS = "SIDE, HREF, VERSION, REMOVED, IDENT, HASH, MODIFIED, DATA, STATUS_IDENT";

	private final Database db;
	private final Map<String, Integer> pairs = new ConcurrentHashMap<>();

	SyncStateTables(Database db) {
		this.db = db;
	}

	// ------------------------------------------------------------------ pairs

	/** The pair's number, or -1 if the pair has no rows yet and {@code create} is false. */
	private int pair(Connection c, String pairId, boolean create) throws SQLException {
		Integer p = pairs.get(pairId);
		if (p != null) {
			return p;
		}
		try (PreparedStatement ps = c.prepareStatement("SELECT PAIR FROM SYNC_PAIR WHERE PAIR_ID = ?")) {
			ps.setString(1, pairId);
			try (ResultSet rs = ps.executeQuery()) {
				if (rs.next()) {
					pairs.put(pairId, rs.getInt(1));
					return rs.getInt(1);
				}
			}
		}
		if (!create) {
			return -1;
		}
		int id = (int) db.nextId(c, "SYNC_PAIR", "PAIR");
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO SYNC_PAIR (PAIR, PAIR_ID) VALUES (?, ?)")) {
			ps.setInt(1, id);
			ps.setString(2, pairId);
			ps.executeUpdate();
		}
		// cached only once committed: see apply()
		return id;
	}

	private String hrefColumn(Side side) {
		return side == Side.CRM ? "CRM_HREF" : "MBX_HREF";
	}

	// ------------------------------------------------------------------ tokens

	@Override
	public Optional<CollectionToken> token(String pairId, Side side) throws StoreException {
		return db.read(c -> {
			int p = pair(c, pairId, false);
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT COLLECTION_ID, TOKEN, INITIAL_SYNC FROM SYNC_TOKEN WHERE PAIR = ? AND SIDE = ?")) {
				ps.setInt(1, p);
				ps.setString(2, side(side));
				try (ResultSet rs = ps.executeQuery()) {
					return rs.next() ? Optional.of(new CollectionToken(rs.getString(1), rs.getString(2), rs.getBoolean(3)))
							: Optional.<CollectionToken>empty();
				}
			}
		});
	}

	// ------------------------------------------------------------------ status

	private SyncStatus status(String pairId, ResultSet rs, boolean withBase) throws SQLException {
		SideState crm = rs.getString("CRM_HREF") == null ? null
				: new SideState(rs.getString("CRM_HREF"), rs.getString("CRM_VERSION"), rs.getString("CRM_HASH"));
		SideState mbx = rs.getString("MBX_HREF") == null ? null
				: new SideState(rs.getString("MBX_HREF"), rs.getString("MBX_VERSION"), rs.getString("MBX_HASH"));
		return new SyncStatus(pairId, uuid(rs.getString("IDENT")), crm, mbx,
				withBase ? data(rs.getString("CRM_BASE")) : null, withBase ? data(rs.getString("MBX_BASE")) : null,
				instant(rs, "SYNCED"), rs.getLong("ROW_ID"));
	}

	@Override
	public Optional<SyncStatus> status(String pairId, UUID ident) throws StoreException {
		Map<UUID, SyncStatus> m = statuses(pairId, List.of(ident));
		return Optional.ofNullable(m.get(ident));
	}

	@Override
	public Map<UUID, SyncStatus> statuses(String pairId, Collection<UUID> idents) throws StoreException {
		Map<UUID, SyncStatus> out = new HashMap<>();
		if (idents.isEmpty()) {
			return out;
		}
		List<String> keys = new ArrayList<>(idents.size());
		for (UUID u : idents) {
			keys.add(u.toString());
		}
		return db.read(c -> {
			int p = pair(c, pairId, false);
			Codec.inList(c, "SELECT " + STATUS_COLUMNS + " FROM SYNC_STATUS WHERE PAIR = ? AND IDENT IN (", ")", keys, rs -> {
				SyncStatus s = status(pairId, rs, true);
				out.put(s.ident(), s);
			}, p);
			return out;
		});
	}

	@Override
	public Map<String, SyncStatus> statusByHref(String pairId, Side side, Collection<String> hrefs)
			throws StoreException {
		Map<String, SyncStatus> out = new HashMap<>();
		if (hrefs.isEmpty()) {
			return out;
		}
		List<String> keys = new ArrayList<>(hrefs);
		String col = hrefColumn(side);
		return db.read(c -> {
			int p = pair(c, pairId, false);
			Codec.inList(c, "SELECT " + STATUS_LIGHT + " FROM SYNC_STATUS WHERE PAIR = ? AND " + col + " IN (", ")", keys,
					rs -> {
						SyncStatus s = status(pairId, rs, false);
						out.put(s.side(side).href(), s);
					}, p);
			return out;
		});
	}

	@Override
	public void forEachStatus(String pairId, Side side, StoreConsumer<SyncStatus> sink) throws StoreException {
		db.read(c -> {
			int p = pair(c, pairId, false);
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT " + STATUS_LIGHT + " FROM SYNC_STATUS WHERE PAIR = ? AND " + hrefColumn(side) + " IS NOT NULL")) {
				ps.setFetchSize(1000);
				ps.setInt(1, p);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						sink.accept(status(pairId, rs, false));
					}
				}
			}
			return null;
		});
	}

	@Override
	public int countStatus(String pairId, Side side) throws StoreException {
		return db.read(c -> {
			int p = pair(c, pairId, false);
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT COUNT(*) FROM SYNC_STATUS WHERE PAIR = ? AND " + hrefColumn(side) + " IS NOT NULL")) {
				ps.setInt(1, p);
				try (ResultSet rs = ps.executeQuery()) {
					rs.next();
					return rs.getInt(1);
				}
			}
		});
	}

	@Override
	public void forEachVersion(String pairId, VersionSink sink) throws StoreException {
		db.read(c -> {
			int p = pair(c, pairId, false);
			// a table scan: the pair usually holds most rows, and following an index would fetch each
			// row by itself
			try (PreparedStatement ps = c.prepareStatement("SELECT ROW_ID, CRM_HREF, CRM_VERSION, MBX_HREF, MBX_VERSION"
					+ " FROM SYNC_STATUS --DERBY-PROPERTIES index=null\n WHERE PAIR = ?")) {
				ps.setFetchSize(2000);
				ps.setInt(1, p);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						sink.row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5));
					}
				}
			}
			return null;
		});
	}

	// ------------------------------------------------------------------ journal

	@Override
	public List<JournalEntry> writeJournal(List<JournalEntry> intents, SyncBatch alongside) throws StoreException {
		if (intents.isEmpty() && alongside.isEmpty()) {
			return List.of();
		}
		return write(c -> {
			if (!alongside.isEmpty()) {
				applyIn(c, alongside);
			}
			List<JournalEntry> out = new ArrayList<>(intents.size());
			try (PreparedStatement ps = c.prepareStatement("INSERT INTO SYNC_JOURNAL (ID, PAIR, RUN_ID, IDENT, TARGET,"
					+ " EFFECT, HREF, EXPECTED_VERSION, INTENDED_HASH, STATE, AT_TIME, NOTE) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
				for (JournalEntry e : intents) {
					long id = db.nextId(c, "SYNC_JOURNAL", "ID");
					ps.setLong(1, id);
					ps.setInt(2, pair(c, e.pairId(), true));
					ps.setLong(3, e.runId());
					ps.setString(4, e.ident().toString());
					ps.setString(5, side(e.target()));
					ps.setString(6, e.effect().name());
					setString(ps, 7, e.href());
					setString(ps, 8, e.expectedVersion());
					setString(ps, 9, e.intendedHash());
					ps.setString(10, e.state().name());
					setTs(ps, 11, e.at() == null ? Instant.now() : e.at());
					setString(ps, 12, clip(e.note(), 2000));
					ps.addBatch();
					out.add(e.withId(id));
				}
				ps.executeBatch();
			}
			return out;
		});
	}

	@Override
	public List<JournalEntry> journal(String pairId, boolean pendingOnly) throws StoreException {
		return db.read(c -> {
			int p = pair(c, pairId, false);
			List<JournalEntry> out = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement("SELECT ID, RUN_ID, IDENT, TARGET, EFFECT, HREF, EXPECTED_VERSION,"
					+ " INTENDED_HASH, STATE, AT_TIME, NOTE FROM SYNC_JOURNAL WHERE PAIR = ?"
					+ (pendingOnly ? " AND STATE = 'PENDING'" : "") + " ORDER BY ID")) {
				ps.setInt(1, p);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						out.add(new JournalEntry(rs.getLong(1), pairId, rs.getLong(2), uuid(rs.getString(3)),
								side(rs.getString(4)), JournalEntry.Effect.valueOf(rs.getString(5)), rs.getString(6),
								rs.getString(7), rs.getString(8), JournalEntry.State.valueOf(rs.getString(9)),
								instant(rs.getTimestamp(10)), rs.getString(11)));
					}
				}
			}
			return out;
		});
	}

	// ------------------------------------------------------------------ runs and history

	@Override
	public long beginRun(String pairId, boolean dryRun) throws StoreException {
		return write(c -> {
			long id = db.nextId(c, "SYNC_RUN", "ID");
			try (PreparedStatement ps = c.prepareStatement(
					"INSERT INTO SYNC_RUN (ID, PAIR, STARTED, DRY_RUN) VALUES (?, ?, CURRENT_TIMESTAMP, ?)")) {
				ps.setLong(1, id);
				ps.setInt(2, pair(c, pairId, true));
				ps.setBoolean(3, dryRun);
				ps.executeUpdate();
			}
			return id;
		});
	}

	@Override
	public void endRun(RunRecord run) throws StoreException {
		write(c -> {
			try (PreparedStatement ps = c.prepareStatement(
					"UPDATE SYNC_RUN SET FINISHED = ?, CRM_COUNTS = ?, MBX_COUNTS = ?, OUTCOME = ? WHERE ID = ?")) {
				setTs(ps, 1, run.finished() == null ? Instant.now() : run.finished());
				setString(ps, 2, counts(run.crm()));
				setString(ps, 3, counts(run.mailbox()));
				setString(ps, 4, clip(run.outcome(), 4000));
				ps.setLong(5, run.id());
				ps.executeUpdate();
			}
			return null;
		});
	}

	private static String counts(SideCounts s) {
		return s == null ? null
				: s.created() + "," + s.updated() + "," + s.deleted() + "," + s.conflicts() + "," + s.quarantined();
	}

	private static SideCounts counts(String s) {
		if (s == null) {
			return SideCounts.NONE;
		}
		String[] p = s.split(",");
		return new SideCounts(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]),
				Integer.parseInt(p[3]), Integer.parseInt(p[4]));
	}

	@Override
	public List<RunRecord> runs(String pairId, int limit) throws StoreException {
		return db.read(c -> {
			int p = pair(c, pairId, false);
			List<RunRecord> out = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement("SELECT ID, STARTED, FINISHED, DRY_RUN, CRM_COUNTS, MBX_COUNTS,"
					+ " OUTCOME FROM SYNC_RUN WHERE PAIR = ? ORDER BY ID DESC")) {
				ps.setMaxRows(limit);
				ps.setInt(1, p);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						out.add(new RunRecord(rs.getLong(1), pairId, instant(rs.getTimestamp(2)),
								instant(rs.getTimestamp(3)), rs.getBoolean(4), counts(rs.getString(5)),
								counts(rs.getString(6)), rs.getString(7)));
					}
				}
			}
			return out;
		});
	}

	/** Rows of a pair's table, newest first, of one item if {@code ident} is not null. */
	private <T> List<T> newestFirst(String pairId, UUID ident, int limit, String select, Codec.Rows row, List<T> out)
			throws StoreException {
		return db.read(c -> {
			int p = pair(c, pairId, false);
			try (PreparedStatement ps = c.prepareStatement(select + " WHERE PAIR = ?"
					+ (ident != null ? " AND IDENT = ?" : "") + " ORDER BY ID DESC")) {
				ps.setMaxRows(limit);
				ps.setInt(1, p);
				if (ident != null) {
					ps.setString(2, ident.toString());
				}
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						row.row(rs);
					}
				}
			}
			return out;
		});
	}

	@Override
	public List<HistoryEntry> history(String pairId, UUID ident, int limit) throws StoreException {
		List<HistoryEntry> out = new ArrayList<>();
		return newestFirst(pairId, ident, limit, "SELECT RUN_ID, AT_TIME, IDENT, TARGET, ACTION, REASON, HREF FROM SYNC_HISTORY",
				rs -> {
					String t = rs.getString(4);
					out.add(new HistoryEntry(rs.getLong(1), instant(rs.getTimestamp(2)), pairId, uuid(rs.getString(3)),
							t == null ? null : side(t), PlannedAction.Action.valueOf(rs.getString(5)), rs.getString(6),
							rs.getString(7)));
				}, out);
	}

	// ------------------------------------------------------------------ tombstones

	@Override
	public List<Tombstone> tombstones(String pairId, UUID ident, int limit) throws StoreException {
		List<Tombstone> out = new ArrayList<>();
		return newestFirst(pairId, ident, limit,
				"SELECT IDENT, SIDE, HREF, LAST_COPY, REASON, AT_TIME, RUN_ID FROM SYNC_TOMBSTONE",
				rs -> out.add(new Tombstone(pairId, uuid(rs.getString(1)), side(rs.getString(2)), rs.getString(3),
						data(rs.getString(4)), rs.getString(5), instant(rs.getTimestamp(6)), rs.getLong(7))),
				out);
	}

	// ------------------------------------------------------------------ quarantine

	@Override
	public List<QuarantineEntry> quarantine(String pairId) throws StoreException {
		return db.read(c -> {
			int p = pair(c, pairId, false);
			List<QuarantineEntry> out = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement("SELECT ID, SIDE, HREF, VERSION, IDENT, REASON, RAW, AT_TIME"
					+ " FROM SYNC_QUARANTINE WHERE PAIR = ? AND DISCARDED IS NULL ORDER BY ID")) {
				ps.setInt(1, p);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						out.add(new QuarantineEntry(rs.getLong(1), pairId, side(rs.getString(2)), rs.getString(3),
								rs.getString(4), uuid(rs.getString(5)), rs.getString(6), rs.getString(7),
								instant(rs.getTimestamp(8))));
					}
				}
			}
			return out;
		});
	}

	@Override
	public Map<String, String> quarantinedVersions(String pairId, Side side) throws StoreException {
		return db.read(c -> {
			int p = pair(c, pairId, false);
			Map<String, String> out = new HashMap<>();
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT HREF, VERSION FROM SYNC_QUARANTINE WHERE PAIR = ? AND SIDE = ?")) {
				ps.setInt(1, p);
				ps.setString(2, side(side));
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						out.put(rs.getString(1), rs.getString(2));
					}
				}
			}
			return out;
		});
	}

	@Override
	public QuarantineEntry discard(long entryId) throws StoreException {
		return write(c -> {
			QuarantineEntry e;
			int pair;
			try (PreparedStatement ps = c.prepareStatement("SELECT q.PAIR, p.PAIR_ID, q.SIDE, q.HREF, q.VERSION, q.IDENT,"
					+ " q.REASON, q.AT_TIME FROM SYNC_QUARANTINE q JOIN SYNC_PAIR p ON p.PAIR = q.PAIR"
					+ " WHERE q.ID = ? AND q.DISCARDED IS NULL")) {
				ps.setLong(1, entryId);
				try (ResultSet rs = ps.executeQuery()) {
					if (!rs.next()) {
						throw new StoreException("quarantine entry " + entryId
								+ " is not in quarantine (discarded already, released, or gone)");
					}
					pair = rs.getInt(1);
					// the raw text stays in the row; the entry handed back leaves it out
					e = new QuarantineEntry(entryId, rs.getString(2), side(rs.getString(3)), rs.getString(4),
							rs.getString(5), uuid(rs.getString(6)), rs.getString(7), null, instant(rs.getTimestamp(8)));
				}
			}
			Instant now = Instant.now();
			try (PreparedStatement ps = c.prepareStatement("UPDATE SYNC_QUARANTINE SET DISCARDED = ? WHERE ID = ?")) {
				setTs(ps, 1, now);
				ps.setLong(2, entryId);
				ps.executeUpdate();
			}
			try (PreparedStatement ps = c.prepareStatement("INSERT INTO SYNC_HISTORY (ID, RUN_ID, AT_TIME, PAIR, IDENT,"
					+ " TARGET, ACTION, REASON, HREF) VALUES (?,?,?,?,?,?,?,?,?)")) {
				ps.setLong(1, db.nextId(c, "SYNC_HISTORY", "ID"));
				ps.setLong(2, 0);
				setTs(ps, 3, now);
				ps.setInt(4, pair);
				setString(ps, 5, uuid(e.ident()));
				ps.setString(6, side(e.side()));
				ps.setString(7, PlannedAction.Action.QUARANTINE.name());
				setString(ps, 8, clip(DISCARDED + ": " + e.href() + " stays out of sync at this version until it changes"
						+ " on its side (it was quarantined because " + e.reason() + ")", 4000));
				setString(ps, 9, e.href());
				ps.executeUpdate();
			}
			return e;
		});
	}

	// ------------------------------------------------------------------ conflicts

	private static final String CONFLICT_COLUMNS = "ID, IDENT, KIND, FIELDS, RESOLUTIONS, POLICY, STATE, CRM_HASH,"
			+ " MBX_HASH, CHOICES, AT_TIME, SETTLED";

	private static ConflictRecord conflict(String pairId, ResultSet rs) throws SQLException {
		UUID ident = uuid(rs.getString(2));
		String kindName = rs.getString(3);
		ItemKind kind = kindName == null ? null : ItemKind.valueOf(kindName);
		List<FieldConflict> fields = new ArrayList<>();
		for (List<String> r : Codec.rows(rs.getString(4))) {
			fields.add(new FieldConflict(ident, kind, r.get(0), r.get(1), r.get(2), r.get(3),
					r.get(4) == null ? null : Instant.parse(r.get(4)), r.get(5) == null ? null : Instant.parse(r.get(5))));
		}
		Map<String, ConflictResolver.Resolution> resolutions = new LinkedHashMap<>();
		for (List<String> r : Codec.rows(rs.getString(5))) {
			resolutions.put(r.get(0), ConflictResolver.Resolution.valueOf(r.get(1)));
		}
		Map<String, Side> choices = new LinkedHashMap<>();
		for (List<String> r : Codec.rows(rs.getString(10))) {
			choices.put(r.get(0), Side.valueOf(r.get(1)));
		}
		String policy = rs.getString(6);
		return new ConflictRecord(rs.getLong(1), pairId, ident, kind, fields, resolutions,
				policy == null ? null : ConflictPolicy.valueOf(policy), ConflictRecord.State.valueOf(rs.getString(7)),
				rs.getString(8), rs.getString(9), choices, instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)));
	}

	@Override
	public List<ConflictRecord> conflicts(String pairId, boolean unsettledOnly) throws StoreException {
		return db.read(c -> {
			int p = pair(c, pairId, false);
			List<ConflictRecord> out = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement("SELECT " + CONFLICT_COLUMNS + " FROM SYNC_CONFLICT WHERE PAIR = ?"
					+ (unsettledOnly ? " AND STATE IN ('OPEN', 'CHOSEN')" : "") + " ORDER BY ID DESC")) {
				ps.setInt(1, p);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						out.add(conflict(pairId, rs));
					}
				}
			}
			return out;
		});
	}

	@Override
	public Optional<ConflictRecord> unsettledConflict(String pairId, UUID ident) throws StoreException {
		return db.read(c -> unsettled(c, pairId, ident));
	}

	private Optional<ConflictRecord> unsettled(Connection c, String pairId, UUID ident) throws SQLException {
		int p = pair(c, pairId, false);
		try (PreparedStatement ps = c.prepareStatement("SELECT " + CONFLICT_COLUMNS
				+ " FROM SYNC_CONFLICT WHERE PAIR = ? AND IDENT = ? AND STATE IN ('OPEN', 'CHOSEN') ORDER BY ID DESC")) {
			ps.setInt(1, p);
			ps.setString(2, ident.toString());
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? Optional.of(conflict(pairId, rs)) : Optional.empty();
			}
		}
	}

	@Override
	public void choose(long conflictId, Map<String, Side> choices) throws StoreException {
		write(c -> {
			try (PreparedStatement ps = c.prepareStatement(
					"UPDATE SYNC_CONFLICT SET STATE = 'CHOSEN', CHOICES = ? WHERE ID = ? AND STATE IN ('OPEN', 'CHOSEN')")) {
				List<List<String>> rows = new ArrayList<>();
				choices.forEach((f, s) -> rows.add(List.of(f, s.name())));
				setString(ps, 1, Codec.rows(rows));
				ps.setLong(2, conflictId);
				if (ps.executeUpdate() != 1) {
					throw new StoreException("conflict " + conflictId + " is not open (settled already, or gone)");
				}
			}
			return null;
		});
	}

	// ------------------------------------------------------------------ staging

	@Override
	public void clearStage(String pairId) throws StoreException {
		write(c -> {
			int p = pair(c, pairId, false);
			try (PreparedStatement ps = c.prepareStatement("DELETE FROM SYNC_STAGE WHERE PAIR = ?")) {
				ps.setInt(1, p);
				ps.executeUpdate();
			}
			return null;
		});
	}

	@Override
	public void stage(List<StagedItem> items) throws StoreException {
		if (items.isEmpty()) {
			return;
		}
		write(c -> {
			try (PreparedStatement up = c.prepareStatement("UPDATE SYNC_STAGE SET VERSION = ?, REMOVED = ?, IDENT = ?,"
					+ " HASH = ?, MODIFIED = ?, DATA = ?, STATUS_IDENT = ?, FETCHED = ? WHERE PAIR = ? AND SIDE = ? AND HREF = ?");
					PreparedStatement in = c.prepareStatement("INSERT INTO SYNC_STAGE (VERSION, REMOVED, IDENT, HASH, MODIFIED,"
							+ " DATA, STATUS_IDENT, FETCHED, PAIR, SIDE, HREF) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
				for (StagedItem s : items) {
					bindStage(up, c, s);
					up.addBatch();
				}
				int[] n = up.executeBatch();
				boolean any = false;
				for (int i = 0; i < n.length; i++) {
					if (n[i] == 0) {
						bindStage(in, c, items.get(i));
						in.addBatch();
						any = true;
					}
				}
				if (any) {
					in.executeBatch();
				}
			}
			return null;
		});
	}

	private void bindStage(PreparedStatement ps, Connection c, StagedItem s) throws SQLException {
		setString(ps, 1, s.version());
		setString(ps, 2, s.removed() == null ? null : s.removed() == Removal.DELETED ? "D" : "L");
		setString(ps, 3, uuid(s.ident()));
		setString(ps, 4, s.hash());
		setTs(ps, 5, s.modified());
		setClob(ps, 6, text(s.data()));
		setString(ps, 7, uuid(s.statusIdent()));
		ps.setShort(8, (short) (s.fetched() ? 1 : 0));
		ps.setInt(9, pair(c, s.pairId(), true));
		ps.setString(10, side(s.side()));
		ps.setString(11, s.href());
	}

	@Override
	public void unstage(String pairId, Side side, Collection<String> hrefs) throws StoreException {
		if (hrefs.isEmpty()) {
			return;
		}
		write(c -> {
			int p = pair(c, pairId, false);
			try (PreparedStatement ps = c.prepareStatement("DELETE FROM SYNC_STAGE WHERE PAIR = ? AND SIDE = ? AND HREF = ?")) {
				for (String h : hrefs) {
					ps.setInt(1, p);
					ps.setString(2, side(side));
					ps.setString(3, h);
					ps.addBatch();
				}
				ps.executeBatch();
			}
			return null;
		});
	}

	private StagedItem staged(String pairId, ResultSet rs) throws SQLException {
		String removed = rs.getString("REMOVED");
		return new StagedItem(pairId, side(rs.getString("SIDE")), rs.getString("HREF"), rs.getString("VERSION"),
				removed == null ? null : "D".equals(removed) ? Removal.DELETED : Removal.LEFT_SCOPE,
				uuid(rs.getString("IDENT")), rs.getString("HASH"), instant(rs, "MODIFIED"), data(rs.getString("DATA")),
				uuid(rs.getString("STATUS_IDENT")));
	}

	@Override
	public List<StagedItem> stagedToFetch(String pairId, Side side, int limit) throws StoreException {
		return db.read(c -> {
			int p = pair(c, pairId, false);
			List<StagedItem> out = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement("SELECT " + STAGE_COLUMNS + " FROM SYNC_STAGE WHERE PAIR = ?"
					+ " AND SIDE = ? AND FETCHED = 0 AND REMOVED IS NULL ORDER BY HREF")) {
				ps.setMaxRows(limit);
				ps.setInt(1, p);
				ps.setString(2, side(side));
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						out.add(staged(pairId, rs));
					}
				}
			}
			return out;
		});
	}

	@Override
	public List<StagedItem> stagedGroups(String pairId, UUID after, int limit) throws StoreException {
		return db.read(c -> {
			int p = pair(c, pairId, false);
			List<String> idents = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT IDENT FROM SYNC_STAGE WHERE PAIR = ?"
					+ " AND IDENT IS NOT NULL" + (after != null ? " AND IDENT > ?" : "") + " ORDER BY IDENT")) {
				ps.setMaxRows(limit);
				ps.setInt(1, p);
				if (after != null) {
					ps.setString(2, after.toString());
				}
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						idents.add(rs.getString(1));
					}
				}
			}
			List<StagedItem> out = new ArrayList<>();
			if (idents.isEmpty()) {
				return out;
			}
			Codec.inList(c, "SELECT " + STAGE_COLUMNS + " FROM SYNC_STAGE WHERE PAIR = ? AND IDENT IN (",
					") ORDER BY IDENT, SIDE, HREF", idents, rs -> out.add(staged(pairId, rs)), p);
			return out;
		});
	}

	@Override
	public int countStaged(String pairId, Side side, boolean removed) throws StoreException {
		return db.read(c -> {
			int p = pair(c, pairId, false);
			try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM SYNC_STAGE WHERE PAIR = ? AND SIDE = ? AND REMOVED IS "
					+ (removed ? "NOT NULL" : "NULL"))) {
				ps.setInt(1, p);
				ps.setString(2, side(side));
				try (ResultSet rs = ps.executeQuery()) {
					rs.next();
					return rs.getInt(1);
				}
			}
		});
	}

	// ------------------------------------------------------------------ writes

	/** A write that also publishes pair numbers made inside it once it commits. */
	private <T> T write(SqlWork<T> work) throws StoreException {
		try {
			return db.write(work);
		} catch (StoreException e) {
			pairs.clear();
			db.resetIds();
			throw e;
		}
	}

	@Override
	public void apply(SyncBatch batch) throws StoreException {
		if (batch.isEmpty()) {
			return;
		}
		write(c -> {
			applyIn(c, batch);
			return null;
		});
	}

	private void applyIn(Connection c, SyncBatch batch) throws SQLException, StoreException {
		Applier a = new Applier(c);
		try {
			for (SyncBatch.Op op : batch.ops()) {
				a.apply(op);
			}
			a.flush();
		} finally {
			a.close();
		}
	}

	/** Applies ops in order, batching runs of the same statement. */
	private final class Applier {
		private final Connection c;
		private final Map<String, PreparedStatement> open = new HashMap<>();
		private String pending;

		Applier(Connection c) {
			this.c = c;
		}

		private PreparedStatement stmt(String sql) throws SQLException {
			if (pending != null && !pending.equals(sql)) {
				flush();
			}
			PreparedStatement ps = open.get(sql);
			if (ps == null) {
				ps = c.prepareStatement(sql);
				open.put(sql, ps);
			}
			pending = sql;
			return ps;
		}

		void close() {
			for (PreparedStatement ps : open.values()) {
				try {
					ps.close();
				} catch (SQLException ignored) {
					// closing anyway
				}
			}
		}

		void flush() throws SQLException {
			if (pending != null) {
				open.get(pending).executeBatch();
				pending = null;
			}
		}

		/** Deletes an item's quarantine entry (discarded or not); returns the pair's number. */
		private int unquarantine(String pairId, Side side, String href) throws SQLException {
			int p = pair(c, pairId, true);
			now("DELETE FROM SYNC_QUARANTINE WHERE PAIR = ? AND SIDE = ? AND HREF = ?", s -> {
				s.setInt(1, p);
				s.setString(2, side(side));
				s.setString(3, href);
			});
			return p;
		}

		private void now(String sql, Binder b) throws SQLException {
			flush();
			try (PreparedStatement ps = c.prepareStatement(sql)) {
				b.bind(ps);
				ps.executeUpdate();
			}
		}

		void apply(SyncBatch.Op op) throws SQLException, StoreException {
			switch (op) {
				case SyncBatch.PutStatus ps -> putStatus(ps.status());
				case SyncBatch.RemoveStatus rs -> {
					PreparedStatement s = stmt("DELETE FROM SYNC_STATUS WHERE PAIR = ? AND IDENT = ?");
					s.setInt(1, pair(c, rs.pairId(), true));
					s.setString(2, rs.ident().toString());
					s.addBatch();
				}
				case SyncBatch.JournalState js -> {
					PreparedStatement s = stmt("UPDATE SYNC_JOURNAL SET STATE = ?, NOTE = COALESCE(?, NOTE) WHERE ID = ?");
					s.setString(1, js.state().name());
					setString(s, 2, clip(js.note(), 2000));
					s.setLong(3, js.entryId());
					s.addBatch();
				}
				case SyncBatch.PutToken pt -> {
					int p = pair(c, pt.pairId(), true);
					flush();
					int n;
					try (PreparedStatement s = c.prepareStatement("UPDATE SYNC_TOKEN SET COLLECTION_ID = ?, TOKEN = ?,"
							+ " INITIAL_SYNC = ?, UPDATED = CURRENT_TIMESTAMP WHERE PAIR = ? AND SIDE = ?")) {
						bindToken(s, pt);
						s.setInt(4, p);
						s.setString(5, side(pt.side()));
						n = s.executeUpdate();
					}
					if (n == 0) {
						now("INSERT INTO SYNC_TOKEN (COLLECTION_ID, TOKEN, INITIAL_SYNC, UPDATED, PAIR, SIDE)"
								+ " VALUES (?, ?, ?, CURRENT_TIMESTAMP, ?, ?)", s -> {
									bindToken(s, pt);
									s.setInt(4, p);
									s.setString(5, side(pt.side()));
								});
					}
				}
				case SyncBatch.AddHistory ah -> {
					HistoryEntry h = ah.entry();
					PreparedStatement s = stmt("INSERT INTO SYNC_HISTORY (ID, RUN_ID, AT_TIME, PAIR, IDENT, TARGET, ACTION,"
							+ " REASON, HREF) VALUES (?,?,?,?,?,?,?,?,?)");
					s.setLong(1, db.nextId(c, "SYNC_HISTORY", "ID"));
					s.setLong(2, h.runId());
					setTs(s, 3, h.at() == null ? Instant.now() : h.at());
					s.setInt(4, pair(c, h.pairId(), true));
					setString(s, 5, uuid(h.ident()));
					setString(s, 6, h.target() == null ? null : side(h.target()));
					s.setString(7, h.action().name());
					setString(s, 8, clip(h.reason(), 4000));
					setString(s, 9, h.href());
					s.addBatch();
				}
				case SyncBatch.AddTombstone at -> {
					Tombstone t = at.tombstone();
					PreparedStatement s = stmt("INSERT INTO SYNC_TOMBSTONE (ID, PAIR, IDENT, SIDE, HREF, LAST_COPY, REASON,"
							+ " AT_TIME, RUN_ID) VALUES (?,?,?,?,?,?,?,?,?)");
					s.setLong(1, db.nextId(c, "SYNC_TOMBSTONE", "ID"));
					s.setInt(2, pair(c, t.pairId(), true));
					s.setString(3, t.ident().toString());
					s.setString(4, side(t.side()));
					setString(s, 5, t.href());
					setClob(s, 6, text(t.lastCopy()));
					setString(s, 7, clip(t.reason(), 4000));
					setTs(s, 8, t.at() == null ? Instant.now() : t.at());
					s.setLong(9, t.runId());
					s.addBatch();
				}
				case SyncBatch.Quarantine q -> {
					QuarantineEntry e = q.entry();
					int p = pair(c, e.pairId(), true);
					now("DELETE FROM SYNC_QUARANTINE WHERE PAIR = ? AND SIDE = ? AND HREF = ?", s -> {
						s.setInt(1, p);
						s.setString(2, side(e.side()));
						s.setString(3, e.href());
					});
					long id = db.nextId(c, "SYNC_QUARANTINE", "ID");
					now("INSERT INTO SYNC_QUARANTINE (ID, PAIR, SIDE, HREF, VERSION, IDENT, REASON, RAW, AT_TIME)"
							+ " VALUES (?,?,?,?,?,?,?,?,?)", s -> {
								s.setLong(1, id);
								s.setInt(2, p);
								s.setString(3, side(e.side()));
								s.setString(4, e.href());
								setString(s, 5, e.version());
								setString(s, 6, uuid(e.ident()));
								setString(s, 7, clip(e.reason(), 4000));
								setClob(s, 8, e.raw());
								setTs(s, 9, e.at() == null ? Instant.now() : e.at());
							});
				}
				case SyncBatch.Release r -> {
					int p = unquarantine(r.pairId(), r.side(), r.href());
					// a change listing would not report the released item again: list that side in full next time
					now("UPDATE SYNC_TOKEN SET TOKEN = NULL WHERE PAIR = ? AND SIDE = ?", s -> {
						s.setInt(1, p);
						s.setString(2, side(r.side()));
					});
				}
				case SyncBatch.EndQuarantine q -> unquarantine(q.pairId(), q.side(), q.href());
				case SyncBatch.PutConflict pc -> putConflict(pc.conflict());
				case SyncBatch.ConflictState cs -> {
					PreparedStatement s = stmt("UPDATE SYNC_CONFLICT SET STATE = ?,"
							+ " SETTLED = CASE WHEN ? IN ('OPEN', 'CHOSEN') THEN SETTLED ELSE CURRENT_TIMESTAMP END WHERE ID = ?");
					s.setString(1, cs.state().name());
					s.setString(2, cs.state().name());
					s.setLong(3, cs.conflictId());
					s.addBatch();
				}
				case SyncBatch.ForgetDoneJournal f -> {
					PreparedStatement s = stmt("DELETE FROM SYNC_JOURNAL WHERE PAIR = ? AND STATE <> 'PENDING'");
					s.setInt(1, pair(c, f.pairId(), true));
					s.addBatch();
				}
			}
		}

		private void bindToken(PreparedStatement s, SyncBatch.PutToken pt) throws SQLException {
			setString(s, 1, pt.token().collectionId());
			setString(s, 2, pt.token().token());
			s.setBoolean(3, pt.token().initialSync());
		}

		private void putStatus(SyncStatus st) throws SQLException {
			int p = pair(c, st.pairId(), true);
			boolean same = st.mailboxBase() == null || st.mailboxBase().equals(st.crmBase());
			if (st.rowId() < 0) {
				PreparedStatement s = stmt("INSERT INTO SYNC_STATUS (CRM_HREF, CRM_VERSION, CRM_HASH, MBX_HREF, MBX_VERSION,"
						+ " MBX_HASH, CRM_BASE, MBX_BASE, SYNCED, ROW_ID, PAIR, IDENT) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
				bindStatus(s, st, same);
				s.setLong(10, db.nextId(c, "SYNC_STATUS", "ROW_ID"));
				s.setInt(11, p);
				s.setString(12, st.ident().toString());
				s.addBatch();
			} else {
				PreparedStatement s = stmt("UPDATE SYNC_STATUS SET CRM_HREF = ?, CRM_VERSION = ?, CRM_HASH = ?, MBX_HREF = ?,"
						+ " MBX_VERSION = ?, MBX_HASH = ?, CRM_BASE = ?, MBX_BASE = ?, SYNCED = ? WHERE PAIR = ? AND IDENT = ?");
				bindStatus(s, st, same);
				s.setInt(10, p);
				s.setString(11, st.ident().toString());
				s.addBatch();
			}
		}

		private void bindStatus(PreparedStatement s, SyncStatus st, boolean sameBase) throws SQLException {
			SideState crm = st.crm();
			SideState mbx = st.mailbox();
			setString(s, 1, crm == null ? null : crm.href());
			setString(s, 2, crm == null ? null : crm.version());
			setString(s, 3, crm == null ? null : crm.hash());
			setString(s, 4, mbx == null ? null : mbx.href());
			setString(s, 5, mbx == null ? null : mbx.version());
			setString(s, 6, mbx == null ? null : mbx.hash());
			setClob(s, 7, text(st.crmBase()));
			setClob(s, 8, sameBase ? null : text(st.mailboxBase()));
			setTs(s, 9, st.synced() == null ? Instant.now() : st.synced());
		}

		private void putConflict(ConflictRecord r) throws SQLException {
			flush();
			int p = pair(c, r.pairId(), true);
			Optional<ConflictRecord> existing = unsettled(c, r.pairId(), r.ident());
			List<List<String>> fields = new ArrayList<>();
			for (FieldConflict f : r.fields()) {
				fields.add(java.util.Arrays.asList(f.field(), f.base(), f.crmValue(), f.mailboxValue(),
						f.crmModified() == null ? null : f.crmModified().toString(),
						f.mailboxModified() == null ? null : f.mailboxModified().toString()));
			}
			List<List<String>> res = new ArrayList<>();
			r.resolutions().forEach((k, v) -> res.add(List.of(k, v.name())));
			List<List<String>> choices = new ArrayList<>();
			r.choices().forEach((k, v) -> choices.add(List.of(k, v.name())));
			Binder b = s -> {
				setString(s, 1, r.kind() == null ? null : r.kind().name());
				setClob(s, 2, Codec.rows(fields));
				setString(s, 3, Codec.rows(res));
				setString(s, 4, r.policy() == null ? null : r.policy().name());
				s.setString(5, r.state().name());
				setString(s, 6, r.crmHash());
				setString(s, 7, r.mailboxHash());
				setString(s, 8, Codec.rows(choices));
				setTs(s, 9, r.at() == null ? Instant.now() : r.at());
				setTs(s, 10, r.settled());
			};
			if (existing.isPresent()) {
				long id = existing.get().id();
				now("UPDATE SYNC_CONFLICT SET KIND = ?, FIELDS = ?, RESOLUTIONS = ?, POLICY = ?, STATE = ?, CRM_HASH = ?,"
						+ " MBX_HASH = ?, CHOICES = ?, AT_TIME = ?, SETTLED = ? WHERE ID = ?", s -> {
							b.bind(s);
							s.setLong(11, id);
						});
			} else {
				long id = db.nextId(c, "SYNC_CONFLICT", "ID");
				now("INSERT INTO SYNC_CONFLICT (KIND, FIELDS, RESOLUTIONS, POLICY, STATE, CRM_HASH, MBX_HASH, CHOICES, AT_TIME,"
						+ " SETTLED, ID, PAIR, IDENT) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", s -> {
							b.bind(s);
							s.setLong(11, id);
							s.setInt(12, p);
							s.setString(13, r.ident().toString());
						});
			}
		}
	}

	@FunctionalInterface
	private interface Binder {
		void bind(PreparedStatement ps) throws SQLException;
	}

	@Override
	public void forgetPair(String pairId) throws StoreException {
		write(c -> {
			int p = pair(c, pairId, false);
			if (p < 0) {
				return null;
			}
			for (String table : List.of("SYNC_STATUS", "SYNC_TOKEN", "SYNC_JOURNAL", "SYNC_RUN", "SYNC_HISTORY",
					"SYNC_TOMBSTONE", "SYNC_QUARANTINE", "SYNC_CONFLICT", "SYNC_STAGE")) {
				try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE PAIR = ?")) {
					ps.setInt(1, p);
					ps.executeUpdate();
				}
			}
			return null;
		});
	}

	// ------------------------------------------------------------------ helpers

	static String clip(String s, int max) {
		return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
	}

}
