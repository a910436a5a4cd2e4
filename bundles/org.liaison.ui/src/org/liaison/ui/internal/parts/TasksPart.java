package org.liaison.ui.internal.parts;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.liaison.api.model.ItemKind;
import org.liaison.api.model.RecordRef;
import org.liaison.api.model.Task;
import org.liaison.ui.internal.Background;
import org.liaison.ui.internal.Ids;
import org.liaison.ui.internal.PimItems;
import org.liaison.ui.internal.Session;

/** Tasks: the mailbox's task list, open ones first by due date, due times in this computer's zone. */
public class TasksPart {

	static final DateTimeFormatter DUE = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm");

	@Inject
	Session session;

	private Table table;
	private Label status;
	private Button showDone;
	private final List<Task> all = new ArrayList<>();

	@PostConstruct
	void create(Composite parent) {
		parent.setLayout(new GridLayout(2, false));
		showDone = new Button(parent, SWT.CHECK);
		showDone.setText("Show completed and cancelled");
		showDone.addListener(SWT.Selection, e -> show());
		status = new Label(parent, SWT.NONE);
		status.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		table = new Table(parent, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
		table.setData(Ids.KEY, "tasks.table");
		table.setHeaderVisible(true);
		table.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 2, 1));
		Parts.columns(table, new String[] { "Subject", "Due", "Status", "Priority", "Done", "Regarding" },
				new int[] { 320, 230, 110, 80, 60, 220 });
		// read after the window is up (reads never delay the first window), and again when data changes
		Parts.loadNowAndOn(session, table, this::load, Session.Change.SYNCED, Session.Change.PROFILE);
	}

	void load() {
		status.setText("Reading\u2026");
		Background.run("Reading tasks", table, m -> {
			List<Task> out = PimItems.read(session, ItemKind.TASK, Task::fromData, m);
			List<RecordRef> refs = out.stream().map(Task::regarding).filter(r -> r != null).distinct().toList();
			try {
				session.resolveNames(refs);
			} catch (Exception e) {
				// names stay unknown
			}
			out.sort(Comparator.comparing((Task t) -> !open(t))
					.thenComparing(t -> t.due() == null ? null : due(t), Comparator.nullsLast(Comparator.naturalOrder())));
			return out;
		}, list -> {
			all.clear();
			all.addAll(list);
			show();
		}, problem -> status.setText(problem));
	}

	static boolean open(Task t) {
		return t.status() == null || t.status().open();
	}

	/** The due time in this computer's zone (tasks keep wall-clock times in their own zone). */
	static ZonedDateTime due(Task t) {
		ZoneId zone = t.timeZone() == null ? ZoneId.of("UTC") : t.timeZone();
		return t.due().atZone(zone).withZoneSameInstant(ZoneId.systemDefault());
	}

	private void show() {
		table.removeAll();
		int open = 0;
		for (Task t : all) {
			if (open(t)) {
				open++;
			} else if (!showDone.getSelection()) {
				continue;
			}
			String due = "";
			if (t.due() != null) {
				ZonedDateTime d = due(t);
				due = DUE.format(d);
				if (t.timeZone() != null && !t.timeZone().getRules().equals(ZoneId.systemDefault().getRules())) {
					due += " (" + DateTimeFormatter.ofPattern("HH:mm").format(t.due()) + " " + t.timeZone().getId() + ")";
				}
			}
			TableItem item = new TableItem(table, SWT.NONE);
			item.setText(new String[] { MailPart.nz(t.subject()), due,
					t.status() == null ? "" : t.status().name().toLowerCase().replace('_', ' '),
					t.priority() == null ? "" : t.priority().name().toLowerCase(),
					t.percentComplete() == null ? "" : t.percentComplete() + "%",
					t.regarding() == null ? "" : Parts.typeLabel(t.regarding().entitySet()) + ": "
							+ MailPart.nz(session.name(t.regarding())) });
			if (t.due() != null && open(t) && due(t).isBefore(ZonedDateTime.now())) {
				item.setForeground(table.getDisplay().getSystemColor(SWT.COLOR_DARK_RED));
			}
		}
		status.setText(open + " open of " + all.size() + " tasks");
	}
}
