package org.liaison.app.internal;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;

/**
 * Base of Liaison's headless applications ({@code ./liaison sync}, {@code crm-server}, ...): reads
 * the application arguments, answers {@code --help}, and turns the command's result into the exit
 * code (0 ok, 1 failure, 2 usage or not available).
 */
public abstract class CommandApplication implements IApplication {

	/** Exit code for a usage error, or a command that is not there yet. */
	public static final int USAGE = 2;

	private volatile Thread worker;

	/** The command's name as typed after {@code ./liaison}. */
	protected abstract String name();

	/** Usage text shown by {@code --help}. */
	protected abstract String usage();

	/** Runs the command. */
	protected abstract int run(List<String> args, PrintStream out, PrintStream err) throws Exception;

	@Override
	public Object start(IApplicationContext context) throws Exception {
		String[] raw = (String[]) context.getArguments().get(IApplicationContext.APPLICATION_ARGS);
		List<String> args = raw == null ? List.of() : Arrays.asList(raw);
		context.applicationRunning();
		worker = Thread.currentThread();
		if (args.contains("--help") || args.contains("-h")) {
			System.out.println(usage());
			return EXIT_OK;
		}
		try {
			int code = run(args, System.out, System.err);
			return code == 0 ? EXIT_OK : Integer.valueOf(code);
		} catch (UsageException e) {
			System.err.println("liaison " + name() + ": " + e.getMessage());
			System.err.println("Try './liaison " + name() + " --help'.");
			return Integer.valueOf(USAGE);
		} catch (Exception e) {
			System.err.println("liaison " + name() + ": " + e.getMessage());
			return Integer.valueOf(1);
		}
	}

	@Override
	public void stop() {
		Thread t = worker;
		if (t != null) {
			t.interrupt();
		}
	}

	/** A wrong command line. */
	public static class UsageException extends Exception {
		private static final long serialVersionUID = 1L;

		public UsageException(String message) {
			super(message);
		}
	}
}
