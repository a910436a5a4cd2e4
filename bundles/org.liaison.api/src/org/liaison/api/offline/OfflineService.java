package org.liaison.api.offline;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Go Offline, as a service: the desktop and the headless {@code ./liaison offline} command both work
 * through it. Separate from the messaging sync: its own tables in the profile's encrypted store.
 */
@ProviderType
public interface OfflineService {

	/**
	 * The offline copy of a profile's CRM records, made empty on first use. Close it when done; several
	 * may be open on one profile (they share the profile's database).
	 */
	OfflineCopy open(String profile) throws OfflineException;
}
