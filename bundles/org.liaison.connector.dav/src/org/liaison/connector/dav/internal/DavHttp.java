package org.liaison.connector.dav.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

import org.liaison.api.security.TrustService;
import org.liaison.api.security.UntrustedCertificateException;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.TransientException;

/**
 * The HTTP side of one DAV account, on the JDK's {@link HttpClient}: TLS 1.2+ through
 * {@link TrustService} (plain HTTP only to a loopback server), Basic authentication, a timeout on
 * every request, and retries with exponential backoff for what is worth retrying (a dropped
 * connection, a timeout, 429/502/503/504 with Retry-After). Every request is idempotent as sent
 * (reads, and conditional writes), so repeating one is safe.
 */
final class DavHttp {

	static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
	static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
	static final int ATTEMPTS = 4;
	static final long FIRST_BACKOFF_MILLIS = 250;

	/** A response whose body has been read into a string. */
	record Reply(int status, String body, Map<String, java.util.List<String>> headers, URI uri) {
		String header(String name) {
			for (Map.Entry<String, java.util.List<String>> e : headers.entrySet()) {
				if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
					return e.getValue().get(0);
				}
			}
			return null;
		}

		boolean ok() {
			return status >= 200 && status < 300;
		}
	}

	/** Reads a streamed body; the stream is closed by the caller of {@link #stream}. */
	interface BodyReader<T> {
		T read(int status, InputStream body, HttpResponse<InputStream> response) throws IOException, SyncException;
	}

	private final HttpClient client;
	private final String authorization;
	private final String accountName;
	private final Duration timeout;

	DavHttp(URI base, String user, char[] password, TrustService trust, String accountName) throws SyncException {
		this(base, user, password, trust, accountName, null);
	}

	/** @param timeout the request timeout, or null for {@link #REQUEST_TIMEOUT} */
	DavHttp(URI base, String user, char[] password, TrustService trust, String accountName, Duration timeout)
			throws SyncException {
		this.accountName = accountName;
		this.timeout = timeout == null ? REQUEST_TIMEOUT : timeout;
		HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(timeout == null || timeout.compareTo(CONNECT_TIMEOUT) > 0 ? CONNECT_TIMEOUT : timeout).followRedirects(HttpClient.Redirect.NEVER);
		String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(java.util.Locale.ROOT);
		if (scheme.equals("https")) {
			if (trust == null) {
				throw new SyncException("no TrustService: cannot open TLS connections to " + base.getHost());
			}
			int port = base.getPort() < 0 ? 443 : base.getPort();
			b.sslContext(trust.sslContext(base.getHost(), port));
			SSLParameters p = new SSLParameters();
			p.setProtocols(TrustService.PROTOCOLS);
			b.sslParameters(p);
		} else if (scheme.equals("http")) {
			if (!loopback(base.getHost())) {
				throw new SyncException("refusing plain HTTP to " + base.getHost() + ": use https:// (TLS 1.2 or newer)");
			}
		} else {
			throw new SyncException("not an http(s) URL: " + base);
		}
		client = b.build();
		if (user != null && !user.isEmpty()) {
			byte[] raw = (user + ":" + (password == null ? "" : new String(password))).getBytes(StandardCharsets.UTF_8);
			authorization = "Basic " + Base64.getEncoder().encodeToString(raw);
			java.util.Arrays.fill(raw, (byte) 0);
		} else {
			authorization = null;
		}
	}

	static boolean loopback(String host) {
		if (host == null) {
			return false;
		}
		if (host.equalsIgnoreCase("localhost")) {
			return true;
		}
		try {
			return InetAddress.getByName(host).isLoopbackAddress();
		} catch (IOException e) {
			return false;
		}
	}

	HttpRequest.Builder request(URI uri, String method, String body, String contentType) {
		HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(timeout)
				.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
						: HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		if (contentType != null) {
			r.header("Content-Type", contentType);
		}
		if (authorization != null) {
			r.header("Authorization", authorization);
		}
		return r;
	}

	/** Sends and reads the whole body as text, retrying transient failures. */
	Reply send(HttpRequest request, String what) throws SyncException {
		return stream(request, what, (status, in, resp) -> new Reply(status,
				new String(in.readAllBytes(), StandardCharsets.UTF_8), resp.headers().map(), resp.uri()));
	}

	/**
	 * Sends and hands the body stream to {@code reader}; on a transient failure (also one met while
	 * the reader reads: a connection closed mid-response) the request is sent again after a backoff.
	 */
	<T> T stream(HttpRequest request, String what, BodyReader<T> reader) throws SyncException {
		long backoff = FIRST_BACKOFF_MILLIS;
		SyncException last = null;
		for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
			long wait = backoff;
			try {
				HttpResponse<InputStream> resp = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
				int status = resp.statusCode();
				if (status == 429 || status == 502 || status == 503 || status == 504) {
					resp.body().close();
					long retryAfter = retryAfterMillis(resp.headers().firstValue("Retry-After").orElse(null));
					last = new TransientException(accountName + ": " + what + ": HTTP " + status, retryAfter);
					if (retryAfter > 0) {
						wait = Math.min(retryAfter, 30_000);
					}
				} else if (status == 401) {
					resp.body().close();
					throw new SyncException(accountName + ": " + what + ": the server refused the user name or password (HTTP 401)");
				} else {
					try (InputStream in = new Watched(resp.body())) {
						return reader.read(status, in, resp);
					}
				}
			} catch (HttpTimeoutException e) {
				last = new TransientException(accountName + ": " + what + ": no answer within " + timeout.toSeconds() + " s", e);
			} catch (IOException e) {
				UntrustedCertificateException u = untrusted(e);
				if (u != null) {
					throw new SyncException(accountName + ": " + u.getMessage(), u);
				}
				if (e instanceof SSLHandshakeException) {
					throw new SyncException(accountName + ": TLS handshake with " + request.uri().getHost() + " failed: "
							+ e.getMessage(), e);
				}
				last = new TransientException(accountName + ": " + what + ": connection failed or closed mid-response ("
						+ e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new SyncException(accountName + ": " + what + ": interrupted", e);
			}
			if (attempt < ATTEMPTS) {
				sleep(wait + ThreadLocalRandom.current().nextLong(wait / 4 + 1));
				backoff *= 2;
			}
		}
		throw last;
	}

	/** Closes body streams whose read waits too long; one daemon thread for all accounts. */
	private static final ScheduledThreadPoolExecutor WATCHDOG = new ScheduledThreadPoolExecutor(1, r -> {
		Thread t = new Thread(r, "DAV read timeout");
		t.setDaemon(true);
		return t;
	});
	static {
		WATCHDOG.setRemoveOnCancelPolicy(true);
	}

	/**
	 * The response body with the request timeout on every read: HttpClient's own timeout ends with
	 * the response headers, so a server that stalls mid-body would keep the sync waiting for ever.
	 * A read that waits longer is ended by closing the stream and fails as a timeout.
	 */
	private final class Watched extends FilterInputStream {
		private volatile boolean expired;

		Watched(InputStream in) {
			super(in);
		}

		@FunctionalInterface
		private interface Read {
			int read() throws IOException;
		}

		private int guarded(Read r) throws IOException {
			ScheduledFuture<?> f = WATCHDOG.schedule(() -> {
				expired = true;
				try {
					in.close(); // wakes the blocked read
				} catch (IOException ignored) {
					// closing is all we can do
				}
			}, timeout.toMillis(), TimeUnit.MILLISECONDS);
			try {
				return r.read();
			} catch (IOException e) {
				if (expired) {
					throw new HttpTimeoutException("no data for " + timeout.toSeconds() + " s in the middle of the answer");
				}
				throw e;
			} finally {
				f.cancel(false);
			}
		}

		@Override
		public int read() throws IOException {
			return guarded(in::read);
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			return guarded(() -> in.read(b, off, len));
		}
	}

	private static UntrustedCertificateException untrusted(Throwable e) {
		for (Throwable t = e; t != null; t = t.getCause()) {
			if (t instanceof UntrustedCertificateException u) {
				return u;
			}
		}
		return null;
	}

	static long retryAfterMillis(String value) {
		if (value == null) {
			return -1;
		}
		try {
			return Long.parseLong(value.trim()) * 1000;
		} catch (NumberFormatException e) {
			try {
				java.time.ZonedDateTime t = java.time.ZonedDateTime.parse(value.trim(),
						java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
				return Math.max(0, Duration.between(java.time.Instant.now(), t.toInstant()).toMillis());
			} catch (java.time.format.DateTimeParseException e2) {
				return -1;
			}
		}
	}

	private static void sleep(long millis) throws SyncException {
		try {
			Thread.sleep(millis);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new SyncException("interrupted while waiting to retry", e);
		}
	}

	void close() {
		client.close();
	}
}
