package org.liaison.app.internal;

import java.io.PrintStream;
import java.util.List;

/** A command a later issue fills in: says so clearly and exits 2. */
abstract class NotYetApplication extends CommandApplication {

	@Override
	protected int run(List<String> args, PrintStream out, PrintStream err) {
		err.println("liaison " + name() + ": not there yet in this version of Liaison.");
		return USAGE;
	}
}
