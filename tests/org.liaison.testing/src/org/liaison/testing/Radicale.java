package org.liaison.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;

import org.liaison.api.pim.PimAccount;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.SecretStoreException;
import org.liaison.connector.dav.internal.radicale.RadicaleServer;

/**
 * A Radicale CalDAV/CardDAV server for a test: started on 127.0.0.1 and a free port from a
 * throwaway config (htpasswd with MD5-APR1, owner_only rights, a temporary folder), one user with a
 * password made at run time. A machine without Radicale fails the test with the install hint; no
 * test is skipped. Close it to stop the server and remove its folder.
 */
public final class Radicale implements AutoCloseable {

	private final RadicaleServer server;

	private Radicale(RadicaleServer server) {
		this.server = server;
	}

	/** Starts one with the user {@code liaison}. */
	public static Radicale start() {
		return start(false);
	}

	/** Starts one on HTTPS with a self-signed certificate made for the run (trusted only once pinned). */
	public static Radicale startTls() {
		return start(true);
	}

	private static Radicale start(boolean tls) {
		if (RadicaleServer.executable() == null) {
			throw new AssertionError(RadicaleServer.INSTALL_HINT);
		}
		try {
			return new Radicale(RadicaleServer.start("liaison", tls));
		} catch (IOException e) {
			throw new UncheckedIOException("Radicale did not start: " + e.getMessage(), e);
		}
	}

	public URI url() {
		return server.url();
	}

	public int port() {
		return server.port();
	}

	public String user() {
		return server.user();
	}

	/** A copy of the user's password. */
	public char[] password() {
		return server.password();
	}

	/** Adds another user (own principal, own collections) with a new random password, returned. */
	public char[] addUser(String name) {
		try {
			return server.addUser(name);
		} catch (IOException e) {
			throw new UncheckedIOException("cannot add the Radicale user " + name + ": " + e.getMessage(), e);
		}
	}

	/** Radicale's collection folder. */
	public Path storage() {
		return server.storage();
	}

	/**
	 * An account for the user, its password put into Liaison's secure storage under
	 * {@code tests/dav/ID/password} (secure storage is unlocked for the test first).
	 */
	public PimAccount account(String id) {
		return account(id, url());
	}

	/** The same account reached through another URL (a proxy in front of this server). */
	public PimAccount account(String id, URI url) {
		TestPasswords.unlockSecureStorage();
		String key = "tests/dav/" + id + "/password";
		char[] pw = password();
		try {
			Osgi.service(SecretStore.class).put(key, pw);
		} catch (SecretStoreException e) {
			throw new AssertionError("cannot save the test password in secure storage: " + e.getMessage(), e);
		} finally {
			Arrays.fill(pw, '\0');
		}
		return new PimAccount(id, url, user(), key);
	}

	/** Radicale's own log (warnings and errors), for failure messages. */
	public String log() {
		try {
			return server.log();
		} catch (IOException e) {
			return "(no log: " + e.getMessage() + ")";
		}
	}

	@Override
	public void close() {
		server.close();
	}
}
