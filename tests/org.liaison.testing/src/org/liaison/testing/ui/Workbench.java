package org.liaison.testing.ui;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.e4.ui.internal.workbench.E4Workbench;
import org.eclipse.e4.ui.internal.workbench.swt.E4Application;
import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.osgi.framework.Bundle;

/**
 * Runs Liaison's e4 workbench inside the test's OSGi framework, on the test's thread as UI thread,
 * and hands the test the running application to drive its SWT widgets directly. On failure a
 * screenshot of the screen is saved before the workbench closes. An ERROR entry in the platform log
 * while the workbench runs fails the test.
 */
public final class Workbench {

	/** What a UI test does once the main window is up; runs on the UI thread. */
	@FunctionalInterface
	public interface UiTest {
		void run(Display display, Shell mainWindow, MApplication application) throws Exception;
	}

	private Workbench() {
	}

	/**
	 * Starts the workbench from the Liaison application model, waits for its main window, runs
	 * {@code test} and closes the workbench.
	 *
	 * @param name the test's name, for the failure screenshot
	 */
	public static void run(String name, UiTest test) throws Exception {
		if (System.getenv("DISPLAY") == null || System.getenv("DISPLAY").startsWith("$")) {
			throw new AssertionError("UI tests need a display: run them through './liaison test' (it starts Xvfb)");
		}
		// the configuration wizard opens at start when there is no profile; UI tests ask for it explicitly
		if (System.getProperty("liaison.wizard.first-start") == null) {
			System.setProperty("liaison.wizard.first-start", "false");
		}
		Display display = Display.getDefault();
		java.util.List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
		org.eclipse.core.runtime.ILogListener logged = (status, plugin) -> {
			if (status.matches(org.eclipse.core.runtime.IStatus.ERROR)) {
				errors.add(status.getPlugin() + ": " + status.getMessage()
						+ (status.getException() == null ? "" : " (" + status.getException() + ")"));
			}
		};
		org.eclipse.core.runtime.Platform.addLogListener(logged);
		E4Application app = new E4Application();
		E4Workbench workbench = app.createE4Workbench(new Context(), display);
		MApplication application = workbench.getApplication();
		// the test runs once start-up is complete (add-ons such as the first-start wizard have had their
		// turn), in the workbench's own event loop rather than nested inside the window's rendering
		java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
		application.getContext().get(org.eclipse.e4.core.services.events.IEventBroker.class).subscribe(
				org.eclipse.e4.ui.workbench.UIEvents.UILifeCycle.APP_STARTUP_COMPLETE, e -> started.set(true));
		AtomicReference<Throwable> failure = new AtomicReference<>();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		Runnable[] poll = new Runnable[1];
		poll[0] = () -> {
			Shell main = started.get() ? mainWindow(display) : null;
			if (main == null) {
				if (System.nanoTime() > deadline) {
					failure.set(new AssertionError("the main window did not open within 60 s"));
					screenshotAndClose(display, null, name, workbench);
				} else {
					display.timerExec(100, poll[0]);
				}
				return;
			}
			try {
				test.run(display, main, application);
			} catch (Throwable t) {
				failure.set(t);
			}
			screenshotAndClose(display, main, name, failure.get() == null ? null : workbench, workbench);
		};
		display.timerExec(100, poll[0]);
		try {
			workbench.createAndRunUI(application);
		} finally {
			org.eclipse.core.runtime.Platform.removeLogListener(logged);
		}
		if (failure.get() == null && !errors.isEmpty()) {
			failure.set(new AssertionError("the workbench logged errors: " + errors));
		}
		Throwable t = failure.get();
		if (t instanceof Exception e) {
			throw e;
		}
		if (t instanceof Error e) {
			throw e;
		}
	}

	private static void screenshotAndClose(Display display, Shell shell, String name, E4Workbench failed,
			E4Workbench... close) {
		if (failed != null) {
			Screenshots.capture(display, null, Screenshots.failureFolder(), name + "-failure");
		}
		E4Workbench w = close.length > 0 ? close[0] : failed;
		if (w != null) {
			w.close();
		}
	}

	/** The visible top-level shell titled Liaison, or null. */
	public static Shell mainWindow(Display display) {
		for (Shell s : display.getShells()) {
			if (s.isVisible() && s.getText() != null && s.getText().startsWith("Liaison")) {
				return s;
			}
		}
		return null;
	}

	/** Runs the event loop until {@code done} or the timeout; returns whether {@code done} held. */
	public static boolean spinUntil(Display display, java.util.function.BooleanSupplier done, Duration timeout) {
		long end = System.nanoTime() + timeout.toNanos();
		while (!done.getAsBoolean()) {
			if (System.nanoTime() > end) {
				return false;
			}
			if (!display.readAndDispatch()) {
				display.timerExec(20, () -> {
				});
				display.sleep();
			}
		}
		return true;
	}

	/** The application context E4Application reads its model and CSS from, as the product gives them. */
	static final class Context implements IApplicationContext {
		private final Map<String, Object> arguments = new HashMap<>();

		Context() {
			arguments.put(IApplicationContext.APPLICATION_ARGS, new String[] { "-applicationXMI",
					"org.liaison.ui/Application.e4xmi", "-applicationCSS",
					"platform:/plugin/org.liaison.ui/css/liaison.css", "-clearPersistedState" });
		}

		@Override
		public Map<String, Object> getArguments() {
			return arguments;
		}

		@Override
		public void applicationRunning() {
		}

		@Override
		public String getBrandingApplication() {
			return "org.eclipse.e4.ui.workbench.swt.E4Application";
		}

		@Override
		public String getBrandingName() {
			return "Liaison";
		}

		@Override
		public String getBrandingDescription() {
			return "Liaison";
		}

		@Override
		public String getBrandingId() {
			return "org.liaison.ui.product";
		}

		@Override
		public String getBrandingProperty(String key) {
			return null;
		}

		@Override
		public Bundle getBrandingBundle() {
			return null;
		}

		@Override
		public void setResult(Object result, IApplication application) {
		}
	}
}
