package org.liaison.foundation.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestHome;
import org.liaison.testing.TestPasswords;
import org.osgi.framework.Bundle;

/** Derby boots from its own bundle (with derbyshared as a fragment) and the store opens a database. */
class DerbyInOsgiTest {

	@BeforeAll
	static void home() {
		TestHome.get();
		// the store keeps each profile's database boot password in secure storage
		TestPasswords.unlockSecureStorage();
	}

	@Test
	void derbyAndItsSharedFragmentAreResolved() {
		Bundle derby = Osgi.bundle("derby");
		assertNotNull(derby, "the derby bundle is in the runtime");
		Bundle shared = Osgi.bundle("org.apache.derby.shared");
		assertNotNull(shared, "derbyshared is in the runtime");
		assertEquals(Bundle.RESOLVED, shared.getState(), "a fragment is resolved, attached to derby");
	}

	@Test
	void storeOpensADatabasePerProfileFromTheDerbyBundle() throws Exception {
		OfflineStore store = Osgi.service(OfflineStore.class);
		try (ProfileStore p = store.open("foundation")) {
			assertTrue(p.schemaVersion() >= 1);
		}
		assertTrue(Files.isDirectory(TestHome.get().resolve("profiles/foundation/db")));
		try (ProfileStore again = store.open("foundation")) {
			assertTrue(again.schemaVersion() >= 1, "reopening finds the same schema");
		}
	}
}
