package org.liaison.ui.internal.parts;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.ui.internal.Background;
import org.liaison.ui.internal.CrmTypes;
import org.liaison.ui.internal.Ids;
import org.liaison.ui.internal.OfflineState;
import org.liaison.ui.internal.Session;
import org.liaison.ui.internal.StatusLine;

/**
 * CRM: browse and edit records of the synchronizing organization and of the others the profile
 * connects (no messaging data syncs with those). A search runs as a Job 250 ms after the last key;
 * a save writes the changed fields with If-Match, so an edit made meanwhile in the CRM is never
 * overwritten: the record is read again and the user told. Each record shows its offline state.
 */
public class CrmPart {

	@Inject
	Session session;
	@Inject
	OfflineState offline;

	private Combo org;
	private Combo type;
	private Text search;
	private Table table;
	private Composite form;
	private Label status;
	private Job searchJob;
	private final List<Session.Organization> orgs = new ArrayList<>();
	private final List<CrmRecord> rows = new ArrayList<>();
	private final Map<String, Text> fields = new LinkedHashMap<>();
	private volatile String query = "";
	private volatile int typeIndex;
	private volatile int orgIndex;

	@PostConstruct
	void create(Composite parent) {
		parent.setLayout(new GridLayout(4, false));
		org = new Combo(parent, SWT.READ_ONLY);
		org.setData(Ids.KEY, "crm.org");
		type = new Combo(parent, SWT.READ_ONLY);
		type.setData(Ids.KEY, "crm.type");
		for (CrmTypes t : CrmTypes.ALL) {
			type.add(t.label());
		}
		type.select(0);
		search = new Text(parent, SWT.BORDER | SWT.SEARCH | SWT.ICON_SEARCH);
		search.setData(Ids.KEY, "crm.search");
		search.setMessage("Search by name");
		search.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		status = new Label(parent, SWT.NONE);
		status.setData(Ids.KEY, "crm.status");
		status.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 4, 1));
		SashForm sash = new SashForm(parent, SWT.VERTICAL);
		sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 4, 1));
		table = new Table(sash, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
		table.setData(Ids.KEY, "crm.records");
		table.setHeaderVisible(true);
		table.addListener(SWT.Selection, e -> edit());
		Composite bottom = new Composite(sash, SWT.NONE);
		bottom.setLayout(new GridLayout(1, false));
		form = new Composite(bottom, SWT.NONE);
		form.setLayout(new GridLayout(4, false));
		form.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		Button save = new Button(bottom, SWT.PUSH);
		save.setText("Save to the CRM");
		save.setData(Ids.KEY, "crm.save");
		save.addListener(SWT.Selection, e -> save());
		sash.setWeights(60, 40);
		searchJob = Background.job("Searching the CRM", table, m -> find(), this::show, p -> status.setText(p));
		search.addListener(SWT.Modify, e -> restart());
		type.addListener(SWT.Selection, e -> restart());
		org.addListener(SWT.Selection, e -> restart());
		orgs.addAll(session.organizations());
		for (Session.Organization o : orgs) {
			org.add(o.label() + (o.synchronizing() ? " (synchronizing)" : ""));
		}
		if (!orgs.isEmpty()) {
			org.select(0);
			restart();
		} else {
			status.setText("No organization yet: File > Settings");
		}
	}

	private CrmTypes currentType() {
		return CrmTypes.ALL.get(Math.max(0, typeIndex));
	}

	private void restart() {
		query = search.getText().trim();
		typeIndex = type.getSelectionIndex();
		orgIndex = org.getSelectionIndex();
		status.setText("Searching\u2026");
		searchJob.cancel();
		searchJob.schedule(250);
	}

	private record Found(CrmTypes type, List<CrmRecord> records, Map<java.util.UUID, String> offline, String copy) {
	}

	private Found find() throws Exception {
		CrmTypes t = currentType();
		Session.Organization o = orgs.get(Math.max(0, orgIndex));
		CrmClient crm = session.crm(o);
		CrmQuery q = CrmQuery.select(t.select().toArray(String[]::new)).orderBy(t.nameAttribute()).top(200);
		if (!query.isEmpty()) {
			q = q.filter("contains(" + t.searchAttribute() + "," + CrmQuery.quote(query) + ")");
		}
		List<CrmRecord> records = crm.query(t.entitySet(), q).records();
		return new Found(t, records, offline.states(o, t.entitySet(), records), o.synchronizing() ? offline.summary() : null);
	}

	private void show(Found f) {
		rows.clear();
		rows.addAll(f.records);
		table.setRedraw(false);
		table.removeAll();
		for (var c : table.getColumns()) {
			c.dispose();
		}
		List<String> cols = new ArrayList<>(f.type.columns());
		String[] names = new String[cols.size() + 1];
		int[] widths = new int[cols.size() + 1];
		for (int i = 0; i < cols.size(); i++) {
			names[i] = cols.get(i);
			widths[i] = 150;
		}
		names[cols.size()] = "Offline";
		widths[cols.size()] = 170;
		Parts.columns(table, names, widths);
		for (CrmRecord r : f.records) {
			String[] row = new String[names.length];
			for (int i = 0; i < cols.size(); i++) {
				row[i] = MailPart.nz(r.string(cols.get(i)));
			}
			row[cols.size()] = MailPart.nz(f.offline.get(r.id()));
			new TableItem(table, SWT.NONE).setText(row);
		}
		table.setRedraw(true);
		Session.Organization o = orgs.get(Math.max(0, orgIndex));
		status.setText(f.records.size() + " " + f.type.label().toLowerCase() + " in " + o.label()
				+ (o.synchronizing() ? "" : " (browsed; no messaging sync)") + (f.copy == null ? "" : ". " + f.copy));
		edit();
	}

	private void edit() {
		for (Control c : form.getChildren()) {
			c.dispose();
		}
		fields.clear();
		int i = table.getSelectionIndex();
		if (i >= 0 && i < rows.size()) {
			CrmRecord r = rows.get(i);
			CrmTypes t = currentType();
			for (String col : t.columns()) {
				new Label(form, SWT.NONE).setText(col);
				Text v = new Text(form, SWT.BORDER);
				v.setData(Ids.KEY, "crm.field." + col);
				v.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
				v.setText(MailPart.nz(r.string(col)));
				v.setEditable(t.editable(col));
				fields.put(col, v);
			}
		}
		form.layout(true, true);
	}

	private void save() {
		int i = table.getSelectionIndex();
		if (i < 0 || i >= rows.size()) {
			StatusLine.show(table.getDisplay(), "Select a record first");
			return;
		}
		CrmRecord r = rows.get(i);
		CrmTypes t = currentType();
		Map<String, Object> changed = new LinkedHashMap<>();
		fields.forEach((col, text) -> {
			String now = text.getText().trim();
			String before = MailPart.nz(r.string(col));
			if (t.editable(col) && !now.equals(before)) {
				changed.put(col, now.isEmpty() ? null : now);
			}
		});
		if (changed.isEmpty()) {
			StatusLine.show(table.getDisplay(), "Nothing changed");
			return;
		}
		Session.Organization o = orgs.get(Math.max(0, orgIndex));
		Background.run("Saving " + t.name(r), table, m -> {
			try {
				session.crm(o).write(CrmWrite.update(t.entitySet(), r.id(), changed, r.etag()), List.of());
				return "Saved " + changed.keySet() + " of " + t.name(r) + " in " + o.label();
			} catch (CrmException e) {
				if (e.kind() == CrmException.Kind.PRECONDITION_FAILED) {
					return "\u26a0 " + t.name(r) + " was changed in the CRM meanwhile: read again; make your change once more";
				}
				throw e;
			}
		}, message -> {
			StatusLine.show(table.getDisplay(), message);
			status.setText(message);
			restart();
		});
	}
}
