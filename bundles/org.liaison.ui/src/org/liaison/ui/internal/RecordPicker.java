package org.liaison.ui.internal;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.model.RecordRef;

/**
 * Picks a CRM record to set regarding: searches the synchronizing organization as the user types
 * (a Job, started 250 ms after the last key, the previous search cancelled), in accounts, contacts,
 * leads and opportunities or one of them.
 */
public class RecordPicker extends Dialog {

	/** Quiet time after the last key before the search starts. */
	static final int DEBOUNCE_MS = 250;
	/** Records shown per type. */
	static final int PER_TYPE = 15;

	private final Session session;
	private Combo type;
	private Text search;
	private Table results;
	private Label status;
	private final List<RecordRef> rows = new ArrayList<>();
	private RecordRef picked;
	private Job job;
	private volatile String query = "";
	private volatile int typeIndex;
	private volatile int searches;

	public RecordPicker(Shell parent, Session session) {
		super(parent);
		this.session = session;
	}

	@Override
	protected void configureShell(Shell shell) {
		super.configureShell(shell);
		shell.setText("Set Regarding");
		shell.setData(Ids.KEY, "picker");
	}

	@Override
	protected boolean isResizable() {
		return true;
	}

	@Override
	protected Control createDialogArea(Composite parent) {
		Composite area = (Composite) super.createDialogArea(parent);
		area.setLayout(new GridLayout(2, false));
		type = new Combo(area, SWT.READ_ONLY);
		type.setData(Ids.KEY, "picker.type");
		type.add("All types");
		for (CrmTypes t : CrmTypes.ALL) {
			type.add(t.label());
		}
		type.select(0);
		search = new Text(area, SWT.BORDER | SWT.SEARCH | SWT.ICON_SEARCH);
		search.setData(Ids.KEY, "picker.search");
		search.setMessage("Type a name");
		search.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		results = new Table(area, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
		results.setData(Ids.KEY, "picker.results");
		results.setHeaderVisible(true);
		GridData gd = new GridData(SWT.FILL, SWT.FILL, true, true, 2, 1);
		gd.widthHint = 560;
		gd.heightHint = 320;
		results.setLayoutData(gd);
		for (String[] c : new String[][] { { "Name", "300" }, { "Type", "120" }, { "Detail", "140" } }) {
			TableColumn col = new TableColumn(results, SWT.NONE);
			col.setText(c[0]);
			col.setWidth(Integer.parseInt(c[1]));
		}
		status = new Label(area, SWT.NONE);
		status.setData(Ids.KEY, "picker.status");
		status.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
		job = Background.job("Searching the CRM", results, monitor -> find(), this::show,
				problem -> status.setText(problem));
		search.addListener(SWT.Modify, e -> restart());
		type.addListener(SWT.Selection, e -> restart());
		results.addListener(SWT.Selection, e -> getButton(IDialogConstants.OK_ID).setEnabled(selectedRow() != null));
		results.addListener(SWT.DefaultSelection, e -> okPressed());
		restart();
		return area;
	}

	@Override
	protected void createButtonsForButtonBar(Composite parent) {
		super.createButtonsForButtonBar(parent);
		getButton(IDialogConstants.OK_ID).setEnabled(false);
	}

	private void restart() {
		query = search.getText().trim();
		typeIndex = type.getSelectionIndex();
		status.setText("Searching\u2026");
		job.cancel();
		job.schedule(DEBOUNCE_MS);
	}

	private record Found(String query, List<RecordRef> refs, List<String[]> labels) {
	}

	private Found find() throws Exception {
		searches++;
		String q = query;
		int ti = typeIndex;
		CrmClient crm = session.crm();
		List<RecordRef> refs = new ArrayList<>();
		List<String[]> labels = new ArrayList<>();
		for (int i = 0; i < CrmTypes.ALL.size(); i++) {
			if (ti > 0 && ti - 1 != i) {
				continue;
			}
			CrmTypes t = CrmTypes.ALL.get(i);
			CrmQuery cq = CrmQuery.select(t.select().toArray(String[]::new)).orderBy(t.nameAttribute()).top(PER_TYPE);
			if (!q.isEmpty()) {
				cq = cq.filter("contains(" + t.searchAttribute() + "," + CrmQuery.quote(q) + ")");
			}
			for (CrmRecord r : crm.query(t.entitySet(), cq).records()) {
				RecordRef ref = new RecordRef(t.entitySet(), r.id());
				refs.add(ref);
				String detail = t.columns().size() > 2 ? r.string(t.columns().get(2)) : r.string(t.columns().get(1));
				labels.add(new String[] { t.name(r), t.label(), detail == null ? "" : detail });
				session.rememberName(ref, t.name(r));
			}
		}
		return new Found(q, refs, labels);
	}

	private void show(Found f) {
		if (!f.query.equals(search.getText().trim())) {
			return; // typed on meanwhile: the next search brings the answer
		}
		rows.clear();
		rows.addAll(f.refs);
		results.removeAll();
		for (String[] l : f.labels) {
			new TableItem(results, SWT.NONE).setText(l);
		}
		status.setText(f.refs.size() + " found" + (f.query.isEmpty() ? "" : " for \u201c" + f.query + "\u201d"));
		getButton(IDialogConstants.OK_ID).setEnabled(selectedRow() != null);
	}

	private RecordRef selectedRow() {
		int i = results.getSelectionIndex();
		return i < 0 || i >= rows.size() ? null : rows.get(i);
	}

	@Override
	protected void okPressed() {
		picked = selectedRow();
		if (picked != null) {
			super.okPressed();
		}
	}

	@Override
	public boolean close() {
		if (job != null) {
			job.cancel();
		}
		return super.close();
	}

	/** The record chosen, or null. */
	public RecordRef picked() {
		return picked;
	}

	/** How many searches ran (the debounce keeps it well below the keys typed). */
	public int searches() {
		return searches;
	}
}
