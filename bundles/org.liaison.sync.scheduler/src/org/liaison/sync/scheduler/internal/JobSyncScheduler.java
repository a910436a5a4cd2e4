package org.liaison.sync.scheduler.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.liaison.sync.scheduler.SyncScheduler;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * {@link SyncScheduler} on Eclipse Jobs. One job per profile, so one run at a time per profile; after
 * a failed run the next one waits longer (doubling up to an hour, with jitter), after a good one the
 * interval applies again.
 */
@Component(service = SyncScheduler.class)
public class JobSyncScheduler implements SyncScheduler {

	private static final long MAX_BACKOFF_MS = Duration.ofHours(1).toMillis();

	private final Map<String, ProfileJob> jobs = new ConcurrentHashMap<>();

	@Override
	public void schedule(String profile, Duration interval, SyncRun run) {
		ProfileJob job = new ProfileJob(profile, interval, run);
		ProfileJob old = jobs.put(profile, job);
		if (old != null) {
			old.stop();
		}
		job.schedule(interval.toMillis());
	}

	@Override
	public void syncNow(String profile) {
		ProfileJob job = jobs.get(profile);
		if (job == null) {
			return;
		}
		if (job.getState() == Job.RUNNING) {
			job.again = true; // new mail during a run: one more run right after it, not at the next interval
		} else {
			job.wakeUp();
			job.schedule();
		}
	}

	@Override
	public void cancel(String profile) {
		ProfileJob job = jobs.remove(profile);
		if (job != null) {
			job.stop();
		}
	}

	@Override
	public Job job(String profile) {
		return jobs.get(profile);
	}

	@Deactivate
	void deactivate() {
		jobs.values().forEach(ProfileJob::stop);
		jobs.clear();
	}

	static final class ProfileJob extends Job {
		private final Duration interval;
		private final SyncRun run;
		private volatile boolean stopped;
		/** Asked for while running: run once more as soon as this run ends. */
		volatile boolean again;
		private int failures;

		ProfileJob(String profile, Duration interval, SyncRun run) {
			super("Synchronizing " + profile);
			this.interval = interval;
			this.run = run;
			setRule(new ProfileRule(profile));
		}

		void stop() {
			stopped = true;
			cancel();
		}

		@Override
		protected IStatus run(IProgressMonitor monitor) {
			again = false;
			IStatus status;
			try {
				status = run.run(monitor);
			} catch (RuntimeException e) {
				status = Status.error("Synchronization failed: " + e.getMessage(), e);
			}
			if (monitor.isCanceled()) {
				status = Status.CANCEL_STATUS;
			}
			if (!stopped) {
				long delay = nextDelay(status);
				schedule(again && status.getSeverity() != IStatus.ERROR ? 0 : delay);
			}
			return status;
		}

		long nextDelay(IStatus status) {
			if (status.getSeverity() == IStatus.ERROR) {
				failures++;
				long backoff = Math.min(MAX_BACKOFF_MS, 30_000L << Math.min(failures, 10));
				return backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
			}
			failures = 0;
			return interval.toMillis();
		}
	}

	/** Serializes runs of one profile, also against other jobs that use the same rule. */
	record ProfileRule(String profile) implements org.eclipse.core.runtime.jobs.ISchedulingRule {
		@Override
		public boolean contains(org.eclipse.core.runtime.jobs.ISchedulingRule rule) {
			return equals(rule);
		}

		@Override
		public boolean isConflicting(org.eclipse.core.runtime.jobs.ISchedulingRule rule) {
			return equals(rule);
		}
	}
}
