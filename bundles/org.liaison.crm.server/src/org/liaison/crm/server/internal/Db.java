package org.liaison.crm.server.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

import org.liaison.crm.server.internal.Schema.Attr;
import org.liaison.crm.server.internal.Schema.Entity;
import org.liaison.crm.server.internal.Schema.Type;
import org.liaison.store.jdbc.Derby;

/**
 * The server's Derby database: one table per entity, tombstones for change tracking, credentials.
 * Writers are serialized by one lock, so that version numbers are committed in the order they are
 * given out and a delta token never skips a write that commits late. Readers run beside them.
 */
final class Db implements AutoCloseable {

	/** A unit of work on one connection; write operations call {@link #forWrite()} first. */
	final class Tx implements AutoCloseable {
		final Connection c;
		private boolean writing;
		private boolean done;
		private long lastVersion;
		/** Records found to exist in this unit of work (lookups checked once per batch, not once per write). */
		final java.util.Set<String> known = new java.util.HashSet<>();

		Tx(Connection c) {
			this.c = c;
		}

		/** Statements prepared in this unit of work, by their text: a batch inserts hundreds of rows alike. */
		private final java.util.Map<String, PreparedStatement> statements = new java.util.HashMap<>();

		/** A prepared statement kept until the unit of work ends (do not close it). */
		PreparedStatement prepare(String sql) throws SQLException {
			PreparedStatement ps = statements.get(sql);
			if (ps == null) {
				ps = c.prepareStatement(sql);
				statements.put(sql, ps);
			}
			return ps;
		}

		/** Takes the write lock (once) for the rest of this unit of work. */
		void forWrite() {
			if (!writing) {
				writeLock.lock();
				writing = true;
			}
		}

		/** A fresh version number for a row written in this unit of work. */
		long nextVersion() {
			forWrite();
			lastVersion = ++assigned;
			return lastVersion;
		}

		Savepoint savepoint() throws SQLException {
			return c.setSavepoint();
		}

		void rollbackTo(Savepoint sp) throws SQLException {
			c.rollback(sp);
		}

		/** Lets go of a savepoint no longer needed (the work after it stays in the transaction). */
		void releaseSavepoint(Savepoint sp) throws SQLException {
			c.releaseSavepoint(sp);
		}

		void commit() throws SQLException {
			try {
				c.commit();
				if (writing && lastVersion > committed) {
					committed = lastVersion;
				}
			} finally {
				finish();
			}
		}

		@Override
		public void close() {
			if (!done) {
				try {
					c.rollback();
				} catch (SQLException e) {
					// the connection is dropped below
				}
				finish();
			}
		}

		private void finish() {
			done = true;
			for (PreparedStatement ps : statements.values()) {
				try {
					ps.close();
				} catch (SQLException e) {
					// the connection is reused or dropped below
				}
			}
			statements.clear();
			if (writing) {
				writing = false;
				writeLock.unlock();
			}
			release(c);
		}
	}

	final Schema schema;
	private final String url;
	private final ReentrantLock writeLock = new ReentrantLock(true);
	private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(16);
	private long assigned;
	private volatile long committed;

	Db(Path dir, Schema schema) throws SQLException {
		this.schema = schema;
		if (System.getProperty("derby.storage.pageCacheSize") == null) {
			System.setProperty("derby.storage.pageCacheSize", "8000");
		}
		// a $batch of 500 emails is one transaction whose log filled the default 32 KiB buffer (each
		// time a synchronous write) about seventy times; 256 KiB, nine
		if (System.getProperty("derby.storage.logBufferSize") == null) {
			System.setProperty("derby.storage.logBufferSize", "262144");
		}
		// Derby starts a new log file each 1 MiB: every switch allocates fresh log buffers and writes the
		// new file out in full, synchronously. Tracking 10,000 emails switched the CRM's log about ten times
		// and the store's about twelve; at 16 MiB, once at most (the log kept since the last checkpoint,
		// which comes every 10 MiB, stays the same size)
		if (System.getProperty("derby.storage.logSwitchInterval") == null) {
			System.setProperty("derby.storage.logSwitchInterval", "16777216");
		}
		if (System.getProperty("derby.stream.error.file") == null) {
			System.setProperty("derby.stream.error.file", dir.resolve("derby.log").toString());
		}
		boolean fresh = !Files.exists(dir.resolve("db"));
		this.url = "jdbc:derby:" + dir.resolve("db").toAbsolutePath();
		Properties p = new Properties();
		if (fresh) {
			// byte-wise collation: text comparisons are made case-insensitive in the queries (LOWER, and
			// lower-cased generated columns for looked-up text), as a Dynamics organization's collation is
			try (Connection c = Derby.connect(url + ";create=true", p)) {
				createTables(c);
			}
		}
		Connection c = connect();
		try {
			long max = 0;
			try (Statement s = c.createStatement()) {
				for (Entity e : schema.entities()) {
					try (ResultSet rs = s.executeQuery("SELECT MAX(\"versionnumber\") FROM " + e.table())) {
						rs.next();
						max = Math.max(max, rs.getLong(1));
					}
				}
				try (ResultSet rs = s.executeQuery("SELECT MAX(versionnumber) FROM TOMBSTONE")) {
					rs.next();
					max = Math.max(max, rs.getLong(1));
				}
			}
			String floor = meta(c, "version.floor");
			if (floor != null) {
				max = Math.max(max, Long.parseLong(floor));
			}
			assigned = max;
			committed = max;
			c.commit();
		} catch (SQLException e) {
			c.rollback();
			c.close();
			throw e;
		}
		release(c);
	}

