package org.liaison.sync.engine.internal;

/**
 * Tuning of the engine, with defaults for real use; tests use small pages (to cross page ends
 * often) and no sleeping.
 *
 * @param listChunk listing entries looked up in the status per query
 * @param fetchBatch items fetched per call to {@code get}
 * @param decidePage item groups decided, journaled and written per page
 * @param attempts tries of a call that fails transiently (TransientException), first one included
 * @param backoffMillis the first wait between tries; doubled each time, up to {@code maxBackoffMillis}
 * @param maxBackoffMillis the longest wait
 * @param reportActions how many actions a normal run's report keeps (all are in the history)
 * @param sleeper waits between tries
 * @param hook called at each journal step
 */
public record EngineSettings(int listChunk, int fetchBatch, int decidePage, int attempts, long backoffMillis,
		long maxBackoffMillis, int reportActions, Sleeper sleeper, StepHook hook) {

	/** Waits; tests pass one that does not. */
	@FunctionalInterface
	public interface Sleeper {
		void sleep(long millis) throws InterruptedException;

		Sleeper REAL = Thread::sleep;
		Sleeper NONE = millis -> {
		};
	}

	public EngineSettings {
		sleeper = sleeper == null ? Sleeper.REAL : sleeper;
		hook = hook == null ? StepHook.NONE : hook;
	}

	public static EngineSettings defaults() {
		return new EngineSettings(500, 100, 200, 5, 250, 30_000, 1000, Sleeper.REAL, StepHook.NONE);
	}

	public EngineSettings withHook(StepHook h) {
		return new EngineSettings(listChunk, fetchBatch, decidePage, attempts, backoffMillis, maxBackoffMillis,
				reportActions, sleeper, h);
	}

	public EngineSettings withPages(int list, int fetch, int decide) {
		return new EngineSettings(list, fetch, decide, attempts, backoffMillis, maxBackoffMillis, reportActions, sleeper,
				hook);
	}

	public EngineSettings withRetries(int tries, long backoff, Sleeper s) {
		return new EngineSettings(listChunk, fetchBatch, decidePage, tries, backoff, maxBackoffMillis, reportActions, s,
				hook);
	}
}
