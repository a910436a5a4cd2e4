package org.liaison.store.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.liaison.api.env.LiaisonHome;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.StoreException;
import org.liaison.store.jdbc.Derby;
import org.osgi.service.component.annotations.Component;

/** {@link OfflineStore} on embedded Derby: one database per profile under Liaison's home. */
@Component(service = OfflineStore.class)
public class DerbyOfflineStore implements OfflineStore {

	static {
		// Derby's own log goes next to the databases, not into the working directory.
		if (System.getProperty("derby.stream.error.file") == null) {
			Path log = LiaisonHome.resolve("logs", "derby.log");
			try {
				Files.createDirectories(log.getParent());
				System.setProperty("derby.stream.error.file", log.toString());
			} catch (java.io.IOException e) {
				// Derby falls back to derby.log in the working directory
			}
		}
	}

	@Override
	public ProfileStore open(String profile) throws StoreException {
		if (!profile.matches("[A-Za-z0-9._-]+")) {
			throw new StoreException("a profile name may hold letters, digits, '.', '_' and '-' only: " + profile);
		}
		Path dir = LiaisonHome.resolve("profiles", profile, "db");
		try {
			Files.createDirectories(dir.getParent());
			Connection c = Derby.connect("jdbc:derby:" + dir + ";create=true", new Properties());
			try (Statement s = c.createStatement()) {
				if (!tableExists(c, "LIAISON_SCHEMA")) {
					s.executeUpdate("CREATE TABLE LIAISON_SCHEMA (VERSION INT NOT NULL)");
					s.executeUpdate("INSERT INTO LIAISON_SCHEMA VALUES (1)");
				}
			}
			return new DerbyProfileStore(profile, dir, c);
		} catch (java.io.IOException | SQLException e) {
			throw new StoreException("cannot open the database of profile " + profile + " at " + dir + ": " + e.getMessage(), e);
		}
	}

	static boolean tableExists(Connection c, String table) throws SQLException {
		try (ResultSet rs = c.getMetaData().getTables(null, null, table, null)) {
			return rs.next();
		}
	}

	static final class DerbyProfileStore implements ProfileStore {
		private final String profile;
		private final Path dir;
		private final Connection connection;

		DerbyProfileStore(String profile, Path dir, Connection connection) {
			this.profile = profile;
			this.dir = dir;
			this.connection = connection;
		}

		@Override
		public String profile() {
			return profile;
		}

		@Override
		public int schemaVersion() throws StoreException {
			try (Statement s = connection.createStatement();
					ResultSet rs = s.executeQuery("SELECT MAX(VERSION) FROM LIAISON_SCHEMA")) {
				return rs.next() ? rs.getInt(1) : 0;
			} catch (SQLException e) {
				throw new StoreException("cannot read the schema version of " + dir + ": " + e.getMessage(), e);
			}
		}

		@Override
		public org.liaison.api.store.SyncStateStore syncState() {
			throw new UnsupportedOperationException("the sync state tables land next (issue 3)");
		}

		@Override
		public org.liaison.api.store.LocalPimStore localPim() {
			throw new UnsupportedOperationException("the local PIM tables land next (issue 3)");
		}

		@Override
		public org.liaison.api.store.MailStore mail() {
			throw new UnsupportedOperationException("the mail tables land next (issue 3)");
		}

		@Override
		public void close() throws StoreException {
			try {
				connection.close();
				Derby.shutdown("jdbc:derby:" + dir);
			} catch (SQLException e) {
				throw new StoreException("cannot close the database of " + profile + ": " + e.getMessage(), e);
			}
		}
	}
}
