package org.liaison.store.derby;

import java.sql.Connection;
import java.sql.SQLException;

import org.liaison.api.store.StoreException;

/** Work on one connection, inside {@link Database#read} or {@link Database#write}. */
@FunctionalInterface
interface SqlWork<T> {
	T run(Connection c) throws SQLException, StoreException;
}
