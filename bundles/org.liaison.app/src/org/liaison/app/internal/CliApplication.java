package org.liaison.app.internal;

import java.io.Console;
import java.util.Hashtable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.liaison.api.cli.Command;
import org.liaison.api.security.MasterPasswordPrompt;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.liaison.api.cli.CommandContext;
import org.liaison.api.cli.ProgressLine;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The one headless application of the product: {@code -application org.liaison.app.cli NAME ARGS}
 * runs the {@link Command} service named NAME. {@code ./liaison} maps its subcommands onto it.
 * A command that is not installed yet says so and exits 2.
 */
public class CliApplication implements IApplication {

	/** Commands that Liaison has or will have, with a line each for the overview. */
	static final Map<String, String> KNOWN = new TreeMap<>(Map.of( //
			"sync", "keep the mailbox and the CRM in step (headless)", //
			"crm-server", "run Liaison's reference CRM server", //
			"offline", "go offline with CRM records, and back online", //
			"demo", "the reference CRM server and a sample mailbox, with the desktop on them", //
			"bench", "benchmarks, with the figures of the named peers"));

	private volatile IProgressMonitor current;

	@Override
	public Object start(IApplicationContext app) throws Exception {
		String[] raw = (String[]) app.getArguments().get(IApplicationContext.APPLICATION_ARGS);
		List<String> args = new ArrayList<>(raw == null ? List.of() : Arrays.asList(raw));
		app.applicationRunning();
		PrintStream out = System.out;
		PrintStream err = System.err;
		if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
			out.println(overview());
			return args.isEmpty() ? Integer.valueOf(Command.USAGE) : EXIT_OK;
		}
		String name = args.remove(0);
		Command command = find(name);
		if (command == null) {
			if (KNOWN.containsKey(name)) {
				err.println("liaison " + name + ": not there yet in this version of Liaison.");
			} else {
				err.println("liaison: unknown command '" + name + "'.\n\n" + overview());
			}
			return Integer.valueOf(Command.USAGE);
		}
		if (args.contains("--help") || args.contains("-h")) {
			out.println(command.usage());
			return EXIT_OK;
		}
		ProgressLine monitor = new ProgressLine(err, System.console() != null);
		current = monitor;
		ServiceRegistration<MasterPasswordPrompt> prompt = consolePrompt();
		Thread cancelOnCtrlC = new Thread(() -> monitor.setCanceled(true), "liaison-cancel");
		Runtime.getRuntime().addShutdownHook(cancelOnCtrlC);
		try {
			int code = command.run(args, new Context(out, err, monitor));
			return code == 0 ? EXIT_OK : Integer.valueOf(code);
		} catch (IllegalArgumentException e) {
			err.println("liaison " + name + ": " + e.getMessage());
			err.println("Try './liaison " + name + " --help'.");
			return Integer.valueOf(Command.USAGE);
		} catch (Exception | LinkageError e) {
			err.println("liaison " + name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
			if (e instanceof LinkageError || e instanceof RuntimeException) {
				e.printStackTrace(err);
			}
			return Integer.valueOf(1);
		} finally {
			monitor.done();
			if (prompt != null) {
				prompt.unregister();
			}
			try {
				Runtime.getRuntime().removeShutdownHook(cancelOnCtrlC);
			} catch (IllegalStateException shuttingDown) {
				// the hook is running: Ctrl-C
			}
		}
	}

	/**
	 * Asks for the master password of secure storage on the console, for any command that reads or
	 * stores a secret, when the environment ({@code LIAISON_MASTER_PASSWORD}) does not give it; with
	 * no console (a pipe, CI) there is no prompt, and storing a secret fails saying what to set.
	 */
	private static ServiceRegistration<MasterPasswordPrompt> consolePrompt() {
		Console console = System.console();
		Bundle bundle = FrameworkUtil.getBundle(CliApplication.class);
		BundleContext ctx = bundle == null ? null : bundle.getBundleContext();
		if (console == null || System.getenv("LIAISON_MASTER_PASSWORD") != null || ctx == null) {
			return null;
		}
		Hashtable<String, Object> props = new Hashtable<>();
		props.put(Constants.SERVICE_RANKING, -100);
		return ctx.registerService(MasterPasswordPrompt.class,
				create -> console.readPassword(create ? "Choose Liaison's master password (protects secure storage): "
						: "Liaison's master password: "),
				props);
	}

	@Override
	public void stop() {
		IProgressMonitor m = current;
		if (m != null) {
			m.setCanceled(true);
		}
	}

	static String overview() {
		StringBuilder b = new StringBuilder("Usage: ./liaison [COMMAND] [ARGS]   (no command: the desktop)\n\nCommands:\n");
		b.append(String.format("  %-12s %s%n", "(none)", "the Liaison desktop"));
		KNOWN.forEach((k, v) -> b.append(String.format("  %-12s %s%n", k, v)));
		b.append(String.format("  %-12s %s%n", "test", "build and run all tests (installs what they need)"));
		b.append("\nEach command takes --help.");
		return b.toString();
	}

	/** The command service named {@code name}, waiting briefly for DS to register it at start-up. */
	static Command find(String name) throws InvalidSyntaxException, InterruptedException {
		BundleContext ctx = FrameworkUtil.getBundle(CliApplication.class).getBundleContext();
		String filter = "(&(objectClass=" + Command.class.getName() + ")(" + Command.NAME + "=" + name + "))";
		ServiceTracker<Command, Command> t = new ServiceTracker<>(ctx, ctx.createFilter(filter), null);
		t.open();
		// DS registers the components while the framework starts; the tracker stays open for the
		// run, so that the command's component is not deactivated under it.
		Command c = t.waitForService(500);
		if (c == null) {
			t.close();
		}
		return c;
	}

	record Context(PrintStream out, PrintStream err, IProgressMonitor monitor) implements CommandContext {
	}
}
