package org.liaison.connector.dav.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.liaison.api.model.ItemKind;
import org.liaison.api.pim.PimAccount;
import org.liaison.api.pim.PimConnector;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncException;
import org.liaison.testing.Radicale;
import org.liaison.testing.TestPasswords;

/** Discovery on Radicale: .well-known, principal, home sets, collections and their components. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DavDiscoveryTest {

	private Radicale radicale;
	private PimConnector dav;

	@BeforeAll
	void start() {
		radicale = Radicale.start();
		dav = Dav.connector();
	}

	@AfterAll
	void stop() {
		if (radicale != null) {
			radicale.close();
		}
	}

	@Test
	void discovery_fromServerRoot_findsCalendarsTaskListsAddressBooksAndMixedCalendars() throws Exception {
		PimAccount account = radicale.account("discovery");
		NullProgressMonitor m = new NullProgressMonitor();
		dav.createCollection(account, ItemKind.APPOINTMENT, "Work calendar", m);
		dav.createCollection(account, ItemKind.TASK, "To do", m);
		dav.createCollection(account, ItemKind.CONTACT, "Customers", m);
		// a calendar made by another client without a component set holds events and tasks
		Dav.Raw raw = new Dav.Raw(radicale);
		assertEquals(201, raw.send("MKCALENDAR", "/" + radicale.user() + "/mixed/", null, null).statusCode());

		List<ItemCollection> found = dav.collections(radicale.account("discovery-2"), m);
		Map<String, ItemKind> byName = new TreeMap<>();
		for (ItemCollection c : found) {
			assertEquals(Side.MAILBOX, c.info().side());
			byName.put((Dav.path(c).contains("/mixed/") ? Dav.path(c) : c.info().displayName()) + "/" + c.info().kind(),
					c.info().kind());
		}
		Map<String, ItemKind> expected = Map.of("Work calendar/APPOINTMENT", ItemKind.APPOINTMENT, "To do/TASK",
				ItemKind.TASK, "Customers/CONTACT", ItemKind.CONTACT, "/liaison/mixed//APPOINTMENT", ItemKind.APPOINTMENT,
				"/liaison/mixed//TASK", ItemKind.TASK);
		assertTrue(byName.entrySet().containsAll(expected.entrySet()), "found " + byName);
		long distinctIds = found.stream().map(c -> c.info().id()).distinct().count();
		assertEquals(found.size(), distinctIds, "every collection and kind has its own id");
	}

	@Test
	void discovery_fromPrincipalUrl_findsTheSame() throws Exception {
		PimAccount root = radicale.account("principal-root");
		dav.createCollection(root, ItemKind.APPOINTMENT, "From principal", new NullProgressMonitor());
		PimAccount principal = radicale.account("principal", radicale.url().resolve("/" + radicale.user() + "/"));
		assertTrue(dav.collections(principal, new NullProgressMonitor()).stream()
				.anyMatch(c -> "From principal".equals(c.info().displayName())));
	}

	@Test
	void wrongPassword_failsSayingSo() {
		PimAccount good = radicale.account("wrong-pw");
		TestPasswords.unlockSecureStorage();
		try {
			org.liaison.testing.Osgi.service(org.liaison.api.security.SecretStore.class).put(good.secretKey(),
					TestPasswords.random().toCharArray());
		} catch (Exception e) {
			throw new AssertionError(e);
		}
		PimAccount bad = new PimAccount("wrong-pw-2", good.url(), good.user(), good.secretKey());
		SyncException e = assertThrows(SyncException.class, () -> dav.collections(bad, new NullProgressMonitor()));
		assertTrue(e.getMessage().contains("401"), e.getMessage());
	}

	@Test
	void plainHttp_toAnotherHost_isRefused() {
		PimAccount remote = new PimAccount("remote", URI.create("http://dav.example.invalid/"), "x", null);
		SyncException e = assertThrows(SyncException.class, () -> dav.collections(remote, new NullProgressMonitor()));
		assertTrue(e.getMessage().contains("refusing plain HTTP"), e.getMessage());
	}
}
