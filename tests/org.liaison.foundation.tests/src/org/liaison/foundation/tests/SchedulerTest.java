package org.liaison.foundation.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;
import org.junit.jupiter.api.Test;
import org.liaison.sync.scheduler.SyncScheduler;
import org.liaison.testing.Osgi;

/**
 * The scheduler runs a profile's sync as an Eclipse Job: never two at once, on its interval, now on
 * demand, backing off with jitter after failures, and cancellable mid-run.
 */
class SchedulerTest {

	@Test
	void syncNowRunsOnceAndRunsNeverOverlap() throws Exception {
		SyncScheduler scheduler = Osgi.service(SyncScheduler.class);
		AtomicInteger running = new AtomicInteger();
		AtomicInteger maxRunning = new AtomicInteger();
		CountDownLatch ran = new CountDownLatch(2);
		scheduler.schedule("p1", Duration.ofMillis(50), monitor -> {
			int now = running.incrementAndGet();
			maxRunning.accumulateAndGet(now, Math::max);
			try {
				Thread.sleep(100);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
			running.decrementAndGet();
			ran.countDown();
			return Status.OK_STATUS;
		});
		scheduler.syncNow("p1");
		scheduler.syncNow("p1");
		assertTrue(ran.await(10, TimeUnit.SECONDS), "the job ran twice on its interval");
		scheduler.cancel("p1");
		assertEquals(1, maxRunning.get(), "never two runs of one profile at once");
	}

	@Test
	void syncNowDuringARun_runsOnceMoreRightAfterIt() throws Exception {
		SyncScheduler scheduler = Osgi.service(SyncScheduler.class);
		CountDownLatch firstStarted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch second = new CountDownLatch(1);
		AtomicInteger runs = new AtomicInteger();
		scheduler.schedule("again", Duration.ofHours(1), monitor -> {
			if (runs.incrementAndGet() == 1) {
				firstStarted.countDown();
				try {
					release.await(10, TimeUnit.SECONDS);
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			} else {
				second.countDown();
			}
			return Status.OK_STATUS;
		});
		scheduler.syncNow("again");
		assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
		scheduler.syncNow("again"); // new mail arrives while the run runs
		scheduler.syncNow("again");
		release.countDown();
		assertTrue(second.await(10, TimeUnit.SECONDS), "a second run right after the first, not an hour later");
		Thread.sleep(300);
		scheduler.cancel("again");
		assertEquals(2, runs.get(), "one more run, however often it was asked for");
	}

	/** The delays the job was scheduled with, after each run. */
	private static List<Long> delays(SyncScheduler scheduler, String profile, int runs, boolean[] fail)
			throws Exception {
		List<Long> delays = new CopyOnWriteArrayList<>();
		CountDownLatch done = new CountDownLatch(runs);
		AtomicInteger n = new AtomicInteger();
		scheduler.schedule(profile, Duration.ofMinutes(15), monitor -> {
			int i = n.getAndIncrement();
			return i < fail.length && fail[i] ? Status.error("the CRM is down") : Status.OK_STATUS;
		});
		Job job = scheduler.job(profile);
		job.addJobChangeListener(new JobChangeAdapter() {
			@Override
			public void scheduled(IJobChangeEvent event) {
				if (n.get() > 0 && event.getDelay() > 0 && delays.size() < runs) {
					delays.add(event.getDelay());
					done.countDown();
					if (delays.size() < runs) {
						// the test does not wait the back-off out: it runs again at once
						new Thread(() -> {
							try {
								while (job.getState() == Job.RUNNING) {
									Thread.sleep(5);
								}
							} catch (InterruptedException e) {
								return;
							}
							scheduler.syncNow(profile);
						}).start();
					}
				}
			}
		});
		scheduler.syncNow(profile);
		assertTrue(done.await(20, TimeUnit.SECONDS), "the job ran " + runs + " times: " + delays);
		scheduler.cancel(profile);
		return new ArrayList<>(delays);
	}

	@Test
	void failedRuns_backOffDoublingWithJitter_aGoodRunReturnsToTheInterval() throws Exception {
		SyncScheduler scheduler = Osgi.service(SyncScheduler.class);
		List<Long> d = delays(scheduler, "backoff", 4, new boolean[] { true, true, true, false });
		// 30 s doubled per failure, up to an hour; each delay is drawn in [backoff/2, backoff]
		long[] backoff = { 60_000, 120_000, 240_000 };
		for (int i = 0; i < backoff.length; i++) {
			long b = backoff[i];
			assertTrue(d.get(i) >= b / 2 && d.get(i) <= b, "failure " + (i + 1) + ": " + d.get(i) + " ms, not in ["
					+ b / 2 + ", " + b + "]: " + d);
		}
		assertEquals(Duration.ofMinutes(15).toMillis(), d.get(3), "after a good run, the interval again: " + d);

		// jitter: profiles failing together do not all come back at the same moment
		Set<Long> firstDelays = new HashSet<>();
		for (int p = 0; p < 5; p++) {
			firstDelays.add(delays(scheduler, "jitter" + p, 1, new boolean[] { true }).get(0));
		}
		assertTrue(firstDelays.size() > 1, "five failing profiles all waited " + firstDelays);
	}

	@Test
	void cancel_stopsTheRunningRun_andTheSchedule() throws Exception {
		SyncScheduler scheduler = Osgi.service(SyncScheduler.class);
		CountDownLatch started = new CountDownLatch(1);
		AtomicBoolean sawCancel = new AtomicBoolean();
		AtomicInteger runs = new AtomicInteger();
		scheduler.schedule("cancel", Duration.ofMillis(100), monitor -> {
			runs.incrementAndGet();
			started.countDown();
			long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (System.nanoTime() < end) {
				if (monitor.isCanceled()) {
					sawCancel.set(true);
					return Status.CANCEL_STATUS;
				}
				try {
					Thread.sleep(10);
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			}
			return Status.OK_STATUS;
		});
		Job job = scheduler.job("cancel");
		scheduler.syncNow("cancel");
		assertTrue(started.await(10, TimeUnit.SECONDS));
		long t0 = System.nanoTime();
		scheduler.cancel("cancel");
		assertTrue(job.join(10_000, null), "the run ended after cancel");
		assertTrue(sawCancel.get(), "the run saw the cancel through its monitor");
		assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "it stopped at once");
		assertEquals(IStatus.CANCEL, job.getResult().getSeverity());
		Thread.sleep(500); // five intervals
		assertEquals(1, runs.get(), "no run after cancel");
		assertEquals(null, scheduler.job("cancel"));
	}
}
