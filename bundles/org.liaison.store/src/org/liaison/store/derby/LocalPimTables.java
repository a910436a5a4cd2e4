package org.liaison.store.derby;

import static org.liaison.store.derby.Codec.data;
import static org.liaison.store.derby.Codec.instant;
import static org.liaison.store.derby.Codec.uuid;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.store.DuplicateItemException;
import org.liaison.api.store.LocalChange;
import org.liaison.api.store.LocalCollection;
import org.liaison.api.store.LocalItem;
import org.liaison.api.store.LocalPimStore;
import org.liaison.api.store.StaleVersionException;
import org.liaison.api.store.StoreConsumer;
import org.liaison.api.store.StoreException;

/**
 * {@link LocalPimStore} on PIM_COLLECTION and PIM_ITEM. An item's href is its ident; every write
 * takes the collection's next revision as the item's version; a delete keeps the row, marked, so
 * that a listing since a revision can report it.
 */
final class LocalPimTables implements LocalPimStore {

	private static final String ITEM_COLUMNS = "HREF, IDENT, VERSION, DATA, MODIFIED";

	private final Database db;

	LocalPimTables(Database db) {
		this.db = db;
	}

	@Override
	public List<LocalCollection> collections() throws StoreException {
		return db.read(c -> {
			List<LocalCollection> out = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT ID, KIND, DISPLAY_NAME, REVISION FROM PIM_COLLECTION ORDER BY ID");
					ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					out.add(collection(rs));
				}
			}
			return out;
		});
	}

	private static LocalCollection collection(ResultSet rs) throws SQLException {
		return new LocalCollection(rs.getString(1), ItemKind.valueOf(rs.getString(2)), rs.getString(3), rs.getLong(4));
	}

	@Override
	public Optional<LocalCollection> collection(String id) throws StoreException {
		return db.read(c -> find(c, id));
	}

	private static Optional<LocalCollection> find(Connection c, String id) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT ID, KIND, DISPLAY_NAME, REVISION FROM PIM_COLLECTION WHERE ID = ?")) {
			ps.setString(1, id);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? Optional.of(collection(rs)) : Optional.empty();
			}
		}
	}

	@Override
	public LocalCollection ensureCollection(String id, ItemKind kind, String displayName) throws StoreException {
		return db.write(c -> {
			Optional<LocalCollection> have = find(c, id);
			if (have.isPresent()) {
				if (have.get().kind() != kind) {
					throw new StoreException("the local collection " + id + " holds " + have.get().kind() + ", not " + kind);
				}
				return have.get();
			}
			try (PreparedStatement ps = c.prepareStatement(
					"INSERT INTO PIM_COLLECTION (ID, KIND, DISPLAY_NAME, REVISION, PURGED) VALUES (?, ?, ?, 0, 0)")) {
				ps.setString(1, id);
				ps.setString(2, kind.name());
				Codec.setString(ps, 3, displayName);
				ps.executeUpdate();
			}
			return new LocalCollection(id, kind, displayName, 0);
		});
	}

	@Override
	public void deleteCollection(String id) throws StoreException {
		db.write(c -> {
			try (PreparedStatement items = c.prepareStatement("DELETE FROM PIM_ITEM WHERE COLLECTION = ?");
					PreparedStatement coll = c.prepareStatement("DELETE FROM PIM_COLLECTION WHERE ID = ?")) {
				items.setString(1, id);
				items.executeUpdate();
				coll.setString(1, id);
				coll.executeUpdate();
			}
			return null;
		});
	}

	private static LocalItem item(String collection, ResultSet rs) throws SQLException {
		return new LocalItem(collection, rs.getString(1), uuid(rs.getString(2)), rs.getLong(3), data(rs.getString(4)),
				instant(rs.getTimestamp(5)));
	}

	@Override
	public Optional<LocalItem> get(String collection, String href) throws StoreException {
		return db.read(c -> get(c, collection, href));
	}

	private static Optional<LocalItem> get(Connection c, String collection, String href) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT " + ITEM_COLUMNS
				+ " FROM PIM_ITEM WHERE COLLECTION = ? AND HREF = ? AND DELETED = FALSE")) {
			ps.setString(1, collection);
			ps.setString(2, href);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? Optional.of(item(collection, rs)) : Optional.empty();
			}
		}
	}

	@Override
	public List<LocalItem> get(String collection, Collection<String> hrefs) throws StoreException {
		if (hrefs.isEmpty()) {
			return List.of();
		}
		List<String> asked = new ArrayList<>(hrefs);
		return db.read(c -> {
			Map<String, LocalItem> found = new HashMap<>();
			Codec.inList(c, "SELECT " + ITEM_COLUMNS + " FROM PIM_ITEM WHERE COLLECTION = ? AND DELETED = FALSE AND HREF IN (",
					")", asked, rs -> {
						LocalItem it = item(collection, rs);
						found.put(it.href(), it);
					}, collection);
			List<LocalItem> out = new ArrayList<>(found.size());
			for (String h : asked) {
				LocalItem it = found.get(h);
				if (it != null) {
					out.add(it);
				}
			}
			return out;
		});
	}

	@Override
	public Optional<LocalItem> byIdent(String collection, UUID ident) throws StoreException {
		return get(collection, ident.toString());
	}

	@Override
	public long changes(String collection, long since, StoreConsumer<LocalChange> sink) throws StoreException {
		return db.read(c -> {
			long revision;
			long purged;
			try (PreparedStatement ps = c.prepareStatement("SELECT REVISION, PURGED FROM PIM_COLLECTION WHERE ID = ?")) {
				ps.setString(1, collection);
				try (ResultSet rs = ps.executeQuery()) {
					if (!rs.next()) {
						throw new StoreException("no local collection " + collection);
					}
					revision = rs.getLong(1);
					purged = rs.getLong(2);
				}
			}
			if (since > 0 && since < purged) {
				throw new StaleVersionException("deletions in " + collection + " up to revision " + purged
						+ " were purged: list again from the start", Long.toString(revision));
			}
			String sql = since <= 0
					? "SELECT HREF, VERSION, DELETED FROM PIM_ITEM WHERE COLLECTION = ? AND DELETED = FALSE AND VERSION <= ?"
					: "SELECT HREF, VERSION, DELETED FROM PIM_ITEM WHERE COLLECTION = ? AND VERSION > ? AND VERSION <= ?";
			try (PreparedStatement ps = c.prepareStatement(sql)) {
				ps.setFetchSize(1000);
				ps.setString(1, collection);
				if (since <= 0) {
					ps.setLong(2, revision);
				} else {
					ps.setLong(2, since);
					ps.setLong(3, revision);
				}
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						sink.accept(new LocalChange(rs.getString(1), rs.getLong(2), rs.getBoolean(3)));
					}
				}
			}
			return revision;
		});
	}

	@Override
	public int count(String collection) throws StoreException {
		return db.read(c -> {
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT COUNT(*) FROM PIM_ITEM WHERE COLLECTION = ? AND DELETED = FALSE")) {
				ps.setString(1, collection);
				try (ResultSet rs = ps.executeQuery()) {
					rs.next();
					return rs.getInt(1);
				}
			}
		});
	}

	/** Takes the collection's next revision (inside a write). */
	private static long nextRevision(Connection c, String collection, int count) throws SQLException, StoreException {
		try (PreparedStatement up = c.prepareStatement("UPDATE PIM_COLLECTION SET REVISION = REVISION + ? WHERE ID = ?")) {
			up.setInt(1, count);
			up.setString(2, collection);
			if (up.executeUpdate() != 1) {
				throw new StoreException("no local collection " + collection);
			}
		}
		try (PreparedStatement ps = c.prepareStatement("SELECT REVISION FROM PIM_COLLECTION WHERE ID = ?")) {
			ps.setString(1, collection);
			try (ResultSet rs = ps.executeQuery()) {
				rs.next();
				return rs.getLong(1) - count + 1;
			}
		}
	}

	private static ItemKind kindOf(Connection c, String collection) throws SQLException, StoreException {
		return find(c, collection).orElseThrow(() -> new StoreException("no local collection " + collection)).kind();
	}

	private static void checkKind(Connection c, String collection, ItemData data) throws SQLException, StoreException {
		ItemKind kind = kindOf(c, collection);
		if (kind != data.kind()) {
			throw new StoreException("the local collection " + collection + " holds " + kind + ", not " + data.kind());
		}
	}

	@Override
	public LocalItem create(String collection, UUID ident, ItemData data) throws StoreException {
		return createAll(collection, List.of(new LocalItem(collection, null, ident, 0, data, null))).get(0);
	}

	@Override
	public List<LocalItem> createAll(String collection, List<LocalItem> items) throws StoreException {
		if (items.isEmpty()) {
			return List.of();
		}
		return db.write(c -> {
			ItemKind kind = kindOf(c, collection);
			for (LocalItem it : items) {
				if (it.data().kind() != kind) {
					throw new StoreException("the local collection " + collection + " holds " + kind + ", not "
							+ it.data().kind());
				}
			}
			long rev = nextRevision(c, collection, items.size());
			Timestamp now = Timestamp.from(Instant.now());
			List<LocalItem> out = new ArrayList<>(items.size());
			// the common case first: all new, one batch
			List<LocalItem> all = new ArrayList<>(items.size());
			for (LocalItem it : items) {
				all.add(new LocalItem(collection, it.ident().toString(), it.ident(), rev++, it.data(), now.toInstant()));
			}
			java.sql.Savepoint before = c.setSavepoint();
			try {
				insert(c, all, now);
				return all;
			} catch (SQLException e) {
				if (!"23505".equals(e.getSQLState())) {
					throw e;
				}
				c.rollback(before); // some ident is there already: one by one below
			}
			rev -= items.size();
			// a deleted item's row is revived by a create with its ident; live duplicates are refused
			List<LocalItem> revive = new ArrayList<>();
			List<LocalItem> fresh = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT DELETED FROM PIM_ITEM WHERE COLLECTION = ? AND HREF = ?")) {
				for (LocalItem it : items) {
					String href = it.ident().toString();
					LocalItem made = new LocalItem(collection, href, it.ident(), rev++, it.data(), now.toInstant());
					ps.setString(1, collection);
					ps.setString(2, href);
					try (ResultSet rs = ps.executeQuery()) {
						if (!rs.next()) {
							fresh.add(made);
						} else if (rs.getBoolean(1)) {
							revive.add(made);
						} else {
							throw new DuplicateItemException("an item with ident " + it.ident() + " is in " + collection
									+ " already", href);
						}
					}
					out.add(made);
				}
			}
			if (!fresh.isEmpty()) {
				try {
					insert(c, fresh, now);
				} catch (SQLException e) {
					if ("23505".equals(e.getSQLState())) {
						throw new DuplicateItemException("two items with one ident in one create of " + collection, null);
					}
					throw e;
				}
			}
			for (LocalItem it : revive) {
				write(c, it, now);
			}
			return out;
		});
	}

	private static void insert(Connection c, List<LocalItem> items, Timestamp now) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO PIM_ITEM (COLLECTION, HREF, IDENT, VERSION,"
				+ " DELETED, DATA, MODIFIED) VALUES (?, ?, ?, ?, FALSE, ?, ?)")) {
			for (LocalItem it : items) {
				ps.setString(1, it.collection());
				ps.setString(2, it.href());
				ps.setString(3, it.ident().toString());
				ps.setLong(4, it.version());
				ps.setString(5, it.data().toText());
				ps.setTimestamp(6, now);
				ps.addBatch();
			}
			ps.executeBatch();
		}
	}

	private static void write(Connection c, LocalItem it, Timestamp now) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE PIM_ITEM SET VERSION = ?, DELETED = FALSE, DATA = ?,"
				+ " MODIFIED = ? WHERE COLLECTION = ? AND HREF = ?")) {
			ps.setLong(1, it.version());
			ps.setString(2, it.data().toText());
			ps.setTimestamp(3, now);
			ps.setString(4, it.collection());
			ps.setString(5, it.href());
			ps.executeUpdate();
		}
	}

	@Override
	public LocalItem update(String collection, String href, long expectedVersion, ItemData data)
			throws StoreException {
		return db.write(c -> {
			checkKind(c, collection, data);
			Optional<LocalItem> current = get(c, collection, href);
			if (current.isEmpty()) {
				throw new StaleVersionException(href + " is not in " + collection, null);
			}
			if (current.get().version() != expectedVersion) {
				throw new StaleVersionException(href + " in " + collection + " is at version " + current.get().version()
						+ ", not " + expectedVersion, Long.toString(current.get().version()));
			}
			Timestamp now = Timestamp.from(Instant.now());
			LocalItem it = new LocalItem(collection, href, current.get().ident(), nextRevision(c, collection, 1), data,
					now.toInstant());
			write(c, it, now);
			return it;
		});
	}

	@Override
	public void delete(String collection, String href, long expectedVersion) throws StoreException {
		db.write(c -> {
			Optional<LocalItem> current = get(c, collection, href);
			if (current.isEmpty()) {
				return null;
			}
			if (current.get().version() != expectedVersion) {
				throw new StaleVersionException(href + " in " + collection + " is at version " + current.get().version()
						+ ", not " + expectedVersion, Long.toString(current.get().version()));
			}
			try (PreparedStatement ps = c.prepareStatement("UPDATE PIM_ITEM SET VERSION = ?, DELETED = TRUE, DATA = NULL,"
					+ " MODIFIED = CURRENT_TIMESTAMP WHERE COLLECTION = ? AND HREF = ?")) {
				ps.setLong(1, nextRevision(c, collection, 1));
				ps.setString(2, collection);
				ps.setString(3, href);
				ps.executeUpdate();
			}
			return null;
		});
	}

	@Override
	public void purgeDeletions(String collection, long revision) throws StoreException {
		db.write(c -> {
			try (PreparedStatement del = c.prepareStatement(
					"DELETE FROM PIM_ITEM WHERE COLLECTION = ? AND DELETED = TRUE AND VERSION <= ?");
					PreparedStatement up = c.prepareStatement(
							"UPDATE PIM_COLLECTION SET PURGED = CASE WHEN PURGED > ? THEN PURGED ELSE ? END WHERE ID = ?")) {
				del.setString(1, collection);
				del.setLong(2, revision);
				del.executeUpdate();
				up.setLong(1, revision);
				up.setLong(2, revision);
				up.setString(3, collection);
				up.executeUpdate();
			}
			return null;
		});
	}
}
