package org.liaison.ui.wizard.internal;

import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;

/** Small helpers for the wizard's two-column forms; every input is tagged for UI tests. */
final class Forms {

	static final String TEST_ID = "org.liaison.test.id";

	private Forms() {
	}

	static Composite grid(Composite parent, int columns) {
		Composite c = new Composite(parent, SWT.NONE);
		GridLayout l = new GridLayout(columns, false);
		l.marginWidth = 0;
		c.setLayout(l);
		return c;
	}

	static Text text(Composite form, String label, String id, String value, Runnable changed) {
		return text(form, label, id, value, SWT.BORDER, changed);
	}

	static Text password(Composite form, String label, String id, Runnable changed) {
		return text(form, label, id, "", SWT.BORDER | SWT.PASSWORD, changed);
	}

	static Text text(Composite form, String label, String id, String value, int style, Runnable changed) {
		new Label(form, SWT.NONE).setText(label);
		Text t = new Text(form, style);
		t.setText(value == null ? "" : value);
		t.setData(TEST_ID, id);
		t.setLayoutData(fill(form));
		if (changed != null) {
			t.addModifyListener(e -> changed.run());
		}
		return t;
	}

	static Combo combo(Composite form, String label, String id, String[] items, String value, Runnable changed) {
		new Label(form, SWT.NONE).setText(label);
		Combo c = new Combo(form, SWT.READ_ONLY);
		c.setItems(items);
		c.setData(TEST_ID, id);
		c.setLayoutData(fill(form));
		int i = value == null ? 0 : java.util.Arrays.asList(items).indexOf(value);
		c.select(Math.max(0, i));
		if (changed != null) {
			c.addModifyListener(e -> changed.run());
		}
		return c;
	}

	static Button check(Composite form, String label, String id, boolean value, Runnable changed) {
		Button b = new Button(form, SWT.CHECK);
		b.setText(label);
		b.setSelection(value);
		b.setData(TEST_ID, id);
		GridData g = new GridData(SWT.FILL, SWT.CENTER, true, false);
		g.horizontalSpan = ((GridLayout) form.getLayout()).numColumns;
		b.setLayoutData(g);
		if (changed != null) {
			b.addListener(SWT.Selection, e -> changed.run());
		}
		return b;
	}

	static Button button(Composite parent, String label, String id, Runnable action) {
		Button b = new Button(parent, SWT.PUSH);
		b.setText(label);
		b.setData(TEST_ID, id);
		b.addListener(SWT.Selection, e -> action.run());
		return b;
	}

	/** A wrapping label spanning the form's columns, for results and notes. */
	static Label note(Composite form, String id) {
		Label l = new Label(form, SWT.WRAP);
		l.setData(TEST_ID, id);
		GridData g = new GridData(SWT.FILL, SWT.TOP, true, false);
		g.horizontalSpan = ((GridLayout) form.getLayout()).numColumns;
		g.widthHint = 520;
		l.setLayoutData(g);
		return l;
	}

	static GridData fill(Composite form) {
		GridData g = new GridData(SWT.FILL, SWT.CENTER, true, false);
		int cols = ((GridLayout) form.getLayout()).numColumns;
		g.horizontalSpan = Math.max(1, cols - 1);
		return g;
	}

	static void span(Control c, int columns) {
		GridData g = new GridData(SWT.FILL, SWT.CENTER, true, false);
		g.horizontalSpan = columns;
		c.setLayoutData(g);
	}

	static String value(Text t) {
		return t.getText().trim();
	}

	static int port(Text t) {
		try {
			int p = Integer.parseInt(t.getText().trim());
			return p > 0 && p < 65536 ? p : -1;
		} catch (NumberFormatException e) {
			return -1;
		}
	}

	/** The message of a failure for the user: the cause's message when it says more. */
	static String message(Throwable t) {
		Throwable c = t instanceof java.lang.reflect.InvocationTargetException i && i.getCause() != null ? i.getCause() : t;
		String m = c.getMessage();
		return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
	}

	static String get(Map<String, String> s, String key, String def) {
		String v = s.get(key);
		return v == null || v.isBlank() ? def : v;
	}
}
