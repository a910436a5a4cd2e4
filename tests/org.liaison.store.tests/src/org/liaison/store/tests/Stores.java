package org.liaison.store.tests;

import java.util.UUID;

import org.liaison.api.store.StoreException;
import org.liaison.store.derby.DerbyProfileStore;

/** Throwaway in-memory databases for tests that do not need the disk. */
final class Stores {

	private Stores() {
	}

	static DerbyProfileStore memory() throws StoreException {
		return DerbyProfileStore.openInMemory("t" + UUID.randomUUID().toString().replace("-", ""));
	}
}
