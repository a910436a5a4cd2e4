package org.liaison.offline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineRecord;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.offline.internal.OfflineCopyImpl;
import org.liaison.store.derby.DerbyProfileStore;
import org.liaison.store.derby.Schema;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestPasswords;

/**
 * Go Offline's tables live in the profile's encrypted database on a migration track of their own: the
 * store's schema version is untouched, the track is recorded, and the rows survive closing and opening.
 */
class StoreExtensionTest {

	@Test
	void offlineTables_ownMigrationTrack_inTheEncryptedStore_surviveReopening() throws Exception {
		Path dir = Files.createTempDirectory("liaison-offline-store").resolve("db");
		char[] boot = TestPasswords.random().toCharArray();
		ConflictResolver resolver = Osgi.service(ConflictResolver.class);
		OfflineRecord made;
		try (DerbyProfileStore store = DerbyProfileStore.open("ext", dir, boot)) {
			assertEquals(0, store.extensionVersion("offline"));
			OfflineCopyImpl copy = OfflineCopyImpl.over(store, resolver, Clock.systemUTC());
			assertEquals(1, store.extensionVersion("offline"));
			assertEquals(Schema.CURRENT, store.schemaVersion(), "the store's own migrations are not touched");
			made = copy.create(OfflineEntity.ACCOUNTS, Map.of("name", "Difference Works"), false);
		}
		assertTrue(DerbyProfileStore.encrypted(dir));
		try (DerbyProfileStore store = DerbyProfileStore.open("ext", dir, boot)) {
			OfflineCopyImpl copy = OfflineCopyImpl.over(store, resolver, Clock.systemUTC());
			assertEquals("Difference Works", copy.get(OfflineEntity.ACCOUNTS, made.id()).orElseThrow().displayName());
			assertEquals(OfflineRecord.State.CREATED, copy.get(OfflineEntity.ACCOUNTS, made.id()).orElseThrow().state());
			assertEquals(1, copy.outbox(true).size());
			assertEquals(1, store.extensionVersion("offline"));
		}
	}
}
