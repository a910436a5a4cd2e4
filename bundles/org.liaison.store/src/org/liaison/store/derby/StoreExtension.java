package org.liaison.store.derby;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import org.liaison.api.store.StoreException;

/**
 * A bundle's own tables in a profile's database, beside the store's own. An extension brings its
 * migrations, numbered from 1 on a track of its own (rows of {@code LIAISON_EXTENSION} keyed by the
 * track's name), so that it adds tables without touching the store's migration list and without
 * coordinating version numbers with it; the rules of {@link Schema} hold for each track (applied in
 * order, each in one transaction with the row that records it, never edited once released).
 *
 * <p>{@link DerbyProfileStore#extension(StoreExtension)} migrates the track when the extension is first
 * used on an open database and hands {@link #open(Sql)} the same single-writer, pooled-reader access
 * the store itself uses.
 *
 * @param <T> what the extension makes over the database (its DAO)
 */
public interface StoreExtension<T> {

	/** The migration track's name: letters, digits, '.', '_' and '-' (e.g. {@code offline}). */
	String name();

	/** The track's migrations, oldest first, numbered from 1 without gaps. */
	List<Schema.Migration> migrations();

	/** Makes the extension's access object over the migrated database. */
	T open(Sql sql) throws StoreException;

	/** Work on one connection, inside {@link Sql#read} or {@link Sql#write}. */
	@FunctionalInterface
	interface Work<R> {
		R run(Connection c) throws SQLException, StoreException;
	}

	/** The database as an extension sees it. */
	interface Sql {

		/** Runs {@code work} on a reader connection (auto-commit, read committed), in parallel with others. */
		<R> R read(Work<R> work) throws StoreException;

		/** Runs {@code work} as one transaction on the single writer connection; rolls back on any failure. */
		<R> R write(Work<R> work) throws StoreException;

		/** The next id of a table whose key the extension assigns; call inside {@link #write}. */
		long nextId(Connection c, String table, String column) throws SQLException;

		/** The database, for messages. */
		String label();

		/**
		 * Runs {@code head + "?, ?, ..." + tail} for the keys, a chunk at a time (chunks of a few sizes, so
		 * that Derby compiles few statements), with {@code leading} bound first; every row goes to
		 * {@code rows}. The store's own IN lists go the same way.
		 */
		default void inList(Connection c, String head, String tail, List<String> keys, Rows rows, Object... leading)
				throws SQLException {
			Codec.inList(c, head, tail, keys, rows::row, leading);
		}
	}

	/** Handles one row of a result. */
	@FunctionalInterface
	interface Rows {
		void row(ResultSet rs) throws SQLException;
	}
}
