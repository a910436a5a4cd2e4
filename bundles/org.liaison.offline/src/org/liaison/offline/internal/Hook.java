package org.liaison.offline.internal;

/**
 * Called after each step that leaves state behind: a page of the first copy committed, a batch of
 * offline changes sent, its outcome recorded. Crash tests throw from here (an {@link Error}, which
 * Go Offline never catches) to stop a run between any two steps; a fresh service then resumes.
 */
@FunctionalInterface
public interface Hook {

	Hook NONE = step -> {
	};

	/** The step just done: {@code tracking}, {@code page}, {@code refresh}, {@code references}, {@code send}, {@code sent}, {@code recorded}, {@code reread}. */
	void step(String step);
}
