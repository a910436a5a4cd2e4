package org.liaison.foundation.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.core.runtime.Status;
import org.junit.jupiter.api.Test;
import org.liaison.sync.scheduler.SyncScheduler;
import org.liaison.testing.Osgi;

/** The scheduler runs a profile's sync as an Eclipse Job, never two at once. */
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
}
