package org.liaison.offline.internal;

import java.time.Clock;

import org.liaison.api.offline.OfflineCopy;
import org.liaison.api.offline.OfflineException;
import org.liaison.api.offline.OfflineService;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.StoreException;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.store.derby.DerbyProfileStore;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@link OfflineService}: Go Offline's tables in the profile's encrypted store (their own migration
 * track), conflicts settled by the highest-ranked {@link ConflictResolver} (the engine's by default).
 */
@Component(service = OfflineService.class)
public class OfflineServiceImpl implements OfflineService {

	@Reference
	private OfflineStore stores;

	@Reference(policyOption = ReferencePolicyOption.GREEDY)
	private ConflictResolver resolver;

	@Override
	public OfflineCopy open(String profile) throws OfflineException {
		ProfileStore store;
		try {
			store = stores.open(profile);
		} catch (StoreException e) {
			throw new OfflineException("cannot open the store of profile " + profile + ": " + e.getMessage(), e);
		}
		try {
			OfflineTables tables = DerbyProfileStore.of(store).extension(OfflineTables.EXTENSION);
			return new OfflineCopyImpl(store, tables, (c, p) -> resolver.resolve(c, p), Clock.systemUTC(), true);
		} catch (StoreException | RuntimeException e) {
			try {
				store.close();
			} catch (StoreException ignored) {
				// the first failure is the one to report
			}
			throw new OfflineException("cannot open the offline tables of profile " + profile + ": " + e.getMessage(), e);
		}
	}
}
