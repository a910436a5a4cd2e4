package org.liaison.ui.tests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.liaison.testing.ui.Workbench;
import org.liaison.ui.internal.Background;
import org.liaison.ui.internal.Ids;

/** Driving SWT widgets directly: find by test id, click, select, wait. */
final class Ui {

	static final Duration WAIT = Duration.ofSeconds(60);

	private Ui() {
	}

	/** The control tagged {@code id} under {@code root}, or null. */
	static Control find(Composite root, String id) {
		List<Control> todo = new ArrayList<>(List.of(root.getChildren()));
		while (!todo.isEmpty()) {
			Control c = todo.remove(0);
			if (id.equals(c.getData(Ids.KEY))) {
				return c;
			}
			if (c instanceof Composite k) {
				todo.addAll(List.of(k.getChildren()));
			}
		}
		return null;
	}

	/** Waits (running the event loop) for the control tagged {@code id} in any shell. */
	@SuppressWarnings("unchecked")
	static <T extends Control> T await(Display display, String id) {
		Control[] found = new Control[1];
		until(display, () -> {
			for (Shell s : display.getShells()) {
				if (id.equals(s.getData(Ids.KEY))) {
					found[0] = s;
					return true;
				}
				found[0] = find(s, id);
				if (found[0] != null && !found[0].isDisposed()) {
					return true;
				}
			}
			return false;
		}, "a control '" + id + "'");
		return (T) found[0];
	}

	static void until(Display display, BooleanSupplier done, String what) {
		if (!Workbench.spinUntil(display, done, WAIT)) {
			throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what);
		}
	}

	static <T> T until(Display display, Supplier<T> value, String what) {
		Object[] v = new Object[1];
		until(display, () -> (v[0] = value.get()) != null, what);
		@SuppressWarnings("unchecked")
		T t = (T) v[0];
		return t;
	}

	/** Waits until no workbench Job runs and the UI has taken their results. */
	static void idle(Display display) {
		until(display, () -> Job.getJobManager().find(Background.FAMILY).length == 0, "the workbench's jobs");
		Workbench.spinUntil(display, () -> false, Duration.ofMillis(300));
	}

	static void click(Button b) {
		if ((b.getStyle() & SWT.RADIO) != 0) {
			for (Control sibling : b.getParent().getChildren()) {
				if (sibling instanceof Button o && (o.getStyle() & SWT.RADIO) != 0) {
					o.setSelection(o == b);
				}
			}
		}
		Event e = new Event();
		b.notifyListeners(SWT.Selection, e);
	}

	static void select(Table table, int index) {
		table.setSelection(index);
		Event e = new Event();
		e.item = table.getItem(index);
		table.notifyListeners(SWT.Selection, e);
	}

	/** The first row whose column {@code column} is {@code text}, or -1. */
	static int row(Table table, int column, String text) {
		for (int i = 0; i < table.getItemCount(); i++) {
			if (table.getItem(i).getText(column).equals(text)) {
				return i;
			}
		}
		return -1;
	}
}
