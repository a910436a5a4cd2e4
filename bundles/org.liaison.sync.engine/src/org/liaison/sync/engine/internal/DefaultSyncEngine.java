package org.liaison.sync.engine.internal;

import org.eclipse.core.runtime.IProgressMonitor;
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
 * The sync engine. Its conflict resolver is a greedy dynamic reference: when a plug-in registers a
 * better-ranked resolver, the engine switches to it without a restart.
 */
@Component(service = SyncEngine.class)
public class DefaultSyncEngine implements SyncEngine {

	@Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
	private volatile ConflictResolver resolver;

	@Override
	public ConflictResolver resolver() {
		return resolver;
	}

	@Override
	public SyncReport sync(String profile, SyncPair pair, SyncOptions options, IProgressMonitor monitor)
			throws SyncException {
		throw new SyncException("the sync engine is not there yet (issue 3)");
	}
}
