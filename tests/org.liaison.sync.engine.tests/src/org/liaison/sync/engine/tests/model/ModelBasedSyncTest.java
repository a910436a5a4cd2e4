package org.liaison.sync.engine.tests.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.liaison.api.store.StoreException;
import org.liaison.store.derby.DerbyProfileStore;

/**
 * Stateful, model-based random tests of the engine: seeded histories of creates, edits, deletes,
 * filter changes and fresh installs on both sides, with syncs hit by transient failures, lost
 * responses, flaky ETags and crashes between journal steps, each checked against the reference
 * model (see {@link Harness}). A failure reports its seed and a history shrunk to the steps that
 * still make it fail, with the line that replays it.
 *
 * <p>{@code -Dliaison.histories=N} sets how many histories run (default 1000);
 * {@code -Dliaison.history.seed=S} runs one seed; {@code -Dliaison.history.replay=...} replays a
 * printed history.
 */
class ModelBasedSyncTest {

	private static final AtomicInteger checked = new AtomicInteger();
	private static final AtomicInteger failed = new AtomicInteger();
	private static final AtomicLong engineRuns = new AtomicLong();
	private static final AtomicLong steps = new AtomicLong();
	private static DerbyProfileStore store;
	private static long started;

	private static synchronized DerbyProfileStore store() throws StoreException {
		if (store == null) {
			store = DerbyProfileStore.openInMemory("model-based");
			started = System.nanoTime();
		}
		return store;
	}

	@AfterAll
	static void summary() throws StoreException {
		System.out.printf("Model-based sync: checked %d histories (%d steps, %d engine runs) in %.1f s, %d failed%n",
				checked.get(), steps.get(), engineRuns.get(), (System.nanoTime() - started) / 1e9, failed.get());
		if (store != null) {
			store.close();
			store = null;
		}
	}

	@TestFactory
	Stream<DynamicTest> histories() {
		String replay = System.getProperty("liaison.history.replay");
		if (replay != null && !replay.isBlank()) {
			History h = History.decode(replay);
			return Stream.of(DynamicTest.dynamicTest("replay of seed " + h.seed(), () -> check(h)));
		}
		String one = System.getProperty("liaison.history.seed");
		if (one != null && !one.isBlank()) {
			long seed = Long.parseLong(one.trim());
			return Stream.of(DynamicTest.dynamicTest("seed " + seed, () -> check(History.generate(seed))));
		}
		int n = Integer.getInteger("liaison.histories", 1000);
		long base = Long.getLong("liaison.history.base", 20261123L);
		Random seeds = new Random(base);
		List<Long> list = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			list.add(seeds.nextLong());
		}
		return list.stream().map(seed -> DynamicTest.dynamicTest("history " + Long.toHexString(seed), () -> check(History.generate(seed))));
	}

	private static void check(History h) throws Exception {
		Throwable failure = attempt(h);
		checked.incrementAndGet();
		steps.addAndGet(h.steps().size());
		if (failure == null) {
			return;
		}
		failed.incrementAndGet();
		History small = Shrinker.shrink(h, history -> attempt(history) != null);
		Throwable smallFailure = attempt(small);
		throw new AssertionError("history with seed " + h.seed() + " failed: " + failure.getMessage()
				+ "\nshrunk from " + h.steps().size() + " to " + small.steps().size() + " steps, failing with: "
				+ (smallFailure == null ? "(flaky)" : smallFailure.getMessage()) + "\n" + small.describe()
				+ "replay: -Dliaison.history.replay='" + small.encode() + "'", failure);
	}

	/** Runs a history; returns what went wrong, or null. */
	static Throwable attempt(History h) {
		try {
			Harness harness = new Harness(h, store().syncState());
			try {
				harness.run();
			} finally {
				engineRuns.addAndGet(harness.runs());
			}
			return null;
		} catch (AssertionError | Exception e) {
			return e;
		}
	}
}
