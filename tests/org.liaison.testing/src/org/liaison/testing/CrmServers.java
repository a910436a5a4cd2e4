package org.liaison.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.security.TrustService;
import org.liaison.crm.server.CrmServer;

/**
 * Liaison's reference CRM server for tests: one per test run, over real HTTPS on a free port of
 * 127.0.0.1, its data in a temporary folder, its certificate pinned as a user would after comparing the
 * fingerprint; users with passwords made at run time.
 */
public final class CrmServers {

	/** A user of the shared server. */
	public record User(String name, UUID id, String password) {
		@Override
		public String toString() {
			return name + " (" + id + ")";
		}
	}

	private static CrmServer.Running server;
	private static final Map<String, User> users = new HashMap<>();

	private CrmServers() {
	}

	/** The shared server, started on first use (secure storage unlocked with a run-time password). */
	public static synchronized CrmServer.Running shared() {
		if (server == null) {
			TestPasswords.unlockSecureStorage();
			try {
				server = start(CrmServer.Options.defaults(Files.createTempDirectory("liaison-crm")));
			} catch (IOException e) {
				throw new UncheckedIOException("the reference CRM server did not start: " + e.getMessage(), e);
			}
		}
		return server;
	}

	/** Starts a server with these options and pins its certificate. */
	public static CrmServer.Running start(CrmServer.Options options) throws IOException {
		CrmServer.Running s = Osgi.service(CrmServer.class).start(options);
		URI root = s.serviceRoot();
		if (s.certificateFingerprint() != null) {
			Osgi.service(TrustService.class).pin(root.getHost(), root.getPort(), s.certificateFingerprint());
		}
		return s;
	}

	/** A user of the shared server, made on first use with a random password. */
	public static synchronized User user(String name, boolean administrator) {
		return users.computeIfAbsent(name, n -> {
			String pw = TestPasswords.random();
			try {
				UUID id = shared().admin().addUser(n, n + "@example.test", pw.toCharArray(), administrator);
				return new User(n, id, pw);
			} catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		});
	}

	/** A signed-in client of the shared server. */
	public static CrmClient client(User user, CrmLimits limits) throws CrmException {
		return client(shared(), user, limits);
	}

	/** A signed-in client of a server. */
	public static CrmClient client(CrmServer.Running s, User user, CrmLimits limits) throws CrmException {
		return Osgi.service(CrmConnector.class).connect(new CrmEndpoint(s.serviceRoot(),
				new CrmAuth.Password(s.tokenEndpoint(), "liaison-tests", user.name(), user.password().toCharArray()), limits));
	}
}
