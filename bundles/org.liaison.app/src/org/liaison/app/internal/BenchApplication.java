package org.liaison.app.internal;

/** {@code ./liaison bench}. */
public class BenchApplication extends NotYetApplication {

	@Override
	protected String name() {
		return "bench";
	}

	@Override
	protected String usage() {
		return "./liaison bench store|crm|mailbox|sync|offline|uinnRuns a benchmark and prints its figures beside those of the named peers.";
	}
}
