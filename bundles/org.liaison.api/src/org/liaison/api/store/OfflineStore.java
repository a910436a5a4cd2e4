package org.liaison.api.store;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Liaison's local database: one encrypted embedded database per profile, holding the sync state
 * (status, journal, tombstones, quarantine, conflicts, history), local PIM items and cached mail.
 */
@ProviderType
public interface OfflineStore {

	/** Opens the profile's database, creating it and applying schema migrations as needed. */
	ProfileStore open(String profile) throws StoreException;
}
