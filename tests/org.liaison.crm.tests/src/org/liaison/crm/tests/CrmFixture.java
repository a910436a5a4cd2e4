package org.liaison.crm.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import javax.net.ssl.SSLParameters;

import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.security.TrustService;
import org.liaison.crm.server.CrmServer;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestHome;
import org.liaison.testing.TestPasswords;

/**
 * One reference CRM server for the test run, over real HTTPS with its certificate made at first start
 * (key store password in secure storage, unlocked with a run-time master password) and pinned, as a
 * user would after comparing the fingerprint. Users alice and bob with run-time passwords.
 */
final class CrmFixture {

	static CrmServer.Running server;
	static Path dir;
	static UUID alice;
	static UUID bob;
	static String alicePassword;
	static String bobPassword;

	private CrmFixture() {
	}

	static synchronized CrmServer.Running server() {
		if (server == null) {
			try {
				TestHome.get();
				TestPasswords.unlockSecureStorage();
				dir = Files.createTempDirectory("liaison-crm-test");
				server = start(dir);
				alicePassword = TestPasswords.random();
				bobPassword = TestPasswords.random();
				alice = server.admin().addUser("alice", "alice@example.test", alicePassword.toCharArray(), false);
				bob = server.admin().addUser("bob", "bob@example.test", bobPassword.toCharArray(), false);
			} catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		}
		return server;
	}

	/** Starts a server on {@code dir} and pins its certificate, as the user consenting would. */
	static CrmServer.Running start(Path dir) throws IOException {
		CrmServer.Running s = Osgi.service(CrmServer.class).start(CrmServer.Options.defaults(dir));
		URI root = s.serviceRoot();
		Osgi.service(TrustService.class).pin(root.getHost(), root.getPort(), s.certificateFingerprint());
		return s;
	}

	static CrmConnector connector() {
		return Osgi.service(CrmConnector.class);
	}

	static CrmClient alice() throws CrmException {
		return client("alice", alicePassword, CrmLimits.defaults());
	}

	static CrmClient bob() throws CrmException {
		return client("bob", bobPassword, CrmLimits.defaults());
	}

	static CrmClient client(String user, String password, CrmLimits limits) throws CrmException {
		CrmServer.Running s = server();
		return connector().connect(new CrmEndpoint(s.serviceRoot(),
				new CrmAuth.Password(s.tokenEndpoint(), "liaison-tests", user, password.toCharArray()), limits));
	}

	/** A plain HttpClient trusting the pinned certificate, for requests the connector would never send. */
	static HttpClient raw() {
		URI root = server().serviceRoot();
		return HttpClient.newBuilder()
				.sslContext(Osgi.service(TrustService.class).sslContext(root.getHost(), root.getPort()))
				.sslParameters(new SSLParameters(null, TrustService.PROTOCOLS)).build();
	}

	static String token(String user, String password) throws IOException, InterruptedException {
		String form = "grant_type=password&username=" + user + "&password="
				+ java.net.URLEncoder.encode(password, StandardCharsets.UTF_8);
		HttpResponse<String> r = raw().send(HttpRequest.newBuilder(server().tokenEndpoint())
				.header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
				.build(), HttpResponse.BodyHandlers.ofString());
		String body = r.body();
		int i = body.indexOf("\"access_token\":\"");
		return body.substring(i + 16, body.indexOf('"', i + 16));
	}

	/** A raw request with alice's token. */
	static HttpResponse<String> request(String method, String path, String contentType, String body,
			String... headers) throws IOException, InterruptedException {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server().serviceRoot() + path))
				.header("Authorization", "Bearer " + token("alice", alicePassword));
		if (contentType != null) {
			b.header("Content-Type", contentType);
		}
		for (int i = 0; i + 1 < headers.length; i += 2) {
			b.header(headers[i], headers[i + 1]);
		}
		b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		return raw().send(b.build(), HttpResponse.BodyHandlers.ofString());
	}
}
