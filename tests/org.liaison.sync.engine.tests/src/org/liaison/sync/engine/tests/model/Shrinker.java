package org.liaison.sync.engine.tests.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.liaison.sync.engine.tests.model.Step.Fault;
import org.liaison.sync.engine.tests.model.Step.Kind;

/**
 * Shrinks a failing history: removes chunks of steps (halves, then smaller, down to single steps)
 * and simplifies syncs (no fault, no preview) as long as it still fails, so that what is left is
 * a short history that shows the bug.
 */
final class Shrinker {

	private static final int MAX_TRIES = 400;

	private Shrinker() {
	}

	static History shrink(History h, Predicate<History> fails) {
		History best = h;
		int tries = 0;
		boolean progress = true;
		while (progress && tries < MAX_TRIES) {
			progress = false;
			for (int chunk = Math.max(1, best.steps().size() / 2); chunk >= 1 && tries < MAX_TRIES; chunk /= 2) {
				for (int at = 0; at + chunk <= best.steps().size() && tries < MAX_TRIES;) {
					List<Step> fewer = new ArrayList<>(best.steps());
					fewer.subList(at, at + chunk).clear();
					if (fewer.isEmpty() || fewer.get(fewer.size() - 1).kind() != Kind.SYNC) {
						fewer.add(Step.sync(Fault.NONE, 0, false, false, 0));
					}
					tries++;
					History candidate = best.withSteps(fewer);
					if (fewer.size() < best.steps().size() && fails.test(candidate)) {
						best = candidate;
						progress = true;
					} else {
						at++;
					}
				}
			}
			for (int i = 0; i < best.steps().size() && tries < MAX_TRIES; i++) {
				Step s = best.steps().get(i);
				if (s.kind() == Kind.SYNC && (s.fault() != Fault.NONE || s.preview())) {
					List<Step> simpler = new ArrayList<>(best.steps());
					simpler.set(i, Step.sync(Fault.NONE, 0, s.force(), false, 0));
					tries++;
					History candidate = best.withSteps(simpler);
					if (fails.test(candidate)) {
						best = candidate;
						progress = true;
					}
				}
			}
		}
		return best;
	}
}
