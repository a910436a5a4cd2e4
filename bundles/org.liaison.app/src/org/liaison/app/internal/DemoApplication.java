package org.liaison.app.internal;

/** {@code ./liaison demo}. */
public class DemoApplication extends NotYetApplication {

	@Override
	protected String name() {
		return "demo";
	}

	@Override
	protected String usage() {
		return "./liaison demonnStarts the reference CRM server with a sample organization and a sample mailbox, and opens the desktop on them.";
	}
}
