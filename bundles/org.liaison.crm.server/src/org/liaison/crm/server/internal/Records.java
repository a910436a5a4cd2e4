package org.liaison.crm.server.internal;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.liaison.crm.server.internal.Schema.Attr;
import org.liaison.crm.server.internal.Schema.Entity;
import org.liaison.crm.server.internal.Schema.Type;

/**
 * Rows in and out of the entity tables. A row is a map from attribute name to its value: String,
 * Integer, Long, BigDecimal, Boolean, {@link Instant}, {@link LocalDate}, or a {@link Ref} for lookups.
 */
final class Records {

	/** A lookup's value: the target's logical name and id. */
	record Ref(String logical, String id) {
	}

	final Schema schema;

	Records(Schema schema) {
		this.schema = schema;
	}

	static void bind(PreparedStatement ps, int index, Attr a, Object v) throws SQLException {
		switch (a.type) {
			case GUID, STRING -> ps.setString(index, (String) v);
			case MEMO -> {
				if (v == null) {
					ps.setNull(index, Types.CLOB);
				} else {
					ps.setString(index, (String) v);
				}
			}
			case LOOKUP -> ps.setString(index, v == null ? null : ((Ref) v).id());
			case INT, CHOICE -> {
				if (v == null) {
					ps.setNull(index, Types.INTEGER);
				} else {
					ps.setInt(index, (Integer) v);
				}
			}
			case DECIMAL -> ps.setBigDecimal(index, (BigDecimal) v);
			case BOOL -> {
				if (v == null) {
					ps.setNull(index, Types.BOOLEAN);
				} else {
					ps.setBoolean(index, (Boolean) v);
				}
			}
			case DATETIME -> {
				if (v == null) {
					ps.setNull(index, Types.BIGINT);
				} else {
					ps.setLong(index, ((Instant) v).toEpochMilli());
				}
			}
			case BIGINT -> {
				if (v == null) {
					ps.setNull(index, Types.BIGINT);
				} else {
					ps.setLong(index, (Long) v);
				}
			}
			case DATE -> {
				if (v == null) {
					ps.setNull(index, Types.INTEGER);
				} else {
					ps.setInt(index, (int) ((LocalDate) v).toEpochDay());
				}
			}
		}
	}

	/** Binds a filter parameter (already in stored form). */
	static void bindParam(PreparedStatement ps, int index, Object v) throws SQLException {
		if (v instanceof String s) {
			ps.setString(index, s);
		} else if (v instanceof Integer n) {
			ps.setInt(index, n);
		} else if (v instanceof Long n) {
			ps.setLong(index, n);
		} else if (v instanceof BigDecimal d) {
			ps.setBigDecimal(index, d);
		} else if (v instanceof Boolean b) {
			ps.setBoolean(index, b);
		} else {
			throw new IllegalArgumentException("cannot bind " + v);
		}
	}

	static String columns(Entity e, Collection<Attr> attrs, String alias) {
		StringBuilder b = new StringBuilder(alias).append(".seq");
		for (Attr a : attrs) {
			b.append(", ").append(alias).append('.').append(Db.q(a.column()));
			if (a.polymorphic()) {
				b.append(", ").append(alias).append('.').append(Db.q(a.typeColumn()));
			}
		}
		return b.toString();
	}

	/** Reads a row selected with {@link #columns}; the internal sequence goes under "@seq". */
	Map<String, Object> read(ResultSet rs, Collection<Attr> attrs) throws SQLException {
		Map<String, Object> row = new LinkedHashMap<>();
		int i = 1;
		row.put("@seq", rs.getLong(i++));
		for (Attr a : attrs) {
			Object v = switch (a.type) {
				case GUID, STRING, MEMO -> rs.getString(i);
				case LOOKUP -> {
					String id = rs.getString(i);
					String logical = a.polymorphic() ? rs.getString(i + 1) : null;
					if (id == null) {
						yield null;
					}
					if (logical == null) {
						logical = schema.bySet(a.targets.get(0)).logical;
					}
					yield new Ref(logical, id);
				}
				case INT, CHOICE -> {
					int n = rs.getInt(i);
					yield rs.wasNull() ? null : n;
				}
				case DECIMAL -> rs.getBigDecimal(i);
				case BOOL -> {
					boolean b = rs.getBoolean(i);
					yield rs.wasNull() ? null : b;
				}
				case DATETIME -> {
					long n = rs.getLong(i);
					yield rs.wasNull() ? null : Instant.ofEpochMilli(n);
				}
				case BIGINT -> {
					long n = rs.getLong(i);
					yield rs.wasNull() ? null : n;
				}
				case DATE -> {
					int n = rs.getInt(i);
					yield rs.wasNull() ? null : LocalDate.ofEpochDay(n);
				}
			};
			i += a.polymorphic() ? 2 : 1;
			row.put(a.name, v);
		}
		return row;
	}

