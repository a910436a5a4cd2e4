package org.liaison.app.internal;

/** {@code ./liaison sync}. */
public class SyncApplication extends NotYetApplication {

	@Override
	protected String name() {
		return "sync";
	}

	@Override
	protected String usage() {
		return "./liaison sync --profile FILE [--once | --watch] [--dry-run]nnKeeps the profile's mailbox and CRM in step, headless.";
	}
}
