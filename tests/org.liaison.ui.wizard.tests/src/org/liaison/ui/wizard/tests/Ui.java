package org.liaison.ui.wizard.tests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.liaison.testing.Osgi;
import org.liaison.testing.ui.Screenshots;
import org.liaison.testing.ui.Workbench;
import org.liaison.ui.wizard.ConfigurationWizard;

/**
 * Drives SWT widgets directly, as a user would (typing fires Modify, a click fires Selection), finding
 * them by the test id the wizard tags them with; on the UI thread.
 */
final class Ui {

	static final String TEST_ID = "org.liaison.test.id";

	private final Display display;

	Ui(Display display) {
		this.display = display;
	}

	/** The visible control tagged {@code id} in any open shell. */
	@SuppressWarnings("unchecked")
	<T extends Control> T find(String id) {
		for (Shell s : display.getShells()) {
			Control c = find(s, id);
			if (c != null) {
				return (T) c;
			}
		}
		throw new AssertionError("no control tagged " + id + " is open");
	}

	private static Control find(Control c, String id) {
		if (c.isDisposed()) {
			return null;
		}
		if (id.equals(c.getData(TEST_ID))) {
			return c;
		}
		if (c instanceof Composite k) {
			for (Control child : k.getChildren()) {
				Control f = find(child, id);
				if (f != null) {
					return f;
				}
			}
		}
		return null;
	}

	/** The open shell tagged {@code id}, or titled so. */
	Shell shell(String idOrTitle) {
		for (Shell s : display.getShells()) {
			if (!s.isDisposed() && s.isVisible()
					&& (idOrTitle.equals(s.getData(TEST_ID)) || idOrTitle.equals(s.getText()))) {
				return s;
			}
		}
		return null;
	}

	void type(String id, String text) {
		Control c = find(id);
		if (c instanceof Text t) {
			t.setText(text);
		} else if (c instanceof Combo k) {
			int i = List.of(k.getItems()).indexOf(text);
			if (i < 0) {
				throw new AssertionError(id + " has no item " + text + ": " + List.of(k.getItems()));
			}
			k.select(i);
			k.notifyListeners(SWT.Modify, new org.eclipse.swt.widgets.Event());
			k.notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
		} else {
			throw new AssertionError(id + " is not a text field: " + c);
		}
		settle();
	}

	/** Clicks a button (a radio or check box is selected first, its siblings deselected). */
	void click(String id) {
		click((Button) find(id));
	}

	void click(Button b) {
		if ((b.getStyle() & SWT.RADIO) != 0) {
			for (Control sibling : b.getParent().getChildren()) {
				if (sibling instanceof Button o && (o.getStyle() & SWT.RADIO) != 0) {
					o.setSelection(o == b);
				}
			}
		} else if ((b.getStyle() & SWT.CHECK) != 0) {
			b.setSelection(!b.getSelection());
		}
		b.notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
		settle();
	}

	/** The button of {@code shell} whose label is {@code text} (mnemonics ignored). */
	Button button(Shell shell, String text) {
		List<Button> all = new ArrayList<>();
		collect(shell, all);
		for (Button b : all) {
			if (b.getText().replace("&", "").equals(text)) {
				return b;
			}
		}
		throw new AssertionError("no button " + text + " in " + shell.getText());
	}

	private static void collect(Control c, List<Button> out) {
		if (c instanceof Button b) {
			out.add(b);
		}
		if (c instanceof Composite k) {
			for (Control child : k.getChildren()) {
				collect(child, out);
			}
		}
	}

	/** Selects the tree item labelled {@code text} in {@code shell} (e.g. a preference page). */
	void selectTreeItem(Shell shell, String text) {
		org.eclipse.swt.widgets.Tree tree = findTree(shell);
		for (org.eclipse.swt.widgets.TreeItem i : tree.getItems()) {
			if (i.getText().equals(text)) {
				tree.setSelection(i);
				org.eclipse.swt.widgets.Event e = new org.eclipse.swt.widgets.Event();
				e.item = i;
				tree.notifyListeners(SWT.Selection, e);
				settle();
				return;
			}
		}
		throw new AssertionError("no tree item " + text);
	}

	private static org.eclipse.swt.widgets.Tree findTree(Control c) {
		if (c instanceof org.eclipse.swt.widgets.Tree t) {
			return t;
		}
		if (c instanceof Composite k) {
			for (Control child : k.getChildren()) {
				org.eclipse.swt.widgets.Tree t = findTree(child);
				if (t != null) {
					return t;
				}
			}
		}
		return null;
	}

	String text(String id) {
		Control c = find(id);
		return c instanceof Label l ? l.getText() : c instanceof Text t ? t.getText() : String.valueOf(c);
	}

	/** Runs the event loop until {@code done}, failing after {@code seconds}. */
	void waitFor(String what, BooleanSupplier done, int seconds) {
		if (!Workbench.spinUntil(display, done, Duration.ofSeconds(seconds))) {
			throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
		}
	}

	void settle() {
		while (display.readAndDispatch()) {
			// drain
		}
	}

	/** What a test does to the open wizard, on the UI thread. */
	@FunctionalInterface
	interface Steps {
		void run() throws Exception;
	}

	/**
	 * Opens the configuration wizard on {@code profile} (null: a new one) over a fresh shell and runs
	 * {@code steps} inside its event loop; on failure a screenshot of the screen is saved as
	 * {@code name-failure.png}, the wizard is closed and the failure rethrown.
	 */
	ConfigurationWizard.Result wizard(String name, java.nio.file.Path profile, Steps steps) throws Exception {
		Shell parent = new Shell(display);
		java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
		display.asyncExec(() -> {
			try {
				waitFor("the wizard", () -> shell("wizard") != null, 30);
				steps.run();
			} catch (Throwable t) {
				failure.set(t);
				Screenshots.capture(display, null, Screenshots.failureFolder(), name + "-failure");
				Shell w = shell("wizard");
				if (w != null) {
					w.close();
				}
			}
		});
		ConfigurationWizard.Result result = Osgi.service(ConfigurationWizard.class).open(parent, profile);
		parent.dispose();
		if (failure.get() instanceof Exception e) {
			throw e;
		}
		if (failure.get() instanceof Error e) {
			throw e;
		}
		return result;
	}

	/**
	 * Watches for a shell titled {@code title} (a dialog a click will open, whose event loop blocks the
	 * click) and hands it to {@code answer} once it is up.
	 */
	void whenShell(String title, Consumer<Shell> answer) {
		Runnable[] poll = new Runnable[1];
		poll[0] = () -> {
			Shell s = shell(title);
			if (s == null) {
				display.timerExec(100, poll[0]);
			} else {
				answer.accept(s);
			}
		};
		display.timerExec(100, poll[0]);
	}
}
