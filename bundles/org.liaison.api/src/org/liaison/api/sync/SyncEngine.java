package org.liaison.api.sync;

import org.eclipse.core.runtime.IProgressMonitor;
import org.osgi.annotation.versioning.ProviderType;

/** Runs the two-way sync of one pair. A second run right after a first changes nothing. */
@ProviderType
public interface SyncEngine {

	/**
	 * Syncs the pair once.
	 *
	 * @param profile the profile whose store holds the pair's state
	 * @param pair the collections and their rules
	 * @param options dry run, forced deletes
	 * @param monitor progress and cancellation
	 * @return what was done
	 * @throws SyncException when the run as a whole fails (single items failing go to quarantine)
	 */
	SyncReport sync(String profile, SyncPair pair, SyncOptions options, IProgressMonitor monitor) throws SyncException;

	/** The conflict resolver the engine uses now (the highest-ranked service). */
	ConflictResolver resolver();
}
