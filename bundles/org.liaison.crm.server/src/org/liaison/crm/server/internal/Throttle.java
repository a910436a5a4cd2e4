package org.liaison.crm.server.internal;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Service protection: at most {@code limit} requests per user in a sliding window (requests inside a
 * $batch count one each, as in Dynamics); past it, 429 with Retry-After. Tests can also inject a
 * number of 429 or 503 answers.
 */
final class Throttle {

	private final Map<String, ArrayDeque<Long>> seen = new ConcurrentHashMap<>();
	volatile int limit = 6000;
	volatile long windowMillis = 300_000;

	private volatile int faultStatus;
	private final AtomicInteger faultsLeft = new AtomicInteger();
	private volatile int faultRetryAfter;

	void inject(int status, int count, int retryAfterSeconds) {
		faultStatus = status;
		faultRetryAfter = retryAfterSeconds;
		faultsLeft.set(count);
	}

	/** Throws the injected fault, if one is pending. */
	void fault() {
		if (faultsLeft.get() > 0 && faultsLeft.getAndDecrement() > 0) {
			ApiError e = faultStatus == 429
					? new ApiError(429, ApiError.THROTTLED_REQUESTS, "Number of requests exceeded the limit of " + limit
							+ " over time window of " + windowMillis / 1000 + " seconds. (injected for a test)")
					: new ApiError(faultStatus, ApiError.UNAVAILABLE, "The service is temporarily unavailable. (injected for a test)");
			if (faultRetryAfter >= 0) {
				e.header("Retry-After", Integer.toString(faultRetryAfter));
			}
			throw e;
		}
	}

	/** Counts {@code n} requests of {@code user}, or throws 429 when the window is full. */
	void count(String user, int n) {
		ArrayDeque<Long> q = seen.computeIfAbsent(user, k -> new ArrayDeque<>());
		long now = System.currentTimeMillis();
		synchronized (q) {
			while (!q.isEmpty() && q.peekFirst() <= now - windowMillis) {
				q.pollFirst();
			}
			if (q.size() + n > limit) {
				long oldest = q.isEmpty() ? now : q.peekFirst();
				long wait = Math.max(1, (oldest + windowMillis - now + 999) / 1000);
				throw new ApiError(429, ApiError.THROTTLED_REQUESTS, "Number of requests exceeded the limit of " + limit
						+ " over time window of " + windowMillis / 1000 + " seconds.").header("Retry-After", Long.toString(wait));
			}
			for (int i = 0; i < n; i++) {
				q.addLast(now);
			}
		}
	}
}
