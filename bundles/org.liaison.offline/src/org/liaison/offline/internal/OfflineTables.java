package org.liaison.offline.internal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.core.type.TypeReference;

import org.liaison.api.offline.OfflineConflict;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineRecord;
import org.liaison.api.offline.OutboxEntry;
import org.liaison.api.offline.OutboxEntry.Change;
import org.liaison.api.offline.OutboxEntry.Op;
import org.liaison.api.store.StoreException;
import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.ConflictResolver.Resolution;
import org.liaison.api.sync.FieldConflict;
import org.liaison.store.derby.Schema.Migration;
import org.liaison.store.derby.StoreExtension;

/**
 * Go Offline's tables in the profile's database, on their own migration track ({@code offline}) beside
 * the store's: the records (the server's copy, and the user's view of it while offline changes wait),
 * the per-type copy state (filter used, paging position, delta link, initial-copy flag), the outbox and
 * the conflicts. Every method that takes a {@link Connection} runs inside the caller's
 * {@link #write} or {@link #read}.
 */
final class OfflineTables {

	/** The extension that makes these tables in a profile's database. */
	static final StoreExtension<OfflineTables> EXTENSION = new StoreExtension<>() {
		@Override
		public String name() {
			return "offline";
		}

		@Override
		public List<Migration> migrations() {
			return MIGRATIONS;
		}

		@Override
		public OfflineTables open(Sql sql) {
			return new OfflineTables(sql);
		}
	};

	static final List<Migration> MIGRATIONS = List.of(new Migration(1,
			"Go Offline: records, copy state per type, outbox, conflicts", List.of(
					"CREATE TABLE OFFLINE_META (NAME VARCHAR(100) NOT NULL PRIMARY KEY, VAL VARCHAR(8000))",
					"CREATE TABLE OFFLINE_ENTITY (ENTITY SMALLINT NOT NULL PRIMARY KEY, ENABLED BOOLEAN NOT NULL,"
							+ " FILTER VARCHAR(8000), USED_FILTER VARCHAR(8000), GEN INT NOT NULL, INITIAL_COPY BOOLEAN NOT NULL,"
							+ " NEXT_LINK VARCHAR(8000), DELTA_LINK VARCHAR(8000), COPIED BIGINT NOT NULL, EXPECTED BIGINT NOT NULL,"
							+ " COPIED_AT TIMESTAMP, REFRESHED_AT TIMESTAMP)",
					"CREATE TABLE OFFLINE_RECORD (ID CHAR(36) NOT NULL PRIMARY KEY, ENTITY SMALLINT NOT NULL,"
							+ " SCOPE CHAR(1) NOT NULL, GEN INT NOT NULL, ETAG VARCHAR(100), STATE CHAR(1) NOT NULL,"
							+ " NAME_LC VARCHAR(400), EMAIL_LC VARCHAR(200), PARENT VARCHAR(200), REFS VARCHAR(4000),"
							+ " BASE VARCHAR(32672), BASE_LONG CLOB, LOCAL_VIEW CLOB)",
					"CREATE INDEX OFFLINE_RECORD_NAME ON OFFLINE_RECORD (ENTITY, NAME_LC)",
					"CREATE INDEX OFFLINE_RECORD_EMAIL ON OFFLINE_RECORD (EMAIL_LC)",
					"CREATE TABLE OFFLINE_OUTBOX (SEQ BIGINT NOT NULL PRIMARY KEY, ENTITY SMALLINT NOT NULL,"
							+ " RECORD_ID CHAR(36) NOT NULL, OP CHAR(1) NOT NULL, BASE_ETAG VARCHAR(100), CHANGES CLOB NOT NULL,"
							+ " STATE VARCHAR(10) NOT NULL, NOTE VARCHAR(4000), ATTEMPTS INT NOT NULL, MADE TIMESTAMP NOT NULL,"
							+ " DONE TIMESTAMP)",
					"CREATE INDEX OFFLINE_OUTBOX_RECORD ON OFFLINE_OUTBOX (RECORD_ID, SEQ)",
					"CREATE INDEX OFFLINE_OUTBOX_STATE ON OFFLINE_OUTBOX (STATE, SEQ)",
					"CREATE TABLE OFFLINE_CONFLICT (ID BIGINT NOT NULL PRIMARY KEY, ENTITY SMALLINT NOT NULL,"
							+ " RECORD_ID CHAR(36) NOT NULL, OUTBOX_SEQ BIGINT NOT NULL, KIND VARCHAR(20) NOT NULL, FIELDS CLOB,"
							+ " RESOLUTIONS VARCHAR(4000), POLICY VARCHAR(16), STATE VARCHAR(10) NOT NULL, CHOICES VARCHAR(4000),"
							+ " NOTE VARCHAR(4000), AT_TIME TIMESTAMP NOT NULL, SETTLED TIMESTAMP)",
					"CREATE INDEX OFFLINE_CONFLICT_SEQ ON OFFLINE_CONFLICT (OUTBOX_SEQ)")));

