package org.liaison.crm.server;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Liaison's reference CRM server: the Dynamics 365 Web API dialect over HTTPS, backed by Derby, so
 * that Liaison runs, demos and is tested end to end with no outside service.
 */
@ProviderType
public interface CrmServer {

	/** The base path of the Web API. */
	String API_PATH = "/api/data/v9.2/";

	/**
	 * How to run a server.
	 *
	 * @param dataDirectory where the database (and the TLS key store) live; made if missing
	 * @param host the address to listen on ({@code 127.0.0.1} unless asked)
	 * @param port the port, 0 for a free one
	 * @param plainHttp plain HTTP instead of HTTPS: only on a loopback address, only when asked
	 * @param ephemeralCertificate a certificate kept only in memory for this run (tests, benchmarks),
	 *        instead of the key store in the data directory whose password is in secure storage
	 * @param requestLimit service protection: requests per user per {@code window}
	 * @param window the service protection window
	 * @param maxBodyBytes the largest request body accepted
	 */
	record Options(Path dataDirectory, String host, int port, boolean plainHttp, boolean ephemeralCertificate,
			int requestLimit, Duration window, long maxBodyBytes) {

		public static Options defaults(Path dataDirectory) {
			return new Options(dataDirectory, "127.0.0.1", 0, false, false, 6000, Duration.ofMinutes(5), 32L << 20);
		}

		public Options port(int p) {
			return new Options(dataDirectory, host, p, plainHttp, ephemeralCertificate, requestLimit, window, maxBodyBytes);
		}

		public Options host(String h) {
			return new Options(dataDirectory, h, port, plainHttp, ephemeralCertificate, requestLimit, window, maxBodyBytes);
		}

		public Options plain() {
			return new Options(dataDirectory, host, port, true, ephemeralCertificate, requestLimit, window, maxBodyBytes);
		}

		public Options ephemeral() {
			return new Options(dataDirectory, host, port, plainHttp, true, requestLimit, window, maxBodyBytes);
		}

		public Options limit(int requests, Duration per) {
			return new Options(dataDirectory, host, port, plainHttp, ephemeralCertificate, requests, per, maxBodyBytes);
		}

		public Options maxBody(long bytes) {
			return new Options(dataDirectory, host, port, plainHttp, ephemeralCertificate, requestLimit, window, bytes);
		}
	}

	/** An application registration for the client-credentials grant; the secret is shown once. */
	record Application(String clientId, char[] clientSecret, UUID userId) {
	}

	/** Administration of a server's data: users, applications, sample data, and switches for tests. */
	interface Admin {

		/** Adds a user who signs in with {@code password}, with the user's one mailbox at {@code email}. */
		UUID addUser(String name, String email, char[] password, boolean administrator) throws IOException;

		/** Sets a user's password. */
		void setPassword(String name, char[] password) throws IOException;

		/** Registers an application (client credentials) acting as a new application user. */
		Application addApplication(String name, boolean administrator) throws IOException;

		/**
		 * Generates a sample organization: users, accounts, contacts, leads, opportunities and activities,
		 * the same for the same {@code seed}, {@code size} and {@code today}.
		 *
		 * @return the number of records made
		 */
		int seed(long seed, int size, java.time.LocalDate today, IProgressMonitor monitor) throws IOException;

		/** The next {@code count} API calls answer {@code status} (429 or 503) with this Retry-After. */
		void injectFaults(int status, int count, int retryAfterSeconds);

		/** Makes every delta token given out so far invalid (as when change tracking data expired). */
		void expireChangeTracking() throws IOException;

		/** Ends every access token (clients must refresh). */
		void expireAccessTokens();

		/** Changes the service protection limit. */
		void serviceProtection(int requests, Duration window);

		/** Number of records in an entity set (for checks and figures). */
		long count(String entitySet) throws IOException;
	}

	/** A running server. */
	interface Running extends AutoCloseable {
		/** The service root, e.g. {@code https://127.0.0.1:8443/api/data/v9.2/}. */
		URI serviceRoot();

		/** The OAuth2 token endpoint. */
		URI tokenEndpoint();

		/** SHA-256 fingerprint of the server certificate (colon-separated hex), or null for plain HTTP. */
		String certificateFingerprint();

		Admin admin();

		@Override
		void close();
	}

	/** An opened data directory without a listener, for administration. */
	interface Store extends AutoCloseable {
		Admin admin();

		@Override
		void close();
	}

	/** Starts a server. */
	Running start(Options options) throws IOException;

	/** Opens a data directory for administration (the server must not be running on it). */
	Store open(Path dataDirectory) throws IOException;
}
