package org.liaison.sync.engine.internal;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.StoreException;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.api.sync.SyncEngine;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.SyncOptions;
import org.liaison.api.sync.SyncPair;
import org.liaison.api.sync.SyncReport;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The sync engine service: each call runs a {@link SyncRun} over the profile's store. Its conflict
 * resolver is a greedy dynamic reference: when a plug-in registers a better-ranked resolver, the
 * engine switches to it without a restart (a run in progress keeps the one it started with).
 */
@Component(service = SyncEngine.class)
public class DefaultSyncEngine implements SyncEngine {

	@Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
	private volatile ConflictResolver resolver;

	@Reference
	private OfflineStore store;

	@Override
	public ConflictResolver resolver() {
		return resolver;
	}

	@Override
	public SyncReport sync(String profile, SyncPair pair, SyncOptions options, IProgressMonitor monitor)
			throws SyncException {
		ConflictResolver r = resolver;
		if (r == null) {
			r = new PolicyConflictResolver();
		}
		try (ProfileStore ps = store.open(profile)) {
			return new SyncRun(ps.syncState(), pair, options, r, EngineSettings.defaults(), monitor).run();
		} catch (StoreException e) {
			throw new SyncException("cannot open the store of profile " + profile + ": " + e.getMessage(), e);
		}
	}
}