	/** Fixes a lookup Ref's logical name for single-target lookups (stored without a type column). */
	Ref normalize(Attr a, Ref r) {
		if (r == null || a.polymorphic()) {
			return r;
		}
		return new Ref(schema.bySet(a.targets.get(0)).logical, r.id());
	}

	Map<String, Object> get(Connection c, Entity e, String id) throws SQLException {
		return get(c, e, id, e.attrs.values());
	}

	/** The row with only the given attributes, or null. */
	Map<String, Object> get(Connection c, Entity e, String id, Collection<Attr> all) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT " + columns(e, all, "t") + " FROM " + e.table() + " t WHERE t." + Db.q(e.key) + " = ?")) {
			ps.setString(1, id);
			try (ResultSet rs = ps.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				Map<String, Object> row = read(rs, all);
				fixRefs(e, row);
				return row;
			}
		}
	}

	void fixRefs(Entity e, Map<String, Object> row) {
		for (Attr a : e.attrs.values()) {
			if (a.type == Type.LOOKUP && row.get(a.name) instanceof Ref r) {
				row.put(a.name, normalize(a, r));
			}
		}
	}

	boolean exists(Connection c, Entity e, String id) throws SQLException {
		try (PreparedStatement ps = c
				.prepareStatement("SELECT 1 FROM " + e.table() + " WHERE " + Db.q(e.key) + " = ?")) {
			ps.setString(1, id);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next();
			}
		}
	}

	/**
	 * As Dynamics: a record made without a state is active (statecode 0) with the first status of
	 * that state.
	 */
	static Map<String, Object> withDefaultState(Entity e, Map<String, Object> values) {
		Schema.Attr state = e.attrs.get("statecode");
		Schema.Attr status = e.attrs.get("statuscode");
		if (state == null || values.get("statecode") != null) {
			return values;
		}
		Map<String, Object> out = new java.util.LinkedHashMap<>(values);
		out.put("statecode", 0);
		if (status != null && out.get("statuscode") == null && status.choices != null && !status.choices.isEmpty()) {
			out.put("statuscode", java.util.Collections.min(status.choices));
		}
		return out;
	}

	void insert(Connection c, Entity e, Map<String, Object> given) throws SQLException {
		List<Object[]> binds = new ArrayList<>();
		try (PreparedStatement ps = c.prepareStatement(insertSql(e, given, binds))) {
			bindAll(ps, binds);
			ps.executeUpdate();
		}
	}

	/** The same, on a statement the unit of work keeps (the rows of a batch share a few statements). */
	void insert(Db.Tx tx, Entity e, Map<String, Object> given) throws SQLException {
		List<Object[]> binds = new ArrayList<>();
		PreparedStatement ps = tx.prepare(insertSql(e, given, binds));
		bindAll(ps, binds);
		ps.executeUpdate();
	}

	private String insertSql(Entity e, Map<String, Object> given, List<Object[]> binds) {
		Map<String, Object> values = withDefaultState(e, given);
		StringBuilder cols = new StringBuilder();
		StringBuilder marks = new StringBuilder();
		for (Map.Entry<String, Object> v : values.entrySet()) {
			Attr a = e.attr(v.getKey());
			if (cols.length() > 0) {
				cols.append(", ");
				marks.append(", ");
			}
			cols.append(Db.q(a.column()));
			marks.append('?');
			binds.add(new Object[] { a, v.getValue() });
			if (a.polymorphic()) {
				cols.append(", ").append(Db.q(a.typeColumn()));
				marks.append(", ?");
				binds.add(new Object[] { null, v.getValue() == null ? null : ((Ref) v.getValue()).logical() });
			}
		}
		return "INSERT INTO " + e.table() + " (" + cols + ") VALUES (" + marks + ")";
	}

	void update(Connection c, Entity e, String id, Map<String, Object> values) throws SQLException {
		StringBuilder set = new StringBuilder();
		List<Object[]> binds = new ArrayList<>();
		for (Map.Entry<String, Object> v : values.entrySet()) {
			Attr a = e.attr(v.getKey());
			if (set.length() > 0) {
				set.append(", ");
			}
			set.append(Db.q(a.column())).append(" = ?");
			binds.add(new Object[] { a, v.getValue() });
			if (a.polymorphic()) {
				set.append(", ").append(Db.q(a.typeColumn())).append(" = ?");
				binds.add(new Object[] { null, v.getValue() == null ? null : ((Ref) v.getValue()).logical() });
			}
		}
		try (PreparedStatement ps = c.prepareStatement(
				"UPDATE " + e.table() + " SET " + set + " WHERE " + Db.q(e.key) + " = ?")) {
			int n = bindAll(ps, binds);
			ps.setString(n, id);
			ps.executeUpdate();
		}
	}

	private static int bindAll(PreparedStatement ps, List<Object[]> binds) throws SQLException {
		int i = 1;
		for (Object[] b : binds) {
			if (b[0] == null) {
				ps.setString(i++, (String) b[1]);
			} else {
				bind(ps, i++, (Attr) b[0], b[1]);
			}
		}
		return i;
	}

	void delete(Connection c, Entity e, String id, String owner, long version) throws SQLException {
		try (PreparedStatement ps = c
				.prepareStatement("DELETE FROM " + e.table() + " WHERE " + Db.q(e.key) + " = ?")) {
			ps.setString(1, id);
			ps.executeUpdate();
		}
		try (PreparedStatement ps = c.prepareStatement(
				"INSERT INTO TOMBSTONE (entityset, id, versionnumber, ownerid, deletedon) VALUES (?, ?, ?, ?, ?)")) {
			ps.setString(1, e.set);
			ps.setString(2, id);
			ps.setLong(3, version);
			ps.setString(4, owner);
			ps.setLong(5, System.currentTimeMillis());
			ps.executeUpdate();
		}
		if (e.activity()) {
			deleteParties(c, id);
		}
	}

	void deleteParties(Connection c, String activityId) throws SQLException {
		Entity p = schema.bySet(Schema.PARTY_SET);
		try (PreparedStatement ps = c.prepareStatement(
				"DELETE FROM " + p.table() + " WHERE " + Db.q(p.attr("activityid").column()) + " = ?")) {
			ps.setString(1, activityId);
			ps.executeUpdate();
		}
	}

	/** The parties of the given activities, in insertion order, keyed by activity id. */
	Map<String, List<Map<String, Object>>> parties(Connection c, List<String> activityIds) throws SQLException {
		Map<String, List<Map<String, Object>>> out = new HashMap<>();
		if (activityIds.isEmpty()) {
			return out;
		}
		Entity p = schema.bySet(Schema.PARTY_SET);
		Collection<Attr> all = p.attrs.values();
		String col = Db.q(p.attr("activityid").column());
		for (int from = 0; from < activityIds.size(); from += 200) {
			List<String> chunk = activityIds.subList(from, Math.min(activityIds.size(), from + 200));
			StringBuilder in = new StringBuilder();
			for (int k = 0; k < chunk.size(); k++) {
				in.append(k == 0 ? "?" : ", ?");
			}
			try (PreparedStatement ps = c.prepareStatement("SELECT " + columns(p, all, "t") + " FROM " + p.table()
					+ " t WHERE t." + col + " IN (" + in + ") ORDER BY t.seq")) {
				for (int k = 0; k < chunk.size(); k++) {
					ps.setString(k + 1, chunk.get(k));
				}
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						Map<String, Object> row = read(rs, all);
						fixRefs(p, row);
						out.computeIfAbsent(((Ref) row.get("activityid")).id(), k -> new ArrayList<>()).add(row);
					}
				}
			}
		}
		return out;
	}
}