	/** Stable codes of the record types in the tables (never reordered). */
	private static final List<OfflineEntity> CODES = List.of(OfflineEntity.ACCOUNTS, OfflineEntity.CONTACTS,
			OfflineEntity.LEADS, OfflineEntity.OPPORTUNITIES, OfflineEntity.EMAILS, OfflineEntity.APPOINTMENTS,
			OfflineEntity.TASKS);
	private static final int INLINE = 32_000;
	private static final TypeReference<LinkedHashMap<String, List<String>>> CHANGES = new TypeReference<>() {
	};
	private static final TypeReference<List<List<String>>> FIELD_ROWS = new TypeReference<>() {
	};
	private static final TypeReference<LinkedHashMap<String, String>> STRINGS = new TypeReference<>() {
	};

	/** Record states in the table. */
	static final char SYNCED = 'C';
	static final char CREATED = 'N';
	static final char CHANGED = 'M';
	static final char DELETED = 'D';

	private final StoreExtension.Sql sql;

	private OfflineTables(StoreExtension.Sql sql) {
		this.sql = sql;
	}

	<R> R read(StoreExtension.Work<R> work) throws StoreException {
		return sql.read(work);
	}

	<R> R write(StoreExtension.Work<R> work) throws StoreException {
		return sql.write(work);
	}

	String label() {
		return sql.label();
	}

	static int code(OfflineEntity e) {
		return CODES.indexOf(e);
	}

	static OfflineEntity entity(int code) {
		return CODES.get(code);
	}

	// ---------------------------------------------------------------- meta

