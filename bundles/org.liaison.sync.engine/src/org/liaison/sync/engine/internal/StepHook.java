package org.liaison.sync.engine.internal;

/**
 * Called at each step of the journal protocol: after intents are journaled, after each effect,
 * after the batch that marks them done. Crash tests throw from here (an {@link Error}, which the
 * engine never catches) to stop a run between any two steps.
 */
@FunctionalInterface
public interface StepHook {

	StepHook NONE = step -> {
	};

	/** The step just completed, e.g. {@code journal}, {@code effect}, {@code commit}. */
	void step(String step);
}
