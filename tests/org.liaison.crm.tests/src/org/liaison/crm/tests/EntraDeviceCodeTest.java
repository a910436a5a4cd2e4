package org.liaison.crm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmException;
import org.liaison.api.security.TrustService;
import org.liaison.crm.server.CrmServer;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestPasswords;

/**
 * Sign-in with Microsoft Entra ID's device code flow through MSAL4J, against the reference server
 * acting as the Entra authority over HTTPS (its certificate pinned): the code MSAL shows is entered
 * with the user's password on the server's sign-in page, as a user would in a browser; the next
 * sign-in comes silently from the token cache in secure storage, and an access token the server
 * dropped is refreshed without asking again.
 */
class EntraDeviceCodeTest {

	/**
	 * The user's browser: a thread of its own (MSAL polls on the common pool, which may have one
	 * thread on a small machine).
	 */
	private static final java.util.concurrent.Executor BROWSER = r -> {
		Thread t = new Thread(r, "browser");
		t.setDaemon(true);
		t.start();
	};

	private static final Pattern MESSAGE = Pattern.compile("open (\\S+) and enter the code (\\S+) ");

	@Test
	@org.junit.jupiter.api.Timeout(120)
	void deviceCode_enteredOnTheSignInPage_signsIn_thenSilentFromTheCache_andRefreshed() throws Exception {
		CrmServer.Running server = CrmFixture.server();
		URI authority = server.serviceRoot().resolve("/contoso/");
		String cacheKey = "tests/entra/" + UUID.randomUUID() + "/tokenCache";
		List<String> shown = new CopyOnWriteArrayList<>();
		List<CompletableFuture<String>> pages = new CopyOnWriteArrayList<>();
		CrmAuth.EntraDeviceCode auth = new CrmAuth.EntraDeviceCode(authority.toString(), "liaison-desktop", Set.of(),
				cacheKey, message -> {
					shown.add(message);
					// the user reads the message and signs in on another device while MSAL waits
					pages.add(CompletableFuture.supplyAsync(() -> signIn(message, "alice", CrmFixture.alicePassword),
							BROWSER));
				});
		try (CrmClient c = connect(server, auth)) {
			assertEquals(CrmFixture.alice, c.whoAmI().userId());
		}
		assertEquals(1, shown.size(), "one code shown: " + shown);
		assertTrue(pages.get(0).get(30, TimeUnit.SECONDS).contains("signed in as alice"), pages.get(0).get());

		// the next start: silently, from MSAL's token cache kept in secure storage
		try (CrmClient c = connect(server, auth)) {
			assertEquals(CrmFixture.alice, c.whoAmI().userId());
		}
		assertEquals(1, shown.size(), "no code asked again");

		// the server dropped every access token: refreshed with the refresh token, no code asked
		server.admin().expireAccessTokens();
		try (CrmClient c = connect(server, auth)) {
			assertEquals(CrmFixture.alice, c.whoAmI().userId());
		}
		assertEquals(1, shown.size(), "no code asked after the refresh");
	}

	@Test
	@org.junit.jupiter.api.Timeout(120)
	void signInPage_wrongPassword_refused_andTheCodeCanStillBeUsed() throws Exception {
		CrmServer.Running server = CrmFixture.server();
		URI authority = server.serviceRoot().resolve("/contoso/");
		List<String> pages = new CopyOnWriteArrayList<>();
		CrmAuth.EntraDeviceCode auth = new CrmAuth.EntraDeviceCode(authority.toString(), "liaison-desktop", Set.of(),
				"tests/entra/" + UUID.randomUUID() + "/tokenCache", message -> BROWSER.execute(() -> {
					pages.add(signIn(message, "bob", TestPasswords.random()));
					pages.add(signIn(message, "bob", CrmFixture.bobPassword));
				}));
		try (CrmClient c = connect(server, auth)) {
			assertEquals(CrmFixture.bob, c.whoAmI().userId());
		}
		assertTrue(pages.get(0).contains("incorrect"), pages.get(0));
		assertTrue(pages.get(1).contains("signed in as bob"), pages.get(1));
	}

	@Test
	@org.junit.jupiter.api.Timeout(120)
	void unknownAuthorityHost_failsWithAClearMessage() {
		CrmServer.Running server = CrmFixture.server();
		CrmAuth.EntraDeviceCode auth = new CrmAuth.EntraDeviceCode("https://127.0.0.1:1/contoso/", "liaison-desktop",
				Set.of(), null, message -> {
				});
		CrmException e = assertThrows(CrmException.class, () -> {
			try (CrmClient c = connect(server, auth)) {
				c.whoAmI();
			}
		});
		assertTrue(e.getMessage().contains("Microsoft Entra ID sign-in failed"), e.getMessage());
	}

	private static CrmClient connect(CrmServer.Running server, CrmAuth auth) throws CrmException {
		return CrmFixture.connector().connect(new CrmEndpoint(server.serviceRoot(), auth));
	}

	/** What the user does in a browser: open the page named in the message, enter the code and sign in. */
	private static String signIn(String message, String user, String password) {
		Matcher m = MESSAGE.matcher(message);
		if (!m.find()) {
			throw new AssertionError("the message names no page and code: " + message);
		}
		URI page = URI.create(m.group(1));
		String form = "user_code=" + enc(m.group(2)) + "&username=" + enc(user) + "&password=" + enc(password);
		try {
			HttpClient http = HttpClient.newBuilder()
					.sslContext(Osgi.service(TrustService.class).sslContext(page.getHost(), page.getPort())).build();
			return http.send(HttpRequest.newBuilder(page).header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString()).body();
		} catch (Exception e) {
			throw new AssertionError("the sign-in page failed: " + e, e);
		}
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}
}
