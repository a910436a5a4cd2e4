package org.liaison.ui.internal.parts;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.liaison.ui.internal.Background;
import org.liaison.ui.internal.CrmTypes;
import org.liaison.ui.internal.Session;

/** Small helpers the parts share. */
final class Parts {

	private Parts() {
	}

	/**
	 * Runs a view's {@code load} once the window is up (so reads never delay it), and again whenever the
	 * session reports one of {@code changes} (any change when none is named), until {@code owner} is disposed.
	 */
	static void loadNowAndOn(Session session, Control owner, Runnable load, Session.Change... changes) {
		Set<Session.Change> on = changes.length == 0 ? EnumSet.allOf(Session.Change.class)
				: EnumSet.of(changes[0], changes);
		Consumer<Session.Change> listener = c -> {
			if (on.contains(c) && !owner.isDisposed()) {
				Background.ui(owner.getDisplay(), owner, load);
			}
		};
		session.addListener(listener);
		owner.addDisposeListener(e -> session.removeListener(listener));
		Background.ui(owner.getDisplay(), owner, load);
	}

	static void columns(Table table, String[] names, int[] widths) {
		for (int i = 0; i < names.length; i++) {
			TableColumn c = new TableColumn(table, SWT.NONE);
			c.setText(names[i]);
			c.setWidth(widths[i]);
		}
	}

	/** "Opportunity" for opportunities, and so on. */
	static String typeLabel(String entitySet) {
		CrmTypes t = CrmTypes.of(entitySet);
		String l = t == null ? entitySet : t.label();
		return l.endsWith("ies") ? l.substring(0, l.length() - 3) + "y" : l.endsWith("s") ? l.substring(0, l.length() - 1) : l;
	}
}
