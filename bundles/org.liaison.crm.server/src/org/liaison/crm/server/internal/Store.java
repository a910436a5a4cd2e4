package org.liaison.crm.server.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.crm.server.CrmServer;
import org.liaison.crm.server.internal.Db.Tx;
import org.liaison.crm.server.internal.Records.Ref;
import org.liaison.crm.server.internal.Schema.Entity;

/** A server's data directory opened: the database, credentials, limits; administration happens here. */
final class Store implements CrmServer.Store, CrmServer.Admin {

	static final long RETENTION_MILLIS = 90L * 24 * 3600 * 1000;

	final Db db;
	final Auth auth;
	final Throttle throttle = new Throttle();
	final Records records;
	final Schema schema;

	Store(Path dir) throws IOException {
		try {
			Files.createDirectories(dir);
			this.schema = Schema.dynamics();
			this.db = new Db(dir, schema);
		} catch (SQLException e) {
			String msg = e.getMessage();
			Throwable c = e;
			while (c.getCause() != null) {
				c = c.getCause();
				msg = c.getMessage();
			}
			throw new IOException("cannot open the CRM data in " + dir + ": " + msg
					+ (String.valueOf(msg).contains("booted") ? " (is a server already running on this folder?)" : ""), e);
		}
		this.records = new Records(schema);
		this.auth = new Auth(db);
		try {
			init();
		} catch (SQLException e) {
			db.close();
			throw new IOException("cannot initialize the CRM data in " + dir + ": " + e.getMessage(), e);
		}
	}

	private void init() throws SQLException {
		try (Tx tx = db.begin()) {
			tx.forWrite();
			if (db.meta(tx.c, "organizationid") == null) {
				String org = UUID.randomUUID().toString();
				db.putMeta(tx.c, "organizationid", org);
				db.putMeta(tx.c, "businessunitid", UUID.randomUUID().toString());
				Map<String, Object> v = new LinkedHashMap<>();
				v.put("organizationid", org);
				v.put("name", "Liaison reference organization");
				v.put("minoutlooksyncinterval", 1);
				system(tx, v, null);
				records.insert(tx.c, schema.bySet("organizations"), v);
			}
			// change tracking keeps deletions for the retention period; older tokens are refused
			long cutoff = System.currentTimeMillis() - RETENTION_MILLIS;
			long purged = 0;
			try (PreparedStatement ps = tx.c.prepareStatement("SELECT MAX(versionnumber) FROM TOMBSTONE WHERE deletedon < ?")) {
				ps.setLong(1, cutoff);
				try (ResultSet rs = ps.executeQuery()) {
					rs.next();
					purged = rs.getLong(1);
				}
			}
			if (purged > 0) {
				try (PreparedStatement ps = tx.c.prepareStatement("DELETE FROM TOMBSTONE WHERE versionnumber <= ?")) {
					ps.setLong(1, purged);
					ps.executeUpdate();
				}
				raiseFloor(tx, purged);
			}
			tx.commit();
		}
	}

	private void raiseFloor(Tx tx, long v) throws SQLException {
		String f = db.meta(tx.c, "version.floor");
		if (f == null || Long.parseLong(f) < v) {
			db.putMeta(tx.c, "version.floor", Long.toString(v));
		}
	}

	/** Fills the system columns of a new row written by the server itself. */
	void system(Tx tx, Map<String, Object> v, String by) {
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		v.put("versionnumber", tx.nextVersion());
		v.put("createdon", now);
		v.put("modifiedon", now);
		if (by != null) {
			v.put("createdby", new Ref("systemuser", by));
			v.put("modifiedby", new Ref("systemuser", by));
		}
	}

	@Override
	public CrmServer.Admin admin() {
		return this;
	}

	@Override
	public void close() {
		db.close();
	}

	private static IOException io(SQLException e) {
		return new IOException(e.getMessage(), e);
	}

	@Override
	public UUID addUser(String name, String email, char[] password, boolean administrator) throws IOException {
		try (Tx tx = db.begin()) {
			tx.forWrite();
			UUID id = createUser(tx, name, email, administrator, null);
			String[] h = Auth.hash(password, auth.random());
			try (PreparedStatement ps = tx.c.prepareStatement(
					"UPDATE CREDENTIAL SET salt = ?, hash = ?, iterations = ? WHERE userid = ?")) {
				ps.setString(1, h[0]);
				ps.setString(2, h[1]);
				ps.setInt(3, Auth.ITERATIONS);
				ps.setString(4, id.toString());
				ps.executeUpdate();
			}
			tx.commit();
			return id;
		} catch (SQLException e) {
			throw io(e);
		}
	}

