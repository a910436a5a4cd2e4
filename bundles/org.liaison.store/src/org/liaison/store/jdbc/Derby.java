package org.liaison.store.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

/**
 * Derby's embedded driver, loaded from the {@code derby} bundle. {@code DriverManager} refuses a
 * driver registered by another bundle's class loader, so Liaison calls {@link Driver#connect}
 * directly (BUILD-NOTES, Derby in OSGi). Outside OSGi (a child JVM in a crash test, a benchmark
 * peer) the driver comes from the class path. Every Liaison bundle that opens a Derby database
 * (the offline store, the reference CRM server) goes through here.
 */
public final class Derby {

	private static volatile Driver driver;

	private Derby() {
	}

	public static Driver driver() throws SQLException {
		Driver d = driver;
		if (d == null) {
			synchronized (Derby.class) {
				d = driver;
				if (d == null) {
					d = load();
					driver = d;
				}
			}
		}
		return d;
	}

	private static Driver load() throws SQLException {
		String cls = "org.apache.derby.iapi.jdbc.AutoloadedDriver";
		try {
			Bundle self = FrameworkUtil.getBundle(Derby.class);
			BundleContext ctx = self == null ? null : self.getBundleContext();
			Class<?> c = null;
			if (ctx != null) {
				for (Bundle b : ctx.getBundles()) {
					if ("derby".equals(b.getSymbolicName())) {
						c = b.loadClass(cls);
						break;
					}
				}
			}
			if (c == null) {
				c = Class.forName(cls);
			}
			return (Driver) c.getDeclaredConstructor().newInstance();
		} catch (ReflectiveOperationException e) {
			throw new SQLException("Apache Derby is not installed: " + e, e);
		}
	}

	public static Connection connect(String url, Properties props) throws SQLException {
		Connection c = driver().connect(url, props);
		if (c == null) {
			throw new SQLException("Derby did not accept the URL " + url.replaceAll("bootPassword=[^;]*", "bootPassword=***"));
		}
		return c;
	}

	/**
	 * Shuts a database down; Derby answers a clean shutdown with SQLState 08006, which is not an
	 * error here.
	 */
	public static void shutdown(String databaseUrl) throws SQLException {
		try {
			connect(databaseUrl + ";shutdown=true", new Properties());
		} catch (SQLException e) {
			if (!"08006".equals(e.getSQLState())) {
				throw e;
			}
		}
	}
}
