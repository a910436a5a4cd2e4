package org.liaison.testing.memory;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

import org.liaison.api.model.ItemData;
import org.liaison.api.sync.ItemRejectedException;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.TransientException;

/**
 * Faults a {@link MemoryCollection} injects, for the failures a real server cannot be made to show
 * on demand: calls that fail, responses lost after the write took effect, flaky ETags, and content
 * the server refuses. Counted, so a test can tell that a fault was actually met.
 */
public final class Faults {

	/** The calls of an {@link org.liaison.api.sync.ItemCollection}. */
	public enum Op {
		LIST, GET, CREATE, UPDATE, DELETE, WHY_GONE;

		boolean write() {
			return this == CREATE || this == UPDATE || this == DELETE;
		}
	}

	private final Map<Op, Integer> failNext = new EnumMap<>(Op.class);
	private final Map<Op, Integer> loseNext = new EnumMap<>(Op.class);
	private Random random;
	private double failRate;
	private double lostRate;
	private double flakyRate;
	private long retryAfterMillis = -1;
	private Predicate<ItemData> reject;
	private String rejectReason;
	private int injected;

	/** The next {@code times} calls of {@code op} fail with a {@link TransientException}, doing nothing. */
	public synchronized Faults failNext(Op op, int times) {
		failNext.merge(op, times, Integer::sum);
		return this;
	}

	/**
	 * The next {@code times} writes of {@code op} take effect, then fail with a
	 * {@link TransientException} as if the response was lost on the way back.
	 */
	public synchronized Faults loseResponseNext(Op op, int times) {
		if (!op.write()) {
			throw new IllegalArgumentException("only writes can lose their response: " + op);
		}
		loseNext.merge(op, times, Integer::sum);
		return this;
	}

	/**
	 * Random faults from a seeded generator: each call fails with probability {@code failRate}; each
	 * write that goes through loses its response with probability {@code lostRate}.
	 */
	public synchronized Faults random(long seed, double failRate, double lostRate) {
		this.random = new Random(seed);
		this.failRate = failRate;
		this.lostRate = lostRate;
		return this;
	}

	/**
	 * With probability {@code rate}, a listing or fetch reports an item's version in another (weak)
	 * form, as servers that rewrite ETags do; conditional writes accept either form.
	 */
	public synchronized Faults flakyEtags(long seed, double rate) {
		if (random == null) {
			random = new Random(seed);
		}
		this.flakyRate = rate;
		return this;
	}

	/** Injected transient failures carry this Retry-After. */
	public synchronized Faults retryAfter(long millis) {
		this.retryAfterMillis = millis;
		return this;
	}

	/** Creates and updates of content matching {@code test} are refused (as HTTP 400 would be). */
	public synchronized Faults reject(Predicate<ItemData> test, String reason) {
		this.reject = test;
		this.rejectReason = reason;
		return this;
	}

	/** Stops every fault. */
	public synchronized Faults off() {
		failNext.clear();
		loseNext.clear();
		random = null;
		failRate = 0;
		lostRate = 0;
		flakyRate = 0;
		reject = null;
		return this;
	}

	/** How many faults were injected so far. */
	public synchronized int injected() {
		return injected;
	}

	synchronized void beforeCall(Op op, String what) throws SyncException {
		Integer n = failNext.get(op);
		if (n != null && n > 0) {
			failNext.put(op, n - 1);
			injected++;
			throw transientFault(op + " " + what + " failed (injected fault)");
		}
		if (random != null && failRate > 0 && random.nextDouble() < failRate) {
			injected++;
			throw transientFault(op + " " + what + " failed (injected random fault)");
		}
	}

	synchronized void checkContent(ItemData data, String what) throws ItemRejectedException {
		if (reject != null && reject.test(data)) {
			injected++;
			throw new ItemRejectedException(what + " was refused: " + rejectReason);
		}
	}

	/** Called after a write took effect: throws if its response is to be lost. */
	synchronized void afterWrite(Op op, String what) throws SyncException {
		Integer n = loseNext.get(op);
		if (n != null && n > 0) {
			loseNext.put(op, n - 1);
			injected++;
			throw transientFault(op + " " + what + " took effect but its response was lost (injected fault)");
		}
		if (random != null && lostRate > 0 && random.nextDouble() < lostRate) {
			injected++;
			throw transientFault(op + " " + what + " took effect but its response was lost (injected random fault)");
		}
	}

	synchronized String reported(String version) {
		if (random != null && flakyRate > 0 && random.nextDouble() < flakyRate) {
			injected++;
			return "W/" + version;
		}
		return version;
	}

	private TransientException transientFault(String message) {
		return retryAfterMillis >= 0 ? new TransientException(message, retryAfterMillis)
				: new TransientException(message);
	}
}
