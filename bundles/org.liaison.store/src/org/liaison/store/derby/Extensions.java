package org.liaison.store.derby;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.liaison.api.store.StoreException;

/** Applies the migration tracks of {@link StoreExtension}s, recorded in {@code LIAISON_EXTENSION}. */
final class Extensions {

	private Extensions() {
	}

	static void migrate(Database db, String name, List<Schema.Migration> migrations) throws StoreException {
		if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
			throw new StoreException("not a name for a store extension: " + name);
		}
		for (int i = 0; i < migrations.size(); i++) {
			if (migrations.get(i).version() != i + 1) {
				throw new StoreException("the migrations of the store extension " + name + " are not numbered 1, 2, 3...");
			}
		}
		db.write(c -> {
			if (!exists(c)) {
				try (Statement s = c.createStatement()) {
					s.executeUpdate("CREATE TABLE LIAISON_EXTENSION (NAME VARCHAR(100) NOT NULL, VERSION INT NOT NULL,"
							+ " DESCRIPTION VARCHAR(500), APPLIED TIMESTAMP NOT NULL, PRIMARY KEY (NAME, VERSION))");
				}
			}
			return null;
		});
		int at = db.read(c -> version(c, name));
		if (at > migrations.size()) {
			throw new StoreException("the tables of " + name + " in " + db.label() + " are at version " + at
					+ ", newer than this Liaison knows (" + migrations.size() + "): use the newer Liaison that wrote them");
		}
		for (Schema.Migration m : migrations) {
			if (m.version() <= at) {
				continue;
			}
			db.write(c -> {
				try (Statement s = c.createStatement()) {
					for (String sql : m.statements()) {
						s.executeUpdate(sql);
					}
				}
				try (PreparedStatement ps = c.prepareStatement(
						"INSERT INTO LIAISON_EXTENSION (NAME, VERSION, DESCRIPTION, APPLIED) VALUES (?, ?, ?, CURRENT_TIMESTAMP)")) {
					ps.setString(1, name);
					ps.setInt(2, m.version());
					ps.setString(3, m.description());
					ps.executeUpdate();
				}
				return null;
			});
		}
	}

	private static boolean exists(Connection c) throws SQLException {
		try (ResultSet rs = c.getMetaData().getTables(null, null, "LIAISON_EXTENSION", null)) {
			return rs.next();
		}
	}

	/** The version a track is at, 0 if it was never migrated. */
	static int version(Connection c, String name) throws SQLException {
		if (!exists(c)) {
			return 0;
		}
		try (PreparedStatement ps = c.prepareStatement("SELECT MAX(VERSION) FROM LIAISON_EXTENSION WHERE NAME = ?")) {
			ps.setString(1, name);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? rs.getInt(1) : 0;
			}
		}
	}

	/** {@link StoreExtension.Sql} over the store's database. */
	record Access(Database db) implements StoreExtension.Sql {
		@Override
		public <R> R read(StoreExtension.Work<R> work) throws StoreException {
			return db.read(work::run);
		}

		@Override
		public <R> R write(StoreExtension.Work<R> work) throws StoreException {
			return db.write(work::run);
		}

		@Override
		public long nextId(Connection c, String table, String column) throws SQLException {
			return db.nextId(c, table, column);
		}

		@Override
		public String label() {
			return db.label();
		}
	}
}
