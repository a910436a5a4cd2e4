package org.liaison.crm.server.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ids the server chooses itself (activity parties, records created by POST without an id): time
 * ordered, as Dynamics' sequential GUIDs are, so that new keys land at the end of the key index
 * instead of splitting pages all over it. A UUID version 7 (RFC 9562): 48 bits of milliseconds,
 * then a counter that keeps ids made in the same millisecond in order, then random bits; its text
 * sorts as its number does, and the columns hold the text.
 */
final class Guids {

	/** Milliseconds in the upper 48 bits, the 12-bit counter below: one value, so increments carry over. */
	private static final AtomicLong LAST = new AtomicLong();

	private Guids() {
	}

	static String next() {
		long now = System.currentTimeMillis() << 12;
		long t = LAST.updateAndGet(last -> Math.max(last + 1, now));
		long msb = (t >>> 12) << 16 | 0x7000L | (t & 0xFFFL);
		long lsb = ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
		return new UUID(msb, lsb).toString();
	}
}
