package org.liaison.offline.tests.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded, model-based random tests of going online: histories of offline work (edits, creates, deletes)
 * and concurrent changes in the reference CRM server (edits, creates, deletes), with replays that crash at
 * a random step and are resumed by a fresh service over the same store, and answers of 429. Each history
 * is checked by {@link Harness}: no duplicate, no lost edit except where a conflict record keeps the
 * loser, the replay converges, a second replay is a no-op. A failure reports its seed and a history
 * shrunk to the steps that still fail, with the line that replays it.
 *
 * <p>{@code -Dliaison.offline.histories=N} sets how many run; {@code -Dliaison.offline.seed=S} runs one
 * seed; {@code -Dliaison.offline.replay=...} replays a printed history.
 */
class ModelBasedReplayTest {

	private static final AtomicInteger checked = new AtomicInteger();
	private static final AtomicInteger failed = new AtomicInteger();
	private static final AtomicLong steps = new AtomicLong();
	private static final AtomicLong replays = new AtomicLong();
	private static long started = System.nanoTime();

	@AfterAll
	static void summary() {
		System.out.printf("Model-based offline replay: checked %d histories (%d steps, %d replays) against the reference"
				+ " CRM server in %.1f s, %d failed%n", checked.get(), steps.get(), replays.get(),
				(System.nanoTime() - started) / 1e9, failed.get());
	}

	@TestFactory
	Stream<DynamicTest> histories() {
		started = System.nanoTime();
		String replay = System.getProperty("liaison.offline.replay");
		if (replay != null && replay.contains("/")) {
			History h = History.decode(replay);
			return Stream.of(DynamicTest.dynamicTest("replay of seed " + h.seed(), () -> check(h)));
		}
		String one = System.getProperty("liaison.offline.seed");
		if (one != null && one.trim().matches("-?\\d+")) {
			long seed = Long.parseLong(one.trim());
			return Stream.of(DynamicTest.dynamicTest("seed " + seed, () -> check(History.generate(seed))));
		}
		int n = Integer.getInteger("liaison.offline.histories", 100);
		Random seeds = new Random(Long.getLong("liaison.offline.base", 20261124L));
		List<Long> list = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			list.add(seeds.nextLong());
		}
		return list.stream().map(seed -> DynamicTest.dynamicTest("history " + Long.toHexString(seed),
				() -> check(History.generate(seed))));
	}

	private static void check(History h) {
		Throwable failure = attempt(h, true);
		checked.incrementAndGet();
		steps.addAndGet(h.steps().size());
		if (failure == null) {
			return;
		}
		failed.incrementAndGet();
		History small = Shrinker.shrink(h, x -> attempt(x, false) != null);
		Throwable again = attempt(small, false);
		throw new AssertionError("history with seed " + h.seed() + " failed: " + failure.getMessage() + "\nshrunk from "
				+ h.steps().size() + " to " + small.steps().size() + " steps, failing with: "
				+ (again == null ? "(not again: flaky)" : again.getMessage()) + "\n" + small.describe()
				+ "replay: -Dliaison.offline.replay='" + small.encode() + "'", failure);
	}

	private static Throwable attempt(History h, boolean count) {
		Harness harness = new Harness(h);
		try {
			harness.run();
			return null;
		} catch (AssertionError | Exception e) {
			return e;
		} finally {
			if (count) {
				replays.addAndGet(harness.replays());
			}
		}
	}
}
