package org.liaison.crm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.security.TrustService;
import org.liaison.crm.server.CrmServer;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestPasswords;
import org.osgi.framework.Bundle;

/** Start, restart, TLS trust, plain HTTP rules, seeding, and the Entra ID library in OSGi. */
class CrmServerLifecycleTest {

	@BeforeAll
	static void home() {
		CrmFixture.server();
	}

	private static CrmClient connect(CrmServer.Running s, String user, String pw) throws CrmException {
		return CrmFixture.connector().connect(new CrmEndpoint(s.serviceRoot(),
				new CrmAuth.Password(s.tokenEndpoint(), null, user, pw.toCharArray())));
	}

	@Test
	void restart_keepsRecordsCertificateAndDeltaTokens() throws Exception {
		Path dir = Files.createTempDirectory("liaison-crm-restart");
		String pw = TestPasswords.random();
		String fingerprint;
		String link;
		UUID id;
		try (CrmServer.Running s = CrmFixture.start(dir)) {
			fingerprint = s.certificateFingerprint();
			assertTrue(fingerprint.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fingerprint);
			s.admin().addUser("dana", "dana@example.test", pw.toCharArray(), false);
			try (CrmClient c = connect(s, "dana", pw)) {
				id = c.write(CrmWrite.create("accounts", Map.of("name", "Persistent Ltd")), null).id();
				link = c.changes("accounts", List.of("name"), null, sink(new ArrayList<>()), null);
			}
		}
		assertTrue(Files.exists(dir.resolve("tls").resolve("server.p12")));
		for (Path p : (Iterable<Path>) Files.walk(dir)::iterator) {
			if (Files.isRegularFile(p) && !p.toString().contains("/db/") && !p.toString().endsWith(".p12")
					&& !p.toString().endsWith("derby.log")) {
				throw new AssertionError("unexpected plain file in the data folder: " + p);
			}
		}
		try (CrmServer.Running s = CrmFixture.start(dir)) {
			assertEquals(fingerprint, s.certificateFingerprint(), "the certificate is made once");
			try (CrmClient c = connect(s, "dana", pw)) {
				assertEquals("Persistent Ltd", c.retrieve("accounts", id, null).string("name"));
				c.write(CrmWrite.update("accounts", id, Map.of("name", "Still here Ltd"), null), null);
				List<UUID> changed = new ArrayList<>();
				c.changes("accounts", List.of("name"), link.replaceFirst("https://[^/]+/", s.serviceRoot().toString()
						.replaceFirst("/api/data/v9.2/$", "/")), sink(changed), null);
				assertEquals(List.of(id), changed, "the delta token of the first run still works");
			}
		}
	}

	private static CrmClient.ChangeSink sink(List<UUID> changed) {
		return new CrmClient.ChangeSink() {
			@Override
			public void changed(CrmRecord r) {
				changed.add(r.id());
			}

			@Override
			public void deleted(UUID id) {
				changed.add(id);
			}
		};
	}

	@Test
	void selfSignedCertificate_refusedUntilPinned() throws Exception {
		Path dir = Files.createTempDirectory("liaison-crm-unpinned");
		try (CrmServer.Running s = Osgi.service(CrmServer.class).start(CrmServer.Options.defaults(dir).ephemeral())) {
			String pw = TestPasswords.random();
			s.admin().addUser("erin", "erin@example.test", pw.toCharArray(), false);
			CrmException e = assertThrows(CrmException.class, () -> connect(s, "erin", pw));
			assertEquals(CrmException.Kind.UNTRUSTED_CERTIFICATE, e.kind(), e.getMessage());
			assertTrue(e.getMessage().contains(s.certificateFingerprint()), e.getMessage());
			TrustService trust = Osgi.service(TrustService.class);
			trust.pin(s.serviceRoot().getHost(), s.serviceRoot().getPort(), s.certificateFingerprint());
			try (CrmClient c = connect(s, "erin", pw)) {
				assertNotNull(c.whoAmI().userId());
			}
		}
	}

