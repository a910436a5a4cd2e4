package org.liaison.ui.internal.parts;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.liaison.ui.internal.CrmTypes;

/** Small helpers the parts share. */
final class Parts {

	private Parts() {
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