	String meta(Connection c, String name) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT VAL FROM OFFLINE_META WHERE NAME = ?")) {
			ps.setString(1, name);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? rs.getString(1) : null;
			}
		}
	}

	void putMeta(Connection c, String name, String value) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE OFFLINE_META SET VAL = ? WHERE NAME = ?")) {
			ps.setString(1, value);
			ps.setString(2, name);
			if (ps.executeUpdate() > 0) {
				return;
			}
		}
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO OFFLINE_META (NAME, VAL) VALUES (?, ?)")) {
			ps.setString(1, name);
			ps.setString(2, value);
			ps.executeUpdate();
		}
	}

	// ---------------------------------------------------------------- copy state per type

	/**
	 * The copy state of one record type.
	 *
	 * @param filter the filter template (placeholders unresolved), null for none
	 * @param usedFilter the resolved filter the current copy was made with
	 * @param gen the copy's generation (a new full copy makes a new one; rows of older ones are stale)
	 * @param initialCopy whether the first copy of this generation is still under way
	 * @param nextLink where the first copy goes on (the next page), or null to start or when done
	 * @param deltaLink the change-tracking link taken before the first copy began
	 * @param copied records copied in this generation so far
	 * @param expected records the filter selected when the copy began (-1: unknown)
	 */
	record EntityState(OfflineEntity entity, boolean enabled, String filter, String usedFilter, int gen,
			boolean initialCopy, String nextLink, String deltaLink, long copied, long expected, Instant copiedAt,
			Instant refreshedAt) {
	}

	EntityState entityState(Connection c, OfflineEntity e) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT ENABLED, FILTER, USED_FILTER, GEN, INITIAL_COPY, NEXT_LINK,"
				+ " DELTA_LINK, COPIED, EXPECTED, COPIED_AT, REFRESHED_AT FROM OFFLINE_ENTITY WHERE ENTITY = ?")) {
			ps.setInt(1, code(e));
			try (ResultSet rs = ps.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				return new EntityState(e, rs.getBoolean(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getBoolean(5),
						rs.getString(6), rs.getString(7), rs.getLong(8), rs.getLong(9), instant(rs.getTimestamp(10)),
						instant(rs.getTimestamp(11)));
			}
		}
	}

	void putEntityState(Connection c, EntityState s) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE OFFLINE_ENTITY SET ENABLED = ?, FILTER = ?, USED_FILTER = ?,"
				+ " GEN = ?, INITIAL_COPY = ?, NEXT_LINK = ?, DELTA_LINK = ?, COPIED = ?, EXPECTED = ?, COPIED_AT = ?,"
				+ " REFRESHED_AT = ? WHERE ENTITY = ?")) {
			bindState(ps, s);
			ps.setInt(12, code(s.entity()));
			if (ps.executeUpdate() > 0) {
				return;
			}
		}
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO OFFLINE_ENTITY (ENABLED, FILTER, USED_FILTER, GEN,"
				+ " INITIAL_COPY, NEXT_LINK, DELTA_LINK, COPIED, EXPECTED, COPIED_AT, REFRESHED_AT, ENTITY)"
				+ " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
			bindState(ps, s);
			ps.setInt(12, code(s.entity()));
			ps.executeUpdate();
		}
	}

	private static void bindState(PreparedStatement ps, EntityState s) throws SQLException {
		ps.setBoolean(1, s.enabled());
		ps.setString(2, s.filter());
		ps.setString(3, s.usedFilter());
		ps.setInt(4, s.gen());
		ps.setBoolean(5, s.initialCopy());
		ps.setString(6, s.nextLink());
		ps.setString(7, s.deltaLink());
		ps.setLong(8, s.copied());
		ps.setLong(9, s.expected());
		ps.setTimestamp(10, s.copiedAt() == null ? null : Timestamp.from(s.copiedAt()));
		ps.setTimestamp(11, s.refreshedAt() == null ? null : Timestamp.from(s.refreshedAt()));
	}

	// ---------------------------------------------------------------- records

	/** A record row: the server's copy ({@code base}, null if it is not in the CRM yet) and the user's view. */
	record Row(OfflineEntity entity, UUID id, OfflineRecord.Scope scope, int gen, String etag, char state,
			TreeMap<String, String> base, TreeMap<String, String> local) {

		/** What the user sees: the local view while offline changes wait, else the server's copy. */
		TreeMap<String, String> view() {
			return state == SYNCED ? base : local == null ? new TreeMap<>() : local;
		}

		OfflineRecord toRecord() {
			OfflineRecord.State s = switch (state) {
				case CREATED -> OfflineRecord.State.CREATED;
				case CHANGED -> OfflineRecord.State.CHANGED;
				case DELETED -> OfflineRecord.State.DELETED;
				default -> OfflineRecord.State.SYNCED;
			};
			return new OfflineRecord(entity, id, state == DELETED ? (base == null ? new TreeMap<>() : base) : view(), etag,
					scope, s);
		}
	}

	/**
	 * A record as the server gave it, with what the table keeps of it worked out beforehand (outside the
	 * write transaction): its stored text and the columns derived from it.
	 */
	record Fetched(UUID id, String etag, String json, Derived derived) {
		/** Only the text and the derived columns are kept: a page waiting to be stored holds no field map. */
		Fetched(OfflineEntity e, UUID id, String etag, TreeMap<String, String> fields) {
			this(id, etag, Values.write(fields), Derived.of(e, fields));
		}
	}

	/** The columns found by name, email, parent and reference. */
	record Derived(String name, String email, String parent, String refs) {
		static Derived of(OfflineEntity e, SortedMap<String, String> view) {
			if (view == null) {
				return new Derived(null, null, null, null);
			}
			StringBuilder b = new StringBuilder();
			for (String r : Values.references(e, view)) {
				if (b.length() + r.length() + 1 > 4000) {
					break;
				}
				b.append(b.length() == 0 ? "" : " ").append(r);
			}
			return new Derived(clip(lower(Records.name(e, view)), 400), clip(lower(view.get("emailaddress1")), 200),
					clip(Records.parent(e, view), 200), b.length() == 0 ? null : b.toString());
		}

		void bind(PreparedStatement ps, int at) throws SQLException {
			ps.setString(at, name);
			ps.setString(at + 1, email);
			ps.setString(at + 2, parent);
			ps.setString(at + 3, refs);
		}
	}

	private static final String ROW_COLUMNS = "ID, ENTITY, SCOPE, GEN, ETAG, STATE, BASE, BASE_LONG, LOCAL_VIEW";

	private static Row row(ResultSet rs) throws SQLException {
		String base = rs.getString(7);
		if (base == null) {
			base = rs.getString(8);
		}
		return new Row(entity(rs.getInt(2)), UUID.fromString(rs.getString(1)),
				rs.getString(3).charAt(0) == 'R' ? OfflineRecord.Scope.REFERENCE : OfflineRecord.Scope.FILTER, rs.getInt(4),
				rs.getString(5), rs.getString(6).charAt(0), Values.readFields(base), Values.readFields(rs.getString(9)));
	}

	Row get(Connection c, UUID id) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT " + ROW_COLUMNS + " FROM OFFLINE_RECORD WHERE ID = ?")) {
			ps.setString(1, id.toString());
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? row(rs) : null;
			}
		}
	}

	Map<UUID, Row> get(Connection c, Collection<UUID> ids) throws SQLException {
		Map<UUID, Row> out = new HashMap<>();
		sql.inList(c, "SELECT " + ROW_COLUMNS + " FROM OFFLINE_RECORD WHERE ID IN (", ")", keys(ids), rs -> {
			Row r = row(rs);
			out.put(r.id(), r);
		});
		return out;
	}

	/** Which of {@code ids} are in the copy, with their state. */
	Map<UUID, Character> states(Connection c, Collection<UUID> ids) throws SQLException {
		Map<UUID, Character> out = new HashMap<>();
		sql.inList(c, "SELECT ID, STATE FROM OFFLINE_RECORD WHERE ID IN (", ")", keys(ids),
				rs -> out.put(UUID.fromString(rs.getString(1)), rs.getString(2).charAt(0)));
		return out;
	}

	private static List<String> keys(Collection<UUID> ids) {
		List<String> out = new ArrayList<>(ids.size());
		for (UUID id : ids) {
			out.add(id.toString());
		}
		return out;
	}

	/**
	 * Puts records as the server has them: new ones are inserted, known ones get the server's copy (and,
	 * where offline changes wait, a view recomputed from the outbox). A record already in the copy by its
	 * filter stays so when it comes as a reference.
	 */
	void putFetched(Connection c, OfflineEntity e, OfflineRecord.Scope scope, int gen, List<Fetched> rows)
			throws SQLException {
		putFetched(c, e, scope, gen, rows, false);
	}

	/**
	 * As {@link #putFetched(Connection, OfflineEntity, OfflineRecord.Scope, int, List)}; {@code fresh} says
	 * that none of the rows can be in the table (a first copy's pages of a type that had no rows when it
	 * began), so they are inserted without looking. Returns whether every row was new to the table.
	 */
	boolean putFetched(Connection c, OfflineEntity e, OfflineRecord.Scope scope, int gen, List<Fetched> rows, boolean fresh)
			throws SQLException {
		if (rows.isEmpty()) {
			return fresh;
		}
		List<UUID> ids = new ArrayList<>(rows.size());
		for (Fetched f : rows) {
			ids.add(f.id());
		}
		if (fresh) {
			try {
				insertAll(c, e, scope, gen, rows);
				return true;
			} catch (SQLException dup) {
				if (!duplicate(dup)) {
					throw dup;
				}
				// a record came twice after all: the rows before it are in; put the page again, looking
			}
		}
		Map<UUID, Character> known = states(c, ids);
		char sc = scope == OfflineRecord.Scope.FILTER ? 'F' : 'R';
		List<Fetched> pending = new ArrayList<>();
		try (PreparedStatement ins = known.size() == rows.size() ? null : c.prepareStatement(INSERT);
				PreparedStatement upd = known.isEmpty() ? null
						: c.prepareStatement("UPDATE OFFLINE_RECORD SET ETAG = ?, NAME_LC = ?, EMAIL_LC = ?, PARENT = ?,"
								+ " REFS = ?, BASE = ?, BASE_LONG = ?" + (sc == 'F' ? ", SCOPE = 'F', GEN = ?" : "")
								+ " WHERE ID = ?")) {
			boolean inserts = false;
			boolean updates = false;
			for (Fetched f : rows) {
				Character state = known.get(f.id());
				String json = f.json();
				if (state == null) {
					bindInsert(ins, e, sc, gen, f);
					ins.addBatch();
					inserts = true;
				} else {
					upd.setString(1, f.etag());
					if (state == SYNCED) {
						f.derived().bind(upd, 2);
					} else {
						Derived.of(e, null).bind(upd, 2);
						pending.add(f);
					}
					bindBase(upd, 6, json);
					int at = 8;
					if (sc == 'F') {
						upd.setInt(at++, gen);
					}
					upd.setString(at, f.id().toString());
					upd.addBatch();
					updates = true;
				}
			}
			if (inserts) {
				ins.executeBatch();
			}
			if (updates) {
				upd.executeBatch();
			}
		}
		for (Fetched f : pending) {
			recompute(c, f.id());
		}
		return known.isEmpty();
	}

	private static final String INSERT = "INSERT INTO OFFLINE_RECORD (ID, ENTITY, SCOPE, GEN, ETAG, STATE, NAME_LC,"
			+ " EMAIL_LC, PARENT, REFS, BASE, BASE_LONG, LOCAL_VIEW) VALUES (?, ?, ?, ?, ?, 'C', ?, ?, ?, ?, ?, ?, NULL)";

	private static void insertAll(Connection c, OfflineEntity e, OfflineRecord.Scope scope, int gen, List<Fetched> rows)
			throws SQLException {
		try (PreparedStatement ins = c.prepareStatement(INSERT)) {
			for (Fetched f : rows) {
				bindInsert(ins, e, scope == OfflineRecord.Scope.FILTER ? 'F' : 'R', gen, f);
				ins.addBatch();
			}
			ins.executeBatch();
		}
	}

	private static void bindInsert(PreparedStatement ins, OfflineEntity e, char scope, int gen, Fetched f)
			throws SQLException {
		ins.setString(1, f.id().toString());
		ins.setInt(2, code(e));
		ins.setString(3, String.valueOf(scope));
		ins.setInt(4, gen);
		ins.setString(5, f.etag());
		f.derived().bind(ins, 6);
		bindBase(ins, 10, f.json());
	}

	private static boolean duplicate(SQLException e) {
		for (SQLException x = e; x != null; x = x.getNextException()) {
			if ("23505".equals(x.getSQLState())) {
				return true;
			}
		}
		return false;
	}

	private static void bindBase(PreparedStatement ps, int at, String json) throws SQLException {
		if (json.length() <= INLINE) {
			ps.setString(at, json);
			ps.setNull(at + 1, Types.CLOB);
		} else {
			ps.setNull(at, Types.VARCHAR);
			ps.setString(at + 1, json);
		}
	}

	private static String lower(String s) {
		return s == null ? null : s.toLowerCase(Locale.ROOT);
	}

	private static String clip(String s, int max) {
		return s == null || s.length() <= max ? s : s.substring(0, max);
	}

	/** Inserts a record made offline (no server copy yet). */
	void insertLocal(Connection c, OfflineEntity e, UUID id, int gen, TreeMap<String, String> view) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO OFFLINE_RECORD (ID, ENTITY, SCOPE, GEN, ETAG, STATE,"
				+ " NAME_LC, EMAIL_LC, PARENT, REFS, BASE, BASE_LONG, LOCAL_VIEW) VALUES (?, ?, 'F', ?, NULL, 'N', ?, ?, ?, ?,"
				+ " NULL, NULL, ?)")) {
			ps.setString(1, id.toString());
			ps.setInt(2, code(e));
			ps.setInt(3, gen);
			Derived.of(e, view).bind(ps, 4);
			ps.setString(8, Values.write(view));
			ps.executeUpdate();
		}
	}

	/** Sets the server's copy of a record (after a write or a read during replay) and recomputes its view. */
	void putBase(Connection c, UUID id, String etag, TreeMap<String, String> base) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"UPDATE OFFLINE_RECORD SET ETAG = ?, BASE = ?, BASE_LONG = ? WHERE ID = ?")) {
			ps.setString(1, etag);
			if (base == null) {
				ps.setNull(2, Types.VARCHAR);
				ps.setNull(3, Types.CLOB);
			} else {
				bindBase(ps, 2, Values.write(base));
			}
			ps.setString(4, id.toString());
			ps.executeUpdate();
		}
		recompute(c, id);
	}

	void deleteRecord(Connection c, UUID id) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM OFFLINE_RECORD WHERE ID = ?")) {
			ps.setString(1, id.toString());
			ps.executeUpdate();
		}
	}

	/**
	 * Recomputes a record's view from its server copy and its unfinished outbox entries, in order: its state
	 * is synced when none is left, created while it is not in the CRM, deleted when the last is a delete.
	 */
	void recompute(Connection c, UUID id) throws SQLException {
		Row r = get(c, id);
		if (r == null) {
			return;
		}
		List<OutboxEntry> entries = entries(c, id, true);
		char state;
		TreeMap<String, String> view = r.base() == null ? new TreeMap<>() : new TreeMap<>(r.base());
		if (entries.isEmpty()) {
			state = SYNCED;
			if (r.base() == null) {
				// made offline, never reached the CRM, nothing left to replay: it is gone
				deleteRecord(c, id);
				return;
			}
		} else {
			boolean deleted = false;
			for (OutboxEntry en : entries) {
				if (en.op() == Op.DELETE) {
					deleted = true;
					continue;
				}
				deleted = false;
				en.changes().forEach((f, ch) -> {
					if (ch.after() == null) {
						view.remove(f);
					} else {
						view.put(f, ch.after());
					}
				});
			}
			state = deleted ? DELETED : r.base() == null ? CREATED : CHANGED;
		}
		try (PreparedStatement ps = c.prepareStatement("UPDATE OFFLINE_RECORD SET STATE = ?, LOCAL_VIEW = ?, NAME_LC = ?,"
				+ " EMAIL_LC = ?, PARENT = ?, REFS = ? WHERE ID = ?")) {
			ps.setString(1, String.valueOf(state));
			if (state == SYNCED) {
				ps.setNull(2, Types.CLOB);
			} else {
				ps.setString(2, Values.write(view));
			}
			Derived.of(r.entity(), state == DELETED ? null : view).bind(ps, 3);
			ps.setString(7, id.toString());
			ps.executeUpdate();
		}
	}

	/** Records of a type by name prefix (lower-case), deleted ones too. */
	List<Row> list(Connection c, OfflineEntity e, String prefix, int limit) throws SQLException {
		List<Row> out = new ArrayList<>();
		try (PreparedStatement ps = c.prepareStatement("SELECT " + ROW_COLUMNS + " FROM OFFLINE_RECORD WHERE ENTITY = ?"
				+ (prefix.isEmpty() ? "" : " AND NAME_LC LIKE ? ESCAPE '!'") + " ORDER BY NAME_LC, ID")) {
			ps.setInt(1, code(e));
			if (!prefix.isEmpty()) {
				ps.setString(2, prefix.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
			}
			ps.setMaxRows(limit);
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					out.add(row(rs));
				}
			}
		}
		return out;
	}

	/** Records not deleted offline with this email address (lower-case) in EMAIL_LC. */
	List<Row> byEmail(Connection c, OfflineEntity e, String emailLc) throws SQLException {
		return byColumn(c, "EMAIL_LC", e, emailLc);
	}

	/** Records not deleted offline with this name (lower-case). */
	List<Row> byName(Connection c, OfflineEntity e, String nameLc) throws SQLException {
		return byColumn(c, "NAME_LC", e, nameLc);
	}

	private List<Row> byColumn(Connection c, String column, OfflineEntity e, String value) throws SQLException {
		List<Row> out = new ArrayList<>();
		try (PreparedStatement ps = c.prepareStatement("SELECT " + ROW_COLUMNS + " FROM OFFLINE_RECORD WHERE " + column
				+ " = ? AND ENTITY = ? AND STATE <> 'D'")) {
			ps.setString(1, value);
			ps.setInt(2, code(e));
			ps.setMaxRows(50);
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					out.add(row(rs));
				}
			}
		}
		return out;
	}

	/** Every reference ({@code set(id)}) of the records selected by filters or changed offline. */
	Set<String> references(Connection c) throws SQLException {
		Set<String> out = new java.util.HashSet<>();
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT REFS FROM OFFLINE_RECORD WHERE REFS IS NOT NULL AND (SCOPE = 'F' OR STATE <> 'C')");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				for (String r : rs.getString(1).split(" ")) {
					out.add(r);
				}
			}
		}
		return out;
	}

	/** Ids of the records kept only as references. */
	List<UUID> referenceOnly(Connection c) throws SQLException {
		List<UUID> out = new ArrayList<>();
		try (PreparedStatement ps = c.prepareStatement("SELECT ID FROM OFFLINE_RECORD WHERE SCOPE = 'R' AND STATE = 'C'");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				out.add(UUID.fromString(rs.getString(1)));
			}
		}
		return out;
	}

	/** Records no longer selected by their filter: kept as references (the references pass drops those nobody points to). */
	void demote(Connection c, Collection<UUID> ids) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE OFFLINE_RECORD SET SCOPE = 'R' WHERE ID = ?")) {
			for (UUID id : ids) {
				ps.setString(1, id.toString());
				ps.addBatch();
			}
			ps.executeBatch();
		}
	}

	/** Whether the copy holds any record at all. */
	boolean anyRecord(Connection c) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM OFFLINE_RECORD FETCH FIRST 1 ROWS ONLY");
				ResultSet rs = ps.executeQuery()) {
			return rs.next();
		}
	}

	/** The sequence number of the newest outbox entry, 0 when there is none. */
	long lastEntry(Connection c) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT MAX(SEQ) FROM OFFLINE_OUTBOX"); ResultSet rs = ps.executeQuery()) {
			return rs.next() ? rs.getLong(1) : 0;
		}
	}

	/** Whether the copy holds any record of a type. */
	boolean any(Connection c, OfflineEntity e) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM OFFLINE_RECORD WHERE ENTITY = ? FETCH FIRST 1 ROWS ONLY")) {
			ps.setInt(1, code(e));
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next();
			}
		}
	}

	/** Records of a type's older copies: kept as references (the references pass drops those nobody points to). */
	int demoteStale(Connection c, OfflineEntity e, int gen) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"UPDATE OFFLINE_RECORD SET SCOPE = 'R' WHERE ENTITY = ? AND SCOPE = 'F' AND GEN < ? AND STATE = 'C'")) {
			ps.setInt(1, code(e));
			ps.setInt(2, gen);
			return ps.executeUpdate();
		}
	}

	/** Drops a type's records without offline changes (the type was taken off the offline list). */
	int dropEntity(Connection c, OfflineEntity e) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE OFFLINE_RECORD SET SCOPE = 'R' WHERE ENTITY = ? AND STATE = 'C'")) {
			ps.setInt(1, code(e));
			return ps.executeUpdate();
		}
	}

	Map<OfflineEntity, long[]> counts(Connection c) throws SQLException {
		Map<OfflineEntity, long[]> out = new EnumMap<>(OfflineEntity.class);
		try (PreparedStatement ps = c.prepareStatement("SELECT ENTITY, SCOPE, COUNT(*) FROM OFFLINE_RECORD GROUP BY ENTITY, SCOPE");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				long[] n = out.computeIfAbsent(entity(rs.getInt(1)), k -> new long[2]);
				n[rs.getString(2).charAt(0) == 'R' ? 1 : 0] += rs.getLong(3);
			}
		}
		return out;
	}

	// ---------------------------------------------------------------- outbox

	/** Appends an entry (made now, pending) and returns its number. */
	long addEntry(Connection c, OfflineEntity e, UUID id, Op op, String baseEtag, Map<String, Change> changes, Instant made)
			throws SQLException {
		long seq = sql.nextId(c, "OFFLINE_OUTBOX", "SEQ");
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO OFFLINE_OUTBOX (SEQ, ENTITY, RECORD_ID, OP, BASE_ETAG,"
				+ " CHANGES, STATE, NOTE, ATTEMPTS, MADE, DONE) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', NULL, 0, ?, NULL)")) {
			ps.setLong(1, seq);
			ps.setInt(2, code(e));
			ps.setString(3, id.toString());
			ps.setString(4, op.name().substring(0, 1));
			ps.setString(5, baseEtag);
			ps.setString(6, changesJson(changes));
			ps.setTimestamp(7, Timestamp.from(made));
			ps.executeUpdate();
		}
		return seq;
	}

	private static String changesJson(Map<String, Change> changes) {
		Map<String, List<String>> m = new LinkedHashMap<>();
		changes.forEach((f, ch) -> m.put(f, java.util.Arrays.asList(ch.before(), ch.after())));
		return Values.write(m);
	}

	private static final String ENTRY_COLUMNS = "SEQ, ENTITY, RECORD_ID, OP, BASE_ETAG, CHANGES, STATE, NOTE, ATTEMPTS, MADE, DONE";

	private static OutboxEntry entry(ResultSet rs) throws SQLException {
		Map<String, Change> changes = new TreeMap<>();
		try {
			Values.JSON.readValue(rs.getString(6), CHANGES).forEach((f, v) -> changes.put(f, new Change(v.get(0), v.get(1))));
		} catch (IOException ex) {
			throw new SQLException("the outbox entry " + rs.getLong(1) + " is not readable: " + ex.getMessage(), ex);
		}
		Op op = switch (rs.getString(4).charAt(0)) {
			case 'C' -> Op.CREATE;
			case 'U' -> Op.UPDATE;
			default -> Op.DELETE;
		};
		return new OutboxEntry(rs.getLong(1), entity(rs.getInt(2)), UUID.fromString(rs.getString(3)), op, rs.getString(5),
				changes, OutboxEntry.State.valueOf(rs.getString(7)), rs.getString(8), rs.getInt(9), instant(rs.getTimestamp(10)),
				instant(rs.getTimestamp(11)));
	}

	/** A record's entries in order; only the unfinished ones (pending, conflict, failed) if asked. */
	List<OutboxEntry> entries(Connection c, UUID id, boolean unfinishedOnly) throws SQLException {
		List<OutboxEntry> out = new ArrayList<>();
		try (PreparedStatement ps = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM OFFLINE_OUTBOX WHERE RECORD_ID = ?"
				+ (unfinishedOnly ? " AND STATE <> 'DONE'" : "") + " ORDER BY SEQ")) {
			ps.setString(1, id.toString());
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					out.add(entry(rs));
				}
			}
		}
		return out;
	}

	OutboxEntry entry(Connection c, long seq) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM OFFLINE_OUTBOX WHERE SEQ = ?")) {
			ps.setLong(1, seq);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? entry(rs) : null;
			}
		}
	}

	/** The outbox in order (unfinished entries only if asked), from {@code afterSeq}, at most {@code limit}. */
	List<OutboxEntry> outbox(Connection c, boolean unfinishedOnly, long afterSeq, int limit) throws SQLException {
		List<OutboxEntry> out = new ArrayList<>();
		try (PreparedStatement ps = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM OFFLINE_OUTBOX WHERE SEQ > ?"
				+ (unfinishedOnly ? " AND STATE <> 'DONE'" : "") + " ORDER BY SEQ")) {
			ps.setLong(1, afterSeq);
			ps.setMaxRows(limit);
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					out.add(entry(rs));
				}
			}
		}
		return out;
	}

	Map<OutboxEntry.State, Integer> outboxCounts(Connection c) throws SQLException {
		Map<OutboxEntry.State, Integer> out = new EnumMap<>(OutboxEntry.State.class);
		try (PreparedStatement ps = c.prepareStatement("SELECT STATE, COUNT(*) FROM OFFLINE_OUTBOX WHERE STATE <> 'DONE'"
				+ " GROUP BY STATE"); ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				out.put(OutboxEntry.State.valueOf(rs.getString(1)), rs.getInt(2));
			}
		}
		return out;
	}

	/** Counts an attempt of each entry, before it is sent. */
	void attempted(Connection c, Collection<Long> seqs) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE OFFLINE_OUTBOX SET ATTEMPTS = ATTEMPTS + 1 WHERE SEQ = ?")) {
			for (long s : seqs) {
				ps.setLong(1, s);
				ps.addBatch();
			}
			ps.executeBatch();
		}
	}

	/** Moves an entry to a state with a note (DONE sets the time it ended). */
	void setEntryState(Connection c, long seq, OutboxEntry.State state, String note, Instant now) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE OFFLINE_OUTBOX SET STATE = ?, NOTE = ?, DONE = ? WHERE SEQ = ?")) {
			ps.setString(1, state.name());
			ps.setString(2, clip(note, 4000));
			ps.setTimestamp(3, state == OutboxEntry.State.DONE ? Timestamp.from(now) : null);
			ps.setLong(4, seq);
			ps.executeUpdate();
		}
	}

	void deleteEntries(Connection c, UUID recordId) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM OFFLINE_OUTBOX WHERE RECORD_ID = ?")) {
			ps.setString(1, recordId.toString());
			ps.executeUpdate();
		}
	}

	void deleteEntry(Connection c, long seq) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM OFFLINE_OUTBOX WHERE SEQ = ?")) {
			ps.setLong(1, seq);
			ps.executeUpdate();
		}
	}

	int retryFailed(Connection c) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"UPDATE OFFLINE_OUTBOX SET STATE = 'PENDING', NOTE = NULL WHERE STATE = 'FAILED'")) {
			return ps.executeUpdate();
		}
	}

	// ---------------------------------------------------------------- conflicts

	/**
	 * Adds a conflict unless the same one (kind and fields) is already kept for its outbox entry (a replay
	 * resumed after a crash meets the same conflict again); returns its id, negative when it was there.
	 */
	long addConflictOnce(Connection c, OfflineConflict k) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT ID, FIELDS FROM OFFLINE_CONFLICT WHERE OUTBOX_SEQ = ? AND KIND = ?")) {
			ps.setLong(1, k.outboxSeq());
			ps.setString(2, k.kind().name());
			String fields = fieldsJson(k);
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					if (fields.equals(rs.getString(2))) {
						return -rs.getLong(1);
					}
				}
			}
		}
		return addConflict(c, k);
	}

	void deleteConflicts(Connection c, Collection<Long> ids) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("DELETE FROM OFFLINE_CONFLICT WHERE ID = ?")) {
			for (long id : ids) {
				ps.setLong(1, id);
				ps.addBatch();
			}
			ps.executeBatch();
		}
	}

	private static String fieldsJson(OfflineConflict k) {
		List<List<String>> fields = new ArrayList<>();
		for (FieldConflict f : k.fields()) {
			fields.add(java.util.Arrays.asList(f.field(), f.base(), f.crmValue(), f.mailboxValue()));
		}
		return Values.write(fields);
	}

	long addConflict(Connection c, OfflineConflict k) throws SQLException {
		long id = sql.nextId(c, "OFFLINE_CONFLICT", "ID");
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO OFFLINE_CONFLICT (ID, ENTITY, RECORD_ID, OUTBOX_SEQ, KIND,"
				+ " FIELDS, RESOLUTIONS, POLICY, STATE, CHOICES, NOTE, AT_TIME, SETTLED)"
				+ " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)")) {
			ps.setLong(1, id);
			ps.setInt(2, code(k.entity()));
			ps.setString(3, k.recordId().toString());
			ps.setLong(4, k.outboxSeq());
			ps.setString(5, k.kind().name());
			ps.setString(6, fieldsJson(k));
			Map<String, String> res = new LinkedHashMap<>();
			k.resolutions().forEach((f, r) -> res.put(f, r.name()));
			ps.setString(7, clip(Values.write(res), 4000));
			ps.setString(8, k.policy() == null ? null : k.policy().name());
			ps.setString(9, k.state().name());
			ps.setString(10, clip(k.note(), 4000));
			ps.setTimestamp(11, Timestamp.from(k.at()));
			ps.setTimestamp(12, k.settled() == null ? null : Timestamp.from(k.settled()));
			ps.executeUpdate();
		}
		return id;
	}

	private static final String CONFLICT_COLUMNS = "ID, ENTITY, RECORD_ID, OUTBOX_SEQ, KIND, FIELDS, RESOLUTIONS, POLICY,"
			+ " STATE, NOTE, AT_TIME, SETTLED";

	private static OfflineConflict conflict(ResultSet rs) throws SQLException {
		OfflineEntity e = entity(rs.getInt(2));
		UUID id = UUID.fromString(rs.getString(3));
		List<FieldConflict> fields = new ArrayList<>();
		Map<String, Resolution> res = new LinkedHashMap<>();
		try {
			for (List<String> f : Values.JSON.readValue(rs.getString(6), FIELD_ROWS)) {
				fields.add(new FieldConflict(id, null, f.get(0), f.get(1), f.get(2), f.get(3), null, null));
			}
			Values.JSON.readValue(rs.getString(7), STRINGS).forEach((f, r) -> res.put(f, Resolution.valueOf(r)));
		} catch (IOException ex) {
			throw new SQLException("the conflict " + rs.getLong(1) + " is not readable: " + ex.getMessage(), ex);
		}
		String policy = rs.getString(8);
		return new OfflineConflict(rs.getLong(1), e, id, rs.getLong(4), OfflineConflict.Kind.valueOf(rs.getString(5)),
				fields, res, policy == null ? null : ConflictPolicy.valueOf(policy), OfflineConflict.State.valueOf(rs.getString(9)),
				rs.getString(10), instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)));
	}

	List<OfflineConflict> conflicts(Connection c, boolean openOnly) throws SQLException {
		List<OfflineConflict> out = new ArrayList<>();
		try (PreparedStatement ps = c.prepareStatement("SELECT " + CONFLICT_COLUMNS + " FROM OFFLINE_CONFLICT"
				+ (openOnly ? " WHERE STATE <> 'SETTLED'" : "") + " ORDER BY ID DESC");
				ResultSet rs = ps.executeQuery()) {
			while (rs.next()) {
				out.add(conflict(rs));
			}
		}
		return out;
	}

	OfflineConflict conflict(Connection c, long id) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT " + CONFLICT_COLUMNS + " FROM OFFLINE_CONFLICT WHERE ID = ?")) {
			ps.setLong(1, id);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? conflict(rs) : null;
			}
		}
	}

	/** The unsettled conflict an outbox entry waits on, with its choices, or null. */
	Map<String, String> choicesFor(Connection c, long seq) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT CHOICES FROM OFFLINE_CONFLICT WHERE OUTBOX_SEQ = ? AND STATE = 'CHOSEN'")) {
			ps.setLong(1, seq);
			try (ResultSet rs = ps.executeQuery()) {
				if (!rs.next() || rs.getString(1) == null) {
					return null;
				}
				return Values.JSON.readValue(rs.getString(1), STRINGS);
			}
		} catch (IOException ex) {
			throw new SQLException("the choices for the offline change " + seq + " are not readable", ex);
		}
	}

	void setConflictState(Connection c, long id, OfflineConflict.State state, Map<String, String> choices, Instant settled)
			throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"UPDATE OFFLINE_CONFLICT SET STATE = ?, CHOICES = COALESCE(?, CHOICES), SETTLED = ? WHERE ID = ?")) {
			ps.setString(1, state.name());
			ps.setString(2, choices == null ? null : Values.write(choices));
			ps.setTimestamp(3, settled == null ? null : Timestamp.from(settled));
			ps.setLong(4, id);
			ps.executeUpdate();
		}
	}

	/** Settles the chosen conflicts of an entry once its choice is written. */
	void settleChosen(Connection c, long seq, Instant now) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"UPDATE OFFLINE_CONFLICT SET STATE = 'SETTLED', SETTLED = ? WHERE OUTBOX_SEQ = ? AND STATE = 'CHOSEN'")) {
			ps.setTimestamp(1, Timestamp.from(now));
			ps.setLong(2, seq);
			ps.executeUpdate();
		}
	}

	int openConflicts(Connection c) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM OFFLINE_CONFLICT WHERE STATE <> 'SETTLED'");
				ResultSet rs = ps.executeQuery()) {
			rs.next();
			return rs.getInt(1);
		}
	}

	private static Instant instant(Timestamp t) {
		return t == null ? null : t.toInstant();
	}
}
