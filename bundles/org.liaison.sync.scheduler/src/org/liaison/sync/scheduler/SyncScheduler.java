package org.liaison.sync.scheduler;

import java.time.Duration;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.jobs.Job;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs each profile's sync as an Eclipse Job: on an interval, on demand ("sync now"), never two at
 * once for one profile, cancellable, with progress shown wherever Jobs are shown.
 */
@ProviderType
public interface SyncScheduler {

	/** One run of a profile's sync. Returns an error status to make the scheduler back off. */
	@FunctionalInterface
	interface SyncRun {
		IStatus run(IProgressMonitor monitor);
	}

	/**
	 * Registers (or replaces) a profile's sync with its interval; the first run starts after
	 * {@code interval}, or at once with {@link #syncNow(String)}.
	 */
	void schedule(String profile, Duration interval, SyncRun run);

	/** Starts a run now; while one is running, another starts as soon as it ends. */
	void syncNow(String profile);

	/** Cancels the running run, if any, and the schedule. */
	void cancel(String profile);

	/** The job of a profile (for progress and status), or null when not scheduled. */
	Job job(String profile);
}
