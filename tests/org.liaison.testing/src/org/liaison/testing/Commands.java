package org.liaison.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.liaison.api.cli.Command;
import org.liaison.api.cli.CommandContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** Headless commands run as their services, in the test's framework, with their output captured. */
public final class Commands {

	private Commands() {
	}

	/** A command context whose output and errors go to one text. */
	public static final class Captured implements CommandContext {
		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
		private final IProgressMonitor monitor;

		public Captured() {
			this(new NullProgressMonitor());
		}

		public Captured(IProgressMonitor monitor) {
			this.monitor = monitor;
		}

		@Override
		public PrintStream out() {
			return out;
		}

		@Override
		public PrintStream err() {
			return out;
		}

		@Override
		public IProgressMonitor monitor() {
			return monitor;
		}

		/** What the command printed so far. */
		public String text() {
			return bytes.toString(StandardCharsets.UTF_8);
		}
	}

	/** The command service registered as {@code liaison.command=name}. */
	public static Command named(String name) throws InvalidSyntaxException {
		var ctx = Osgi.context();
		for (ServiceReference<Command> r : ctx.getServiceReferences(Command.class, "(" + Command.NAME + "=" + name + ")")) {
			return ctx.getService(r);
		}
		throw new AssertionError("no command service named " + name);
	}

	/** Runs a command, checks its exit code (the output is the failure message), and returns its output. */
	public static String run(Command command, int expectedExit, String... args) throws Exception {
		Captured c = new Captured();
		int code = command.run(new ArrayList<>(List.of(args)), c);
		if (code != expectedExit) {
			throw new AssertionError("exit code " + code + ", expected " + expectedExit + ":\n" + c.text());
		}
		return c.text();
	}
}
