package org.liaison.testing.memory;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * A logical clock for in-memory collections: every reading is one second after the one before,
 * so that "newest wins" is decided the same way in every run of a seeded test.
 */
public final class TestClock implements Supplier<Instant> {

	private long seconds;

	public TestClock() {
		this(1_700_000_000L);
	}

	public TestClock(long startEpochSecond) {
		this.seconds = startEpochSecond;
	}

	@Override
	public synchronized Instant get() {
		return Instant.ofEpochSecond(++seconds);
	}

	/** The time of the last reading, without advancing. */
	public synchronized Instant now() {
		return Instant.ofEpochSecond(seconds);
	}
}
