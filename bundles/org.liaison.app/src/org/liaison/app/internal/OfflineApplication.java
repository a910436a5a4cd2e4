package org.liaison.app.internal;

/** {@code ./liaison offline}. */
public class OfflineApplication extends NotYetApplication {

	@Override
	protected String name() {
		return "offline";
	}

	@Override
	protected String usage() {
		return "./liaison offline go|status|online --profile FILEnnGo Offline: copies CRM records into the local store, and replays offline changes.";
	}
}