	@Test
	void plainHttp_onlyOnLoopback_andTheConnectorRefusesItElsewhere() throws Exception {
		Path dir = Files.createTempDirectory("liaison-crm-plain");
		IOException refused = assertThrows(IOException.class, () -> Osgi.service(CrmServer.class)
				.start(CrmServer.Options.defaults(dir).host("0.0.0.0").plain()));
		assertTrue(refused.getMessage().contains("loopback"), refused.getMessage());
		try (CrmServer.Running s = Osgi.service(CrmServer.class).start(CrmServer.Options.defaults(dir).plain())) {
			assertTrue(s.serviceRoot().toString().startsWith("http://127.0.0.1:"));
			String pw = TestPasswords.random();
			s.admin().addUser("finn", "finn@example.test", pw.toCharArray(), false);
			try (CrmClient c = connect(s, "finn", pw)) {
				assertNotNull(c.whoAmI());
			}
		}
		CrmException e = assertThrows(CrmException.class, () -> CrmFixture.connector().connect(new CrmEndpoint(
				java.net.URI.create("http://crm.example.test/api/data/v9.2/"), new CrmAuth.Password(
						java.net.URI.create("http://crm.example.test/oauth2/token"), null, "x", "y".toCharArray()))));
		assertTrue(e.getMessage().contains("HTTPS"), e.getMessage());
	}

	@Test
	void seed_isDeterministic_andRealistic() throws Exception {
		List<List<String>> runs = new ArrayList<>();
		for (int run = 0; run < 2; run++) {
			Path dir = Files.createTempDirectory("liaison-crm-seed");
			try (CrmServer.Store store = Osgi.service(CrmServer.class).open(dir)) {
				int n = store.admin().seed(42, 200, LocalDate.of(2026, 6, 1), null);
				assertTrue(n > 400, "records made: " + n);
				assertEquals(200, store.admin().count("contacts"));
				assertEquals(20, store.admin().count("accounts"));
				assertTrue(store.admin().count("emails") >= 100 && store.admin().count("activityparties") >= 200);
			}
			try (CrmServer.Running s = Osgi.service(CrmServer.class).start(CrmServer.Options.defaults(dir).ephemeral())) {
				Osgi.service(TrustService.class).pin(s.serviceRoot().getHost(), s.serviceRoot().getPort(),
						s.certificateFingerprint());
				var app = s.admin().addApplication("reader", true);
				try (CrmClient c = CrmFixture.connector().connect(new CrmEndpoint(s.serviceRoot(),
						new CrmAuth.ClientCredentials(s.tokenEndpoint(), app.clientId(), app.clientSecret())))) {
					List<String> sample = new ArrayList<>();
					c.queryAll("contacts", CrmQuery.select("fullname", "emailaddress1", "_parentcustomerid_value").top(20),
							r -> sample.add(r.id() + " " + r.string("fullname") + " " + r.string("emailaddress1") + " "
									+ r.lookup("parentcustomerid")), null);
					runs.add(sample);
				}
			}
		}
		assertEquals(runs.get(0), runs.get(1), "the same seed and size make the same organization");
		assertEquals(20, runs.get(0).size());
	}

	@Test
	void msal4j_resolvesAndLoadsInOsgi() throws Exception {
		Bundle connector = Osgi.bundle("org.liaison.connector.crm");
		assertNotNull(connector);
		Class<?> pca = connector.loadClass("com.microsoft.aad.msal4j.PublicClientApplication");
		Object builder = pca.getMethod("builder", String.class).invoke(null, UUID.randomUUID().toString());
		builder = builder.getClass().getMethod("authority", String.class).invoke(builder,
				"https://login.microsoftonline.com/organizations/");
		Object app = builder.getClass().getMethod("build").invoke(builder);
		assertEquals(pca, app.getClass());
	}
}
