package org.liaison.offline.tests.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Makes a failing history small: drops runs of steps (from long runs to single steps) and takes the
 * crashes and throttling out of replays, keeping every change that still fails, so that what is left
 * shows the bug in a few steps. The last step stays a replay.
 */
final class Shrinker {

	private static final int BUDGET = 150;

	private Shrinker() {
	}

	static History shrink(History failing, Predicate<History> fails) {
		History best = failing;
		int tries = 0;
		boolean smaller = true;
		while (smaller && tries < BUDGET) {
			smaller = false;
			int n = best.steps().size() - 1;
			for (int len = n; len >= 1 && tries < BUDGET; len = len / 2) {
				for (int from = n - len; from >= 0 && tries < BUDGET; from--) {
					List<Step> fewer = new ArrayList<>(best.steps());
					fewer.subList(from, from + len).clear();
					tries++;
					if (fails.test(best.withSteps(fewer))) {
						best = best.withSteps(fewer);
						n = best.steps().size() - 1;
						from = Math.min(from, n - len + 1);
						smaller = true;
					}
				}
			}
			for (int i = 0; i < best.steps().size() && tries < BUDGET; i++) {
				Step s = best.steps().get(i);
				if (s.kind() == Step.Kind.ONLINE && (s.crashAt() > 0 || s.throttle() > 0)) {
					List<Step> plain = new ArrayList<>(best.steps());
					plain.set(i, Step.online(0, 0));
					tries++;
					if (fails.test(best.withSteps(plain))) {
						best = best.withSteps(plain);
						smaller = true;
					}
				}
			}
		}
		return best;
	}
}
