package org.liaison.store.derby;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;

import org.liaison.api.store.LocalPimStore;
import org.liaison.api.store.MailStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.StoreException;
import org.liaison.api.store.SyncStateStore;
import org.liaison.store.jdbc.Derby;

/**
 * A profile's database on embedded Derby. Liaison code gets it through the
 * {@link org.liaison.api.store.OfflineStore} service, which takes the boot password from secure
 * storage; the factories here are for what runs without that service: a child JVM in a crash
 * test, a benchmark with a throwaway database, tests on an in-memory database.
 *
 * <p>A database on disk is always encrypted (Derby data encryption, AES); an unencrypted database
 * of an earlier Liaison is encrypted when it is first opened here. The boot password is passed in
 * connection properties, never in the URL, and never written anywhere.
 */
public final class DerbyProfileStore implements ProfileStore {

	static {
		// the store's queries have a few dozen shapes; keep them all compiled
		if (System.getProperty("derby.language.statementCacheSize") == null) {
			System.setProperty("derby.language.statementCacheSize", "400");
		}
		// the log is written synchronously each time its buffer fills: a tracking chunk's transaction
		// (cached headers, history) filled the default 32 KiB about fifteen times; 256 KiB, twice
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
	}

	private final String profile;
	private final String url;
	private final Database db;
	private final SyncStateTables syncState;
	private final LocalPimTables localPim;
	private final MailTables mail;
	private final java.util.Map<Class<?>, Object> extensions = new java.util.HashMap<>();

	private DerbyProfileStore(String profile, String url, Database db) {
		this.profile = profile;
		this.url = url;
		this.db = db;
		this.syncState = new SyncStateTables(db);
		this.localPim = new LocalPimTables(db);
		this.mail = new MailTables(db);
	}

	/**
	 * Opens (creating if needed) the encrypted database in {@code dir} with {@code bootPassword}, and
	 * applies the schema migrations.
	 */
	public static DerbyProfileStore open(String profile, Path dir, char[] bootPassword) throws StoreException {
		return open(profile, dir, bootPassword, Schema.CURRENT);
	}

	/** As {@link #open(String, Path, char[])}, migrating only up to {@code schemaVersion} (migration tests). */
	public static DerbyProfileStore open(String profile, Path dir, char[] bootPassword, int schemaVersion)
			throws StoreException {
		if (bootPassword == null || bootPassword.length < 8) {
			throw new StoreException("the database of " + profile + " needs a boot password of 8 characters or more");
		}
		String url = "jdbc:derby:" + dir.toAbsolutePath();
		Properties props = new Properties();
		props.setProperty("bootPassword", new String(bootPassword));
		boolean exists = Files.isRegularFile(dir.resolve("service.properties"));
		if (!exists) {
			props.setProperty("create", "true");
			props.setProperty("dataEncryption", "true");
			props.setProperty("encryptionAlgorithm", "AES/CBC/NoPadding");
		} else if (!encrypted(dir)) {
			// a database of an earlier Liaison, made before encryption at rest: encrypt it now
			props.setProperty("dataEncryption", "true");
			props.setProperty("encryptionAlgorithm", "AES/CBC/NoPadding");
		}
		try {
			Files.createDirectories(dir.toAbsolutePath().getParent());
		} catch (IOException e) {
			throw new StoreException("cannot make the folder of " + dir + ": " + e.getMessage(), e);
		}
		return start(profile, url, props, dir.toString(), schemaVersion);
	}

	/** A database in memory (tests, model-based histories): not encrypted, gone when closed. */
	public static DerbyProfileStore openInMemory(String name) throws StoreException {
		Properties props = new Properties();
		props.setProperty("create", "true");
		return start(name, "jdbc:derby:memory:" + name, props, "memory:" + name, Schema.CURRENT);
	}

	private static DerbyProfileStore start(String profile, String url, Properties props, String label,
			int schemaVersion) throws StoreException {
		Database db;
		try {
			db = new Database(url, label, props);
		} catch (SQLException e) {
			if (wrongPassword(e)) {
				throw new StoreException("cannot open the database of " + profile + " at " + label
						+ ": the boot password does not match (is secure storage the one this database was made with?)", e);
			}
			throw StoreErrors.wrap("open", label, e);
		}
		props.remove("create");
		props.remove("dataEncryption");
		props.remove("encryptionAlgorithm");
		try {
			Schema.migrate(db, schemaVersion);
		} catch (StoreException e) {
			db.close();
			throw e;
		}
		return new DerbyProfileStore(profile, url, db);
	}

	private static boolean wrongPassword(Throwable e) {
		for (Throwable t = e; t != null; t = t.getCause() != null ? t.getCause()
				: t instanceof SQLException s ? s.getNextException() : null) {
			if (t instanceof SQLException s && "XBM06".equals(s.getSQLState())
					|| String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("boot password")) {
				return true;
			}
		}
		return false;
	}

	/** Whether the database in {@code dir} is encrypted (Derby records it in service.properties). */
	public static boolean encrypted(Path dir) {
		try {
			return Files.readString(dir.resolve("service.properties"), StandardCharsets.ISO_8859_1)
					.contains("dataEncryption=true");
		} catch (IOException e) {
			return false;
		}
	}

	@Override
	public String profile() {
		return profile;
	}

	@Override
	public int schemaVersion() throws StoreException {
		return db.read(Schema::version);
	}

	@Override
	public SyncStateStore syncState() {
		return syncState;
	}

	@Override
	public LocalPimStore localPim() {
		return localPim;
	}

	@Override
	public MailStore mail() {
		return mail;
	}

	/**
	 * The tables of a {@link StoreExtension} in this database: its migration track is applied when the
	 * extension is first used on this open database, then {@link StoreExtension#open} makes its access
	 * object, which is kept for the life of the open database (one per extension class).
	 */
	public synchronized <T> T extension(StoreExtension<T> extension) throws StoreException {
		Object o = extensions.get(extension.getClass());
		if (o == null) {
			Extensions.migrate(db, extension.name(), extension.migrations());
			o = extension.open(new Extensions.Access(db));
			extensions.put(extension.getClass(), o);
		}
		@SuppressWarnings("unchecked")
		T t = (T) o;
		return t;
	}

	/** The version an extension's track is at in this database, 0 if it never ran here. */
	public int extensionVersion(String name) throws StoreException {
		return db.read(c -> Extensions.version(c, name));
	}

	/** Implemented by the handles the {@link org.liaison.api.store.OfflineStore} service gives out. */
	public interface Backed {
		DerbyProfileStore derbyStore();
	}

	/** The Derby store behind a profile store (itself, or the one an OfflineStore handle shares). */
	public static DerbyProfileStore of(ProfileStore store) throws StoreException {
		if (store instanceof DerbyProfileStore d) {
			return d;
		}
		if (store instanceof Backed b) {
			return b.derbyStore();
		}
		throw new StoreException("the profile store " + store.profile() + " is not Liaison's Derby store ("
				+ store.getClass().getName() + ")");
	}

	@Override
	public void close() throws StoreException {
		db.close();
		try {
			if (url.startsWith("jdbc:derby:memory:")) {
				Derby.connect(url + ";drop=true", new Properties());
			} else {
				Derby.shutdown(url);
			}
		} catch (SQLException e) {
			if (!"08006".equals(e.getSQLState()) && !"XJ004".equals(e.getSQLState())) {
				throw StoreErrors.wrap("close", db.label(), e);
			}
		}
	}
}
