package org.liaison.ui.internal;

import java.util.function.Consumer;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;

/**
 * Every remote call and every store read of the workbench runs here: as an Eclipse Job with progress
 * (the status line shows it), its result handed back to the UI thread while the view still exists,
 * a failure shown in the status line with what failed and why. The UI thread never waits.
 */
public final class Background {

	/** Work off the UI thread. */
	@FunctionalInterface
	public interface Work<T> {
		T run(IProgressMonitor monitor) throws Exception;
	}

	/** Jobs of the workbench belong to this family (tests and the benchmark wait for them). */
	public static final Object FAMILY = new Object();

	private Background() {
	}

	/**
	 * Runs {@code work} as a Job named {@code name}; {@code done} gets the result on the UI thread unless
	 * {@code owner} was disposed meanwhile.
	 */
	public static <T> Job run(String name, Control owner, Work<T> work, Consumer<T> done) {
		return run(name, owner, work, done, null);
	}

	/** As {@link #run(String, Control, Work, Consumer)}, with {@code failed} told the message on failure. */
	public static <T> Job run(String name, Control owner, Work<T> work, Consumer<T> done, Consumer<String> failed) {
		Job job = job(name, owner, work, done, failed);
		job.schedule();
		return job;
	}

	/** The Job without scheduling it (for debounced searches that reschedule it). */
	public static <T> Job job(String name, Control owner, Work<T> work, Consumer<T> done, Consumer<String> failed) {
		Display display = owner.getDisplay();
		Job job = new Job(name) {
			@Override
			protected IStatus run(IProgressMonitor monitor) {
				try {
					T result = work.run(monitor);
					if (monitor.isCanceled()) {
						return Status.CANCEL_STATUS;
					}
					ui(display, owner, () -> {
						if (done != null) {
							done.accept(result);
						}
					});
					return Status.OK_STATUS;
				} catch (OperationCanceledException e) {
					return Status.CANCEL_STATUS;
				} catch (Exception e) {
					String message = name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
					StatusLine.problem(display, message);
					if (failed != null) {
						ui(display, owner, () -> failed.accept(message));
					}
					// a warning: shown to the user, not a crash
					return Status.OK_STATUS;
				}
			}

			@Override
			public boolean belongsTo(Object family) {
				return family == FAMILY;
			}
		};
		job.setUser(false);
		return job;
	}

	/** Runs {@code r} on the UI thread later, if {@code owner} still exists then. */
	public static void ui(Display display, Control owner, Runnable r) {
		if (display.isDisposed()) {
			return;
		}
		display.asyncExec(() -> {
			if (owner == null || !owner.isDisposed()) {
				r.run();
			}
		});
	}
}
