package org.liaison.sync.engine.internal;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.TransientException;

/** Retries calls that fail transiently, with exponential backoff that honours Retry-After. */
final class Retry {

	@FunctionalInterface
	interface Call<T> {
		T call() throws SyncException;
	}

	private final EngineSettings settings;
	private final IProgressMonitor monitor;
	private int transientFailures;

	Retry(EngineSettings settings, IProgressMonitor monitor) {
		this.settings = settings;
		this.monitor = monitor;
	}

	/** How many transient failures were met (and retried or given up on). */
	int transientFailures() {
		return transientFailures;
	}

	<T> T run(Call<T> call) throws SyncException {
		long wait = settings.backoffMillis();
		for (int attempt = 1;; attempt++) {
			try {
				return call.call();
			} catch (TransientException e) {
				transientFailures++;
				if (attempt >= settings.attempts()) {
					throw e;
				}
				long pause = e.retryAfterMillis() >= 0 ? e.retryAfterMillis() : wait;
				wait = Math.min(settings.maxBackoffMillis(), wait * 2);
				try {
					settings.sleeper().sleep(Math.min(pause, settings.maxBackoffMillis()));
				} catch (InterruptedException ie) {
					Thread.currentThread().interrupt();
					throw new OperationCanceledException("interrupted while waiting to retry: " + e.getMessage());
				}
				if (monitor.isCanceled()) {
					throw new OperationCanceledException();
				}
			}
		}
	}
}
