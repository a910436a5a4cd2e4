package org.liaison.store.derby;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.liaison.api.store.StoreException;
import org.liaison.store.jdbc.Derby;

/**
 * One open Derby database: a single writer connection behind a fair lock (one transaction per
 * {@link #write} call, rolled back on any failure) and a pool of reader connections that run in
 * parallel and see committed rows only (READ COMMITTED).
 */
final class Database implements AutoCloseable {

	private final String url;
	private final String label;
	private final Properties props;
	private final Connection writer;
	private final ReentrantLock writeLock = new ReentrantLock(true);
	private final LinkedBlockingDeque<Connection> idle = new LinkedBlockingDeque<>();
	private final List<Connection> readers = new ArrayList<>();
	private final ConcurrentHashMap<String, AtomicLong> ids = new ConcurrentHashMap<>();
	private volatile boolean closed;

	Database(String url, String label, Properties props) throws SQLException {
		this.url = url;
		this.label = label;
		this.props = props;
		this.writer = Derby.connect(url, props);
		writer.setAutoCommit(false);
		writer.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
		shortenLockWaits(writer);
	}

	/**
	 * Derby looks for deadlocks only after a lock wait of 20 s and gives up after 60 s by default;
	 * with one serialized writer a wait is short, so a reader/writer deadlock is found after 1 s
	 * and retried by {@link #retrying} instead of stalling the sync for 20 s.
	 */
	private static void shortenLockWaits(Connection c) throws SQLException {
		try (PreparedStatement s = c.prepareStatement("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY(?, ?)")) {
			s.setString(1, "derby.locks.deadlockTimeout");
			s.setString(2, "1");
			s.execute();
			s.setString(1, "derby.locks.waitTimeout");
			s.setString(2, "15");
			s.execute();
		}
		c.commit();
	}

	String label() {
		return label;
	}

	/**
	 * Tries of a transaction that Derby chose as the victim of a deadlock or a lock timeout. A reader
	 * scanning rows a busy writer is updating can lose several times in a row on a loaded machine
	 * (six tries were seen to run out in CI); with the pauses below ten tries span about 3 s.
	 */
	private static final int LOCK_TRIES = 10;

	/** A deadlock victim or a lock timeout: the transaction was rolled back and may simply run again. */
	private static boolean lockConflict(SQLException e) {
		for (SQLException x = e; x != null; x = x.getNextException()) {
			String state = x.getSQLState();
			if ("40001".equals(state) || "40XL1".equals(state) || "40XL2".equals(state)) {
				return true;
			}
		}
		return false;
	}

	private static void pause(int attempt) {
		try {
			// growing, capped, with jitter: two victims retrying in step would meet again
			long base = Math.min(1000, 2L << attempt);
			Thread.sleep(base / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(base / 2 + 1));
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	/** A call that may be run again. */
	@FunctionalInterface
	private interface Attempt<T> {
		T run() throws StoreException;
	}

	/** Runs {@code call}, again if Derby chose its transaction as a deadlock victim or a lock timed out. */
	private static <T> T retrying(Attempt<T> call) throws StoreException {
		for (int attempt = 1;; attempt++) {
			try {
				return call.run();
			} catch (StoreException e) {
				if (attempt >= LOCK_TRIES || !(e.getCause() instanceof SQLException se) || !lockConflict(se)) {
					throw e;
				}
				pause(attempt);
			}
		}
	}

	/**
	 * Runs {@code work} on a reader connection (auto-commit, read committed). A read that Derby
	 * chose as a deadlock victim (a reader's row locks against the writer's) is run again.
	 */
	<T> T read(SqlWork<T> work) throws StoreException {
		return retrying(() -> readOnce(work));
	}

	private <T> T readOnce(SqlWork<T> work) throws StoreException {
		check();
		Connection c = idle.pollFirst();
		try {
			if (c == null) {
				c = newReader();
			}
			return work.run(c);
		} catch (SQLException e) {
			throw StoreErrors.wrap("read", label, e);
		} finally {
			if (c != null) {
				idle.offerFirst(c);
			}
		}
	}

	/**
	 * Runs {@code work} as one transaction on the writer connection; rolls back on any failure, and
	 * runs it again if Derby chose it as a deadlock victim (so {@code work} must not have effects
	 * outside the transaction).
	 */
	<T> T write(SqlWork<T> work) throws StoreException {
		return retrying(() -> writeOnce(work));
	}

	private <T> T writeOnce(SqlWork<T> work) throws StoreException {
		check();
		writeLock.lock();
		try {
			boolean done = false;
			try {
				T result = work.run(writer);
				writer.commit();
				done = true;
				return result;
			} finally {
				if (!done) {
					try {
						writer.rollback();
					} catch (SQLException ignored) {
						// the original failure is the one to report
					}
				}
			}
		} catch (SQLException e) {
			throw StoreErrors.wrap("write", label, e);
		} finally {
			writeLock.unlock();
		}
	}

	/**
	 * The next id of a table whose key the store assigns (there is one writer per database, so a
	 * counter started from the table's maximum is enough). Call inside {@link #write}.
	 */
	long nextId(Connection c, String table, String column) throws SQLException {
		AtomicLong counter = ids.get(table);
		if (counter == null) {
			long max;
			try (PreparedStatement ps = c.prepareStatement("SELECT MAX(" + column + ") FROM " + table);
					ResultSet rs = ps.executeQuery()) {
				max = rs.next() ? rs.getLong(1) : 0;
			}
			counter = new AtomicLong(max);
			AtomicLong raced = ids.putIfAbsent(table, counter);
			if (raced != null) {
				counter = raced;
			}
		}
		return counter.incrementAndGet();
	}

	/** Forgets cached counters (after a rollback that may have used some; gaps are harmless). */
	void resetIds() {
		ids.clear();
	}

	/** A connection of its own for a read that outlives one call (a BLOB stream); the caller closes it. */
	Connection dedicated() throws StoreException {
		check();
		try {
			Connection c = Derby.connect(url, props);
			c.setAutoCommit(false);
			c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
			return c;
		} catch (SQLException e) {
			throw StoreErrors.wrap("read", label, e);
		}
	}

	private synchronized Connection newReader() throws SQLException {
		Connection c = Derby.connect(url, props);
		c.setAutoCommit(true);
		c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
		readers.add(c);
		return c;
	}

	private void check() throws StoreException {
		if (closed) {
			throw new StoreException("the database " + label + " is closed");
		}
	}

	@Override
	public synchronized void close() {
		closed = true;
		writeLock.lock();
		try {
			for (Connection c : readers) {
				closeQuietly(c);
			}
			readers.clear();
			idle.clear();
			closeQuietly(writer);
		} finally {
			writeLock.unlock();
		}
	}

	private static void closeQuietly(Connection c) {
		try {
			if (!c.isClosed()) {
				if (!c.getAutoCommit()) {
					c.rollback();
				}
				c.close();
			}
		} catch (SQLException ignored) {
			// closing anyway
		}
	}
}