	/** Makes a user, its credential row (without a password) and, with an address, its one mailbox. */
	UUID createUser(Tx tx, String name, String email, boolean administrator, UUID fixedId) throws SQLException, IOException {
		if (name == null || name.isBlank() || name.length() > 256) {
			throw new IOException("a user needs a name (up to 256 characters)");
		}
		try (PreparedStatement ps = tx.c.prepareStatement("SELECT userid FROM CREDENTIAL WHERE LOWER(username) = ?")) {
			ps.setString(1, name.toLowerCase(java.util.Locale.ROOT));
			try (ResultSet rs = ps.executeQuery()) {
				if (rs.next()) {
					throw new IOException("a user named " + name + " exists already");
				}
			}
		}
		Entity mailboxes = schema.bySet("mailboxes");
		if (email != null) {
			if (!email.matches("[^@\\s]+@[^@\\s]+")) {
				throw new IOException("not an email address: " + email);
			}
			try (PreparedStatement ps = tx.c.prepareStatement("SELECT \"mailboxid\" FROM " + mailboxes.table()
					+ " WHERE \"emailaddress_lc\" = ?")) {
				ps.setString(1, email.toLowerCase(java.util.Locale.ROOT));
				try (ResultSet rs = ps.executeQuery()) {
					if (rs.next()) {
						throw new IOException("the address " + email + " is already another user's mailbox; an address can be"
								+ " in at most one user's mailbox");
					}
				}
			}
		}
		UUID id = fixedId != null ? fixedId : UUID.randomUUID();
		Map<String, Object> u = new LinkedHashMap<>();
		u.put("systemuserid", id.toString());
		u.put("fullname", name);
		u.put("domainname", name);
		u.put("internalemailaddress", email);
		u.put("isdisabled", Boolean.FALSE);
		system(tx, u, id.toString());
		records.insert(tx.c, schema.bySet("systemusers"), u);
		try (PreparedStatement ps = tx.c
				.prepareStatement("INSERT INTO CREDENTIAL (userid, username, isadmin) VALUES (?, ?, ?)")) {
			ps.setString(1, id.toString());
			ps.setString(2, name);
			ps.setBoolean(3, administrator);
			ps.executeUpdate();
		}
		if (email != null) {
			String mb = UUID.nameUUIDFromBytes(("mailbox:" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("mailboxid", mb);
			m.put("name", name);
			m.put("emailaddress", email);
			m.put("regardingobjectid", new Ref("systemuser", id.toString()));
			m.put("ownerid", new Ref("systemuser", id.toString()));
			m.put("incomingemaildeliverymethod", 1);
			m.put("outgoingemaildeliverymethod", 1);
			m.put("actdeliverymethod", 0);
			m.put("incomingemailfilteringmethod", 1);
			system(tx, m, id.toString());
			records.insert(tx.c, mailboxes, m);
			Map<String, Object> link = new LinkedHashMap<>();
			link.put("defaultmailbox", new Ref("mailbox", mb));
			records.update(tx.c, schema.bySet("systemusers"), id.toString(), link);
		}
		return id;
	}

	@Override
	public void setPassword(String name, char[] password) throws IOException {
		String[] h = Auth.hash(password, auth.random());
		try (Tx tx = db.begin()) {
			tx.forWrite();
			try (PreparedStatement ps = tx.c.prepareStatement(
					"UPDATE CREDENTIAL SET salt = ?, hash = ?, iterations = ? WHERE LOWER(username) = LOWER(?)")) {
				ps.setString(1, h[0]);
				ps.setString(2, h[1]);
				ps.setInt(3, Auth.ITERATIONS);
				ps.setString(4, name);
				if (ps.executeUpdate() == 0) {
					throw new IOException("no user named " + name);
				}
			}
			tx.commit();
		} catch (SQLException e) {
			throw io(e);
		}
	}

	@Override
	public CrmServer.Application addApplication(String name, boolean administrator) throws IOException {
		String secret = auth.newSecret();
		String[] h = Auth.hash(secret.toCharArray(), auth.random());
		UUID client = UUID.randomUUID();
		try (Tx tx = db.begin()) {
			tx.forWrite();
			UUID user = createUser(tx, "app:" + name, null, administrator, null);
			try (PreparedStatement ps = tx.c.prepareStatement(
					"INSERT INTO APP (clientid, name, salt, hash, iterations, userid) VALUES (?, ?, ?, ?, ?, ?)")) {
				ps.setString(1, client.toString());
				ps.setString(2, "app:" + name);
				ps.setString(3, h[0]);
				ps.setString(4, h[1]);
				ps.setInt(5, Auth.ITERATIONS);
				ps.setString(6, user.toString());
				ps.executeUpdate();
			}
			tx.commit();
			return new CrmServer.Application(client.toString(), secret.toCharArray(), user);
		} catch (SQLException e) {
			throw io(e);
		}
	}

	@Override
	public int seed(long seed, int size, LocalDate today, IProgressMonitor monitor) throws IOException {
		try {
			return new Seeder(this, seed, size, today).run(monitor);
		} catch (SQLException e) {
			throw io(e);
		}
	}

	@Override
	public void injectFaults(int status, int count, int retryAfterSeconds) {
		if (status != 429 && status != 503) {
			throw new IllegalArgumentException("only 429 and 503 can be injected, not " + status);
		}
		throttle.inject(status, count, retryAfterSeconds);
	}

	@Override
	public void expireChangeTracking() throws IOException {
		try (Tx tx = db.begin()) {
			raiseFloor(tx, tx.nextVersion());
			try (PreparedStatement ps = tx.c.prepareStatement("DELETE FROM TOMBSTONE")) {
				ps.executeUpdate();
			}
			tx.commit();
		} catch (SQLException e) {
			throw io(e);
		}
	}

	@Override
	public void expireAccessTokens() {
		auth.expireAll();
	}

	@Override
	public void serviceProtection(int requests, Duration window) {
		throttle.limit = requests;
		throttle.windowMillis = window.toMillis();
	}

	@Override
	public long count(String entitySet) throws IOException {
		Entity e = schema.bySet(entitySet);
		if (e == null) {
			throw new IOException("no entity set " + entitySet);
		}
		try (Tx tx = db.begin(); var s = tx.c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM " + e.table())) {
			rs.next();
			long n = rs.getLong(1);
			tx.commit();
			return n;
		} catch (SQLException ex) {
			throw io(ex);
		}
	}
}
