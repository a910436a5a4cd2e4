package org.liaison.store.derby;

import java.sql.SQLException;

import org.liaison.api.store.StoreException;

/** Turns JDBC failures into {@link StoreException}s that say where, never echoing a boot password. */
final class StoreErrors {

	private StoreErrors() {
	}

	static StoreException wrap(String what, String where, SQLException e) {
		String msg = e.getMessage() == null ? e.toString() : e.getMessage();
		msg = msg.replaceAll("(?i)bootPassword=[^;\\s]*", "bootPassword=***");
		return new StoreException("cannot " + what + " the database " + where + ": " + msg + " (SQLState "
				+ e.getSQLState() + ")", e);
	}
}
