package org.liaison.store.internal;

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
 * directly (BUILD-NOTES, Derby in OSGi).
 */
final class DerbyDriver {

	private static volatile Driver driver;

	private DerbyDriver() {
	}

	static Driver get() throws SQLException {
		Driver d = driver;
		if (d == null) {
			synchronized (DerbyDriver.class) {
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
			Bundle self = FrameworkUtil.getBundle(DerbyDriver.class);
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

	static Connection connect(String url, Properties props) throws SQLException {
		Connection c = get().connect(url, props);
		if (c == null) {
			throw new SQLException("Derby did not accept the URL " + url.replaceAll("bootPassword=[^;]*", "bootPassword=***"));
		}
		return c;
	}
}
