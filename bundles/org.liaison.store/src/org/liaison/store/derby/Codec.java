package org.liaison.store.derby;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.liaison.api.model.ItemData;
import org.liaison.api.sync.Side;

/** Column encodings shared by the tables. */
final class Codec {

	private Codec() {
	}

	static String side(Side s) {
		return s == Side.CRM ? "C" : "M";
	}

	static Side side(String s) {
		return "C".equals(s) ? Side.CRM : Side.MAILBOX;
	}

	static String uuid(UUID u) {
		return u == null ? null : u.toString();
	}

	static UUID uuid(String s) {
		return s == null ? null : UUID.fromString(s.trim());
	}

	static Timestamp ts(Instant i) {
		return i == null ? null : Timestamp.from(i);
	}

	static Instant instant(Timestamp t) {
		return t == null ? null : t.toInstant();
	}

	static String text(ItemData d) {
		return d == null ? null : d.toText();
	}

	static ItemData data(String text) {
		return text == null ? null : ItemData.parse(text);
	}

	static void setString(PreparedStatement ps, int i, String v) throws SQLException {
		if (v == null) {
			ps.setNull(i, Types.VARCHAR);
		} else {
			ps.setString(i, v);
		}
	}

	static void setClob(PreparedStatement ps, int i, String v) throws SQLException {
		if (v == null) {
			ps.setNull(i, Types.CLOB);
		} else {
			ps.setString(i, v);
		}
	}

	static void setTs(PreparedStatement ps, int i, Instant v) throws SQLException {
		if (v == null) {
			ps.setNull(i, Types.TIMESTAMP);
		} else {
			ps.setTimestamp(i, Timestamp.from(v));
		}
	}

	static Instant instant(ResultSet rs, String col) throws SQLException {
		return instant(rs.getTimestamp(col));
	}

	/** IN lists are cut into pieces of this many parameters. */
	static final int IN_CHUNK = 256;

	/** Handles one row of a result. */
	@FunctionalInterface
	interface Rows {
		void row(ResultSet rs) throws SQLException;
	}

	/**
	 * Runs {@code head + "?, ?, ..." + tail} for the keys, a chunk at a time, with {@code leading}
	 * bound first; every row of every chunk goes to {@code rows}.
	 */
	static void inList(java.sql.Connection c, String head, String tail, List<String> keys, Rows rows,
			Object... leading) throws SQLException {
		for (List<String> chunk : chunks(keys)) {
			try (PreparedStatement ps = c.prepareStatement(head + marks(chunk.size()) + tail)) {
				int i = 1;
				for (Object o : leading) {
					ps.setObject(i++, o);
				}
				for (String k : chunk) {
					ps.setString(i++, k);
				}
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						rows.row(rs);
					}
				}
			}
		}
	}

	/**
	 * Cuts an IN list into pieces of at most {@value #IN_CHUNK}, each padded (by repeating its last
	 * value, which IN ignores) to a power of two: so that a query has only a few shapes, which Derby
	 * compiles once and keeps in its statement cache.
	 */
	static <T> List<List<T>> chunks(List<T> all) {
		List<List<T>> out = new ArrayList<>();
		for (int i = 0; i < all.size(); i += IN_CHUNK) {
			List<T> piece = new ArrayList<>(all.subList(i, Math.min(all.size(), i + IN_CHUNK)));
			int size = Integer.highestOneBit(piece.size());
			if (size < piece.size()) {
				size <<= 1;
			}
			T last = piece.get(piece.size() - 1);
			while (piece.size() < size) {
				piece.add(last);
			}
			out.add(piece);
		}
		return out;
	}

	/** "?, ?, ?" for an IN list of {@code n} parameters. */
	static String marks(int n) {
		StringBuilder b = new StringBuilder(n * 3);
		for (int i = 0; i < n; i++) {
			b.append(i == 0 ? "?" : ",?");
		}
		return b.toString();
	}

	/**
	 * Rows of text cells as one string: cells separated by tab, rows by newline, with backslash,
	 * tab and newline escaped and null written as {@code \0}.
	 */
	static String rows(List<List<String>> rows) {
		StringBuilder b = new StringBuilder();
		for (List<String> row : rows) {
			if (b.length() > 0) {
				b.append('\n');
			}
			for (int i = 0; i < row.size(); i++) {
				if (i > 0) {
					b.append('\t');
				}
				String v = row.get(i);
				if (v == null) {
					b.append("\\0");
					continue;
				}
				for (int k = 0; k < v.length(); k++) {
					char ch = v.charAt(k);
					switch (ch) {
						case '\\' -> b.append("\\\\");
						case '\t' -> b.append("\\t");
						case '\n' -> b.append("\\n");
						case '\r' -> b.append("\\r");
						default -> b.append(ch);
					}
				}
			}
		}
		return b.toString();
	}

	static List<List<String>> rows(String text) {
		List<List<String>> out = new ArrayList<>();
		if (text == null || text.isEmpty()) {
			return out;
		}
		List<String> row = new ArrayList<>();
		StringBuilder cell = new StringBuilder();
		boolean nullCell = false;
		for (int i = 0; i <= text.length(); i++) {
			char ch = i == text.length() ? '\n' : text.charAt(i);
			if (ch == '\\' && i + 1 < text.length()) {
				char n = text.charAt(++i);
				switch (n) {
					case '0' -> nullCell = true;
					case 't' -> cell.append('\t');
					case 'n' -> cell.append('\n');
					case 'r' -> cell.append('\r');
					default -> cell.append(n);
				}
			} else if (ch == '\t' || ch == '\n') {
				row.add(nullCell ? null : cell.toString());
				cell.setLength(0);
				nullCell = false;
				if (ch == '\n') {
					out.add(row);
					row = new ArrayList<>();
				}
			} else {
				cell.append(ch);
			}
		}
		return out;
	}
}