	private void createTables(Connection c) throws SQLException {
		try (Statement s = c.createStatement()) {
			for (Entity e : schema.entities()) {
				StringBuilder b = new StringBuilder("CREATE TABLE ").append(e.table())
						.append(" (seq BIGINT GENERATED ALWAYS AS IDENTITY");
				for (Attr a : e.attrs.values()) {
					b.append(", ").append(q(a.column())).append(' ').append(a.sqlType());
					if (a.name.equals(e.key)) {
						b.append(" NOT NULL PRIMARY KEY");
					}
					if (a.polymorphic()) {
						b.append(", ").append(q(a.typeColumn())).append(" VARCHAR(64)");
					}
					if (a.lookedUp()) {
						b.append(", ").append(q(a.lowerColumn())).append(' ').append(a.sqlType())
								.append(" GENERATED ALWAYS AS (LOWER(").append(q(a.column())).append("))");
					}
				}
				s.execute(b.append(')').toString());
				if (!e.set.equals(Schema.PARTY_SET)) {
					// parties are read through their activity, never paged or tracked on their own
					s.execute("CREATE INDEX " + e.table() + "_V ON " + e.table() + " (\"versionnumber\")");
					s.execute("CREATE UNIQUE INDEX " + e.table() + "_S ON " + e.table() + " (seq)");
				}
				for (String col : indexed(e)) {
					s.execute("CREATE INDEX " + e.table() + "_" + col.toUpperCase(java.util.Locale.ROOT) + " ON "
							+ e.table() + " (" + q(col) + ")");
				}
			}
			s.execute("CREATE TABLE TOMBSTONE (entityset VARCHAR(64) NOT NULL, id CHAR(36) NOT NULL, "
					+ "versionnumber BIGINT NOT NULL, ownerid CHAR(36), deletedon BIGINT NOT NULL)");
			s.execute("CREATE INDEX TOMBSTONE_V ON TOMBSTONE (entityset, versionnumber)");
			s.execute("CREATE TABLE META (k VARCHAR(64) NOT NULL PRIMARY KEY, v VARCHAR(4000))");
			s.execute("CREATE TABLE CREDENTIAL (userid CHAR(36) NOT NULL PRIMARY KEY, username VARCHAR(256) NOT NULL, "
					+ "salt VARCHAR(64), hash VARCHAR(128), iterations INT, isadmin BOOLEAN NOT NULL)");
			s.execute("CREATE UNIQUE INDEX CREDENTIAL_U ON CREDENTIAL (username)");
			s.execute("CREATE TABLE APP (clientid CHAR(36) NOT NULL PRIMARY KEY, name VARCHAR(256), salt VARCHAR(64), "
					+ "hash VARCHAR(128), iterations INT, userid CHAR(36) NOT NULL)");
			s.execute("CREATE TABLE REFRESH (tokenhash CHAR(64) NOT NULL PRIMARY KEY, userid CHAR(36) NOT NULL, "
					+ "clientid VARCHAR(256), expires BIGINT NOT NULL)");
		}
	}

	private static List<String> indexed(Entity e) {
		List<String> out = new ArrayList<>();
		for (Attr a : e.attrs.values()) {
			if (a.name.equals(e.key) || a.type == Type.MEMO) {
				continue;
			}
			if (a.type == Type.LOOKUP && !a.name.equals("createdby") && !a.name.equals("modifiedby")) {
				out.add(a.column());
			} else if (a.lookedUp()) {
				out.add(a.lowerColumn());
			}
		}
		return out;
	}

	static String q(String column) {
		return '"' + column + '"';
	}

	private Connection connect() throws SQLException {
		Connection c = Derby.connect(url, new Properties());
		c.setAutoCommit(false);
		c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
		return c;
	}

	private Connection borrow() throws SQLException {
		Connection c = idle.poll();
		return c != null ? c : connect();
	}

	private void release(Connection c) {
		try {
			if (c.isClosed()) {
				return;
			}
			if (!idle.offer(c)) {
				c.close();
			}
		} catch (SQLException e) {
			// dropped
		}
	}

	Tx begin() throws SQLException {
		return new Tx(borrow());
	}

	/** The version of the last committed write: the delta token of a read that starts now. */
	long committedVersion() {
		return committed;
	}

	String meta(Connection c, String key) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT v FROM META WHERE k = ?")) {
			ps.setString(1, key);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? rs.getString(1) : null;
			}
		}
	}

	void putMeta(Connection c, String key, String value) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE META SET v = ? WHERE k = ?")) {
			ps.setString(1, value);
			ps.setString(2, key);
			if (ps.executeUpdate() == 0) {
				try (PreparedStatement ins = c.prepareStatement("INSERT INTO META (k, v) VALUES (?, ?)")) {
					ins.setString(1, key);
					ins.setString(2, value);
					ins.executeUpdate();
				}
			}
		}
	}

	@Override
	public void close() {
		writeLock.lock();
		try {
			Connection c;
			while ((c = idle.poll()) != null) {
				try {
					c.close();
				} catch (SQLException e) {
					// closing anyway
				}
			}
			try {
				Derby.shutdown(url);
			} catch (SQLException e) {
				// already down
			}
		} finally {
			writeLock.unlock();
		}
	}
}
