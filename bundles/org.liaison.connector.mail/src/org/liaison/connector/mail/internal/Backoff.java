package org.liaison.connector.mail.internal;

/** Exponential backoff between reconnects: 250 ms, 500 ms, 1 s, ... capped. */
final class Backoff {

	static final int ATTEMPTS = 4;

	private Backoff() {
	}

	static long delayMillis(int attempt, long capMillis) {
		long d = 250L << Math.min(attempt, 16);
		return Math.min(d, capMillis);
	}

	static void sleep(int attempt, long capMillis) throws InterruptedException {
		Thread.sleep(delayMillis(attempt, capMillis));
	}
}
