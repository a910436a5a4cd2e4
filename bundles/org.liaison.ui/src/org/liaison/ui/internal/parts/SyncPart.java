package org.liaison.ui.internal.parts;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.CTabFolder;
import org.eclipse.swt.custom.CTabItem;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.liaison.api.messaging.MessagingOptions;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.profile.Profile;
import org.liaison.api.store.ConflictRecord;
import org.liaison.api.store.HistoryEntry;
import org.liaison.api.store.QuarantineEntry;
import org.liaison.api.store.RunRecord;
import org.liaison.api.store.SyncBatch;
import org.liaison.api.store.SyncStateStore;
import org.liaison.api.store.SyncStatus;
import org.liaison.api.sync.FieldConflict;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.PlannedAction;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.SyncReport;
import org.liaison.api.sync.WriteResult;
import org.liaison.ui.internal.Background;
import org.liaison.ui.internal.Ids;
import org.liaison.ui.internal.Session;
import org.liaison.ui.internal.StatusLine;

/**
 * Sync: status (last runs, the services wired), history with reasons, the quarantine (retry or
 * discard), conflicts with a choice per field (mine: the mailbox's value; theirs: the CRM's; or a
 * merged value), and the dry-run preview. Reads in Jobs; the choices are written to the store and
 * carried out by the next run, started at once.
 */
public class SyncPart {

	/** The engine's pairs of a profile: one per kind, and the mail tracking run. */
	public static final List<String> PAIRS = List.of("contacts", "appointments", "tasks", "mail");

	/**
	 * Where the messaging sync keeps the history and quarantine of one folder's tracking (its runs are
	 * under {@code mail}).
	 */
	public static String mailPair(String folder) {
		return "mail:" + folder;
	}

	/** The pairs of a profile: {@link #PAIRS} and the tracking of each folder it scans or tracks. */
	static List<String> pairs(Profile p) {
		java.util.Set<String> out = new java.util.LinkedHashSet<>(PAIRS);
		for (String f : p.scannedFolders()) {
			out.add(mailPair(f));
		}
		for (String f : p.trackedFolders().keySet()) {
			out.add(mailPair(f));
		}
		return List.copyOf(out);
	}

	@Inject
	Session session;

	private Label summary;
	private Table runs;
	private Table history;
	private Table quarantine;
	private Table conflicts;
	private Composite fieldsBox;
	private Table preview;
	private Label previewSummary;
	private final List<QuarantineEntry> quarantined = new ArrayList<>();
	private final List<ConflictRecord> open = new ArrayList<>();
	private final List<FieldChoice> choices = new ArrayList<>();

	/** The user's choice for one field of the selected conflict. */
	record FieldChoice(FieldConflict field, Button mine, Button theirs, Button merged, Text value) {
	}

	@PostConstruct
	void create(Composite parent) {
		parent.setLayout(new GridLayout(1, false));
		CTabFolder tabs = new CTabFolder(parent, SWT.BORDER);
		tabs.setData(Ids.KEY, "sync.tabs");
		tabs.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		List<java.util.function.Function<Composite, Control>> makers = List.of(this::statusTab, this::historyTab,
				this::quarantineTab, this::conflictsTab, this::previewTab);
		String[] names = { "Status", "History", "Quarantine", "Conflicts", "Preview" };
		for (String name : names) {
			CTabItem t = new CTabItem(tabs, SWT.NONE);
			t.setText(name);
			t.setData(Ids.KEY, "sync.tab." + name.toLowerCase());
		}
		tabs.getItem(0).setControl(statusTab(tabs));
		tabs.setSelection(0);
		// the other tabs are made one per turn of the event loop: opening the view never holds the UI
		// thread for all of them at once
		for (int i = 1; i < names.length; i++) {
			int k = i;
			parent.getDisplay().asyncExec(() -> {
				if (!tabs.isDisposed()) {
					tabs.getItem(k).setControl(makers.get(k).apply(tabs));
					if (last != null) {
						show(last);
					}
				}
			});
		}
		// read after the window is up (reads never delay the first window), and again when data changes
		Parts.loadNowAndOn(session, summary, this::load);
	}

	private static Button button(Composite parent, String text, String id, Runnable r) {
		Button b = new Button(parent, SWT.PUSH);
		b.setText(text);
		b.setData(Ids.KEY, id);
		b.addListener(SWT.Selection, e -> r.run());
		return b;
	}

	private static Table table(Composite parent, String id, String[] names, int[] widths) {
		Table t = new Table(parent, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
		t.setData(Ids.KEY, id);
		t.setHeaderVisible(true);
		t.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		Parts.columns(t, names, widths);
		return t;
	}

	// ---- status

	private Control statusTab(Composite tabs) {
		Composite c = new Composite(tabs, SWT.NONE);
		c.setLayout(new GridLayout(1, false));
		Composite bar = new Composite(c, SWT.NONE);
		bar.setLayout(new GridLayout(2, false));
		button(bar, "Sync now (F9)", "sync.now", session::syncNow);
		button(bar, "Refresh", "sync.refresh", this::load);
		summary = new Label(c, SWT.WRAP);
		summary.setData(Ids.KEY, "sync.summary");
		summary.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
		runs = table(c, "sync.runs", new String[] { "Pair", "Started", "Finished", "To the CRM", "To the mailbox", "Outcome" },
				new int[] { 110, 140, 140, 130, 130, 300 });
		new Label(c, SWT.NONE).setText("Services wired in this installation:");
		Table services = table(c, "services", new String[] { "Role", "Provided by" }, new int[] { 240, 400 });
		for (String[] s : StatusPart.SERVICES) {
			new TableItem(services, SWT.NONE).setText(new String[] { s[0], String.join(", ", StatusPart.providers(s[1])) });
		}
		return c;
	}

	// ---- history

	private Control historyTab(Composite tabs) {
		Composite c = new Composite(tabs, SWT.NONE);
		c.setLayout(new GridLayout(1, false));
		history = table(c, "sync.history", new String[] { "When", "Pair", "Action", "Side", "Reason" },
				new int[] { 140, 100, 100, 80, 600 });
		return c;
	}

	// ---- quarantine

	private Control quarantineTab(Composite tabs) {
		Composite c = new Composite(tabs, SWT.NONE);
		c.setLayout(new GridLayout(1, false));
		Composite bar = new Composite(c, SWT.NONE);
		bar.setLayout(new GridLayout(2, false));
		button(bar, "Retry", "quarantine.retry", () -> quarantineAction(true));
		button(bar, "Discard", "quarantine.discard", () -> quarantineAction(false));
		quarantine = table(c, "sync.quarantine", new String[] { "When", "Pair", "Side", "Item", "Reason" },
				new int[] { 140, 100, 80, 220, 500 });
		return c;
	}

	private void quarantineAction(boolean retry) {
		int i = quarantine.getSelectionIndex();
		if (i < 0 || i >= quarantined.size()) {
			StatusLine.show(quarantine.getDisplay(), "Select a quarantined item first");
			return;
		}
		QuarantineEntry q = quarantined.get(i);
		if (retry && q.pairId().startsWith(mailPair(""))) {
			// the tracking scan reads each message once: releasing the entry would not read it again
			StatusLine.show(quarantine.getDisplay(), q.href() + " is a message that could not be read; it is not read"
					+ " again: deal with it in your mail client, then Discard it here");
			return;
		}
		Background.run(retry ? "Releasing a quarantined item" : "Discarding a quarantined item", quarantine, m -> {
			if (retry) {
				session.store().syncState().apply(new SyncBatch().release(q.pairId(), q.side(), q.href()));
			} else {
				session.store().syncState().discard(q.id());
			}
			return null;
		}, x -> {
			StatusLine.show(quarantine.getDisplay(), retry ? q.href() + " will be tried again in this sync"
					: q.href() + " discarded: it stays out of sync until it changes; the history says so");
			if (retry) {
				session.syncNow();
			}
			load();
		});
	}

	// ---- conflicts

	private Control conflictsTab(Composite tabs) {
		SashForm c = new SashForm(tabs, SWT.VERTICAL);
		Composite top = new Composite(c, SWT.NONE);
		top.setLayout(new GridLayout(1, false));
		conflicts = table(top, "sync.conflicts", new String[] { "Found", "Pair", "Item", "Fields", "State" },
				new int[] { 140, 100, 260, 260, 80 });
		conflicts.addListener(SWT.Selection, e -> showConflict());
		Composite bottom = new Composite(c, SWT.NONE);
		bottom.setLayout(new GridLayout(1, false));
		fieldsBox = new Composite(bottom, SWT.NONE);
		fieldsBox.setData(Ids.KEY, "conflict.fields");
		fieldsBox.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		fieldsBox.setLayout(new GridLayout(6, false));
		button(bottom, "Apply my choices", "conflict.apply", this::applyChoices);
		c.setWeights(45, 55);
		return c;
	}

	private void showConflict() {
		for (Control k : fieldsBox.getChildren()) {
			k.dispose();
		}
		choices.clear();
		int i = conflicts.getSelectionIndex();
		if (i >= 0 && i < open.size()) {
			for (String h : new String[] { "Field", "Last synced", "Mine (mailbox)", "Theirs (CRM)", "Keep", "Merged value" }) {
				Label l = new Label(fieldsBox, SWT.NONE);
				l.setText(h);
				l.setFont(org.eclipse.jface.resource.JFaceResources.getBannerFont());
			}
			for (FieldConflict f : open.get(i).fields()) {
				new Label(fieldsBox, SWT.NONE).setText(f.field());
				new Label(fieldsBox, SWT.NONE).setText(MailPart.nz(f.base()));
				new Label(fieldsBox, SWT.NONE).setText(MailPart.nz(f.mailboxValue()));
				new Label(fieldsBox, SWT.NONE).setText(MailPart.nz(f.crmValue()));
				Composite radios = new Composite(fieldsBox, SWT.NONE);
				radios.setLayout(new GridLayout(3, false));
				Button mine = radio(radios, "Mine", "conflict.mine." + f.field());
				Button theirs = radio(radios, "Theirs", "conflict.theirs." + f.field());
				Button merged = radio(radios, "Merged", "conflict.merged." + f.field());
				mine.setSelection(true);
				Text value = new Text(fieldsBox, SWT.BORDER);
				value.setData(Ids.KEY, "conflict.value." + f.field());
				value.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
				value.setText(MailPart.nz(f.mailboxValue()));
				value.addListener(SWT.Modify, e -> {
					if (value.isFocusControl()) {
						mine.setSelection(false);
						theirs.setSelection(false);
						merged.setSelection(true);
					}
				});
				mine.addListener(SWT.Selection, e -> value.setText(MailPart.nz(f.mailboxValue())));
				theirs.addListener(SWT.Selection, e -> value.setText(MailPart.nz(f.crmValue())));
				choices.add(new FieldChoice(f, mine, theirs, merged, value));
			}
		}
		fieldsBox.layout(true, true);
	}

	private static Button radio(Composite parent, String text, String id) {
		Button b = new Button(parent, SWT.RADIO);
		b.setText(text);
		b.setData(Ids.KEY, id);
		return b;
	}

	private void applyChoices() {
		int i = conflicts.getSelectionIndex();
		if (i < 0 || i >= open.size()) {
			StatusLine.show(conflicts.getDisplay(), "Select a conflict first");
			return;
		}
		ConflictRecord c = open.get(i);
		Map<String, Side> sides = new LinkedHashMap<>();
		Map<String, String> merged = new LinkedHashMap<>();
		for (FieldChoice f : choices) {
			String name = f.field().field();
			if (f.theirs().getSelection()) {
				sides.put(name, Side.CRM);
			} else {
				sides.put(name, Side.MAILBOX);
				if (f.merged().getSelection()) {
					merged.put(name, f.value().getText());
				}
			}
		}
		Background.run("Applying your choice", conflicts, m -> {
			choose(c, sides, merged);
			return null;
		}, x -> {
			StatusLine.show(conflicts.getDisplay(), "Your choice is written by this sync: " + sides.keySet());
			session.syncNow();
			load();
		});
	}

	/**
	 * Records the user's choice. A merged value goes into the mailbox's copy first (If-Match on its
	 * version) and is then kept as "mine", so the next run writes it to the CRM; the conflict record
	 * is updated to the mailbox copy's new content hash so the engine knows the choice still stands.
	 */
	void choose(ConflictRecord c, Map<String, Side> sides, Map<String, String> merged) throws Exception {
		SyncStateStore state = session.store().syncState();
		if (merged.isEmpty()) {
			state.choose(c.id(), sides);
			return;
		}
		SyncStatus status = state.status(c.pairId(), c.ident())
				.orElseThrow(() -> new SyncException("the item of this conflict is gone"));
		ItemCollection collection = mailboxCollection(c.kind());
		List<RemoteItem> current = new ArrayList<>();
		collection.get(List.of(status.mailbox().href()), new org.liaison.api.sync.FetchSink() {
			@Override
			public void item(RemoteItem item) {
				current.add(item);
			}

			@Override
			public void bad(String href, String version, String reason, String raw) throws SyncException {
				throw new SyncException(href + ": " + reason);
			}
		}, new NullProgressMonitor());
		if (current.isEmpty()) {
			throw new SyncException("the mailbox's copy of this item is gone");
		}
		ItemData data = current.get(0).data();
		for (Map.Entry<String, String> e : merged.entrySet()) {
			data = data.with(e.getKey(), e.getValue());
		}
		WriteResult w = collection.update(current.get(0), data);
		ItemData stored = w.stored() != null ? w.stored() : data;
		state.apply(new SyncBatch().conflict(new ConflictRecord(c.id(), c.pairId(), c.ident(), c.kind(), c.fields(),
				c.resolutions(), c.policy(), ConflictRecord.State.CHOSEN, c.crmHash(), stored.contentHash(), sides,
				c.at(), null)));
	}

	private ItemCollection mailboxCollection(ItemKind kind) throws Exception {
		for (ItemCollection col : session.pimConnector().collections(session.pimAccount(), new NullProgressMonitor())) {
			if (col.info().kind() == kind) {
				return col;
			}
		}
		throw new SyncException("no " + kind.entitySet() + " collection in the mailbox");
	}

	// ---- preview

	private Control previewTab(Composite tabs) {
		Composite c = new Composite(tabs, SWT.NONE);
		c.setLayout(new GridLayout(1, false));
		button(c, "Preview the next sync (dry run)", "sync.preview", this::dryRun);
		previewSummary = new Label(c, SWT.WRAP);
		previewSummary.setData(Ids.KEY, "sync.preview.summary");
		previewSummary.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
		preview = table(c, "sync.preview.actions", new String[] { "Pair", "Will", "Side", "Reason" },
				new int[] { 100, 100, 80, 700 });
		return c;
	}

	void dryRun() {
		previewSummary.setText("Asking both sides what would change\u2026");
		Background.run("Preview (dry run)", preview, m -> {
			Profile p = session.requireProfile();
			return session.messaging().sync(p, new MessagingOptions(true, false, false), m);
		}, r -> {
			preview.removeAll();
			int n = 0;
			for (Map.Entry<ItemKind, SyncReport> e : r.pim().entrySet()) {
				for (PlannedAction a : e.getValue().actions()) {
					if (a.action() == PlannedAction.Action.NOTHING) {
						continue;
					}
					n++;
					new TableItem(preview, SWT.NONE).setText(new String[] { e.getKey().entitySet(), will(a.action()),
							a.target() == null ? "" : a.target().name().toLowerCase(), a.reason() });
				}
			}
			previewSummary.setText(n + " changes would be made to contacts, calendar and tasks; " + r.scanned()
					+ " messages looked at for tracking, " + r.tracked() + " would be tracked. Nothing was written.");
		}, problem -> previewSummary.setText(problem));
	}

	static String will(PlannedAction.Action a) {
		return switch (a) {
			case CREATE -> "create";
			case UPDATE -> "update";
			case DELETE -> "delete";
			case UNLINK -> "unlink";
			case CONFLICT -> "conflict";
			case QUARANTINE -> "quarantine";
			case RETRY -> "retry";
			case NOTHING -> "";
		};
	}

	// ---- loading

	private record State(List<RunRecord> runs, List<HistoryEntry> history, List<QuarantineEntry> quarantine,
			List<ConflictRecord> conflicts, Map<java.util.UUID, String> names) {
	}

	void load() {
		Background.run("Reading the sync state", summary, m -> {
			Profile p = session.requireProfile();
			SyncStateStore s = session.store().syncState();
			List<RunRecord> r = new ArrayList<>();
			List<HistoryEntry> h = new ArrayList<>();
			List<QuarantineEntry> q = new ArrayList<>();
			List<ConflictRecord> c = new ArrayList<>();
			for (String pair : pairs(p)) {
				r.addAll(s.runs(pair, 1));
				h.addAll(s.history(pair, null, 100));
				q.addAll(s.quarantine(pair));
				c.addAll(s.conflicts(pair, true));
			}
			h.sort((a, b) -> b.at().compareTo(a.at()));
			Map<java.util.UUID, String> names = new HashMap<>();
			for (ConflictRecord k : c) {
				s.status(k.pairId(), k.ident()).ifPresent(st -> names.put(k.ident(), title(st.mailboxBase())));
			}
			return new State(r, h.size() > 300 ? h.subList(0, 300) : h, q, c, names);
		}, this::show, problem -> summary.setText(problem));
	}

	static String title(ItemData d) {
		if (d == null) {
			return "";
		}
		String person = ((d.get("firstname") == null ? "" : d.get("firstname")) + " "
				+ (d.get("lastname") == null ? "" : d.get("lastname"))).trim();
		if (d.get("fullname") == null && !person.isEmpty()) {
			return person;
		}
		for (String f : new String[] { "fullname", "subject" }) {
			if (d.get(f) != null) {
				return d.get(f);
			}
		}
		return "";
	}

	private State last;

	private void show(State s) {
		last = s;
		MessagingReport report = session.lastReport();
		String problem = session.lastProblem();
		summary.setText((problem != null ? "Last sync failed: " + problem
				: report == null ? "No sync in this session yet: press F9 to sync now."
						: !report.instance().synchronizing() ? report.instance().message()
						: report.instance().message() + " Last sync: " + report.tracked() + " tracked, "
								+ report.scanned() + " messages looked at"
								+ (report.ok() ? "." : "; problems: " + report.problems()))
				+ "  Open conflicts: " + s.conflicts.size() + ", quarantined: " + s.quarantine.size() + ".");
		quarantined.clear();
		quarantined.addAll(s.quarantine);
		open.clear();
		open.addAll(s.conflicts);
		runs.removeAll();
		for (RunRecord r : s.runs) {
			new TableItem(runs, SWT.NONE).setText(new String[] { r.pairId(), when(r.started()), when(r.finished()),
					counts(r.crm()), counts(r.mailbox()), MailPart.nz(r.outcome()) });
		}
		if (history != null) {
			history.removeAll();
			for (HistoryEntry h : s.history) {
				new TableItem(history, SWT.NONE).setText(new String[] { when(h.at()), h.pairId(),
						h.action() == null ? "" : h.action().name().toLowerCase(),
						h.target() == null ? "" : h.target().name().toLowerCase(), MailPart.nz(h.reason()) });
			}
		}
		if (quarantine != null) {
			quarantine.removeAll();
			for (QuarantineEntry q : s.quarantine) {
				new TableItem(quarantine, SWT.NONE).setText(new String[] { when(q.at()), q.pairId(),
						q.side().name().toLowerCase(), q.href(), MailPart.nz(q.reason()) });
			}
		}
		if (conflicts != null) {
			showConflicts(s);
		}
	}

	private void showConflicts(State s) {
		long selected = conflicts.getSelectionIndex() >= 0 && conflicts.getSelectionIndex() < conflicts.getItemCount()
				&& conflicts.getItem(conflicts.getSelectionIndex()).getData() instanceof Long id ? id : -1;
		conflicts.removeAll();
		int reselect = -1;
		for (ConflictRecord c : s.conflicts) {
			TableItem item = new TableItem(conflicts, SWT.NONE);
			item.setData(c.id());
			item.setText(new String[] { when(c.at()), c.pairId(), MailPart.nz(s.names.get(c.ident())),
					String.join(", ", c.fields().stream().map(FieldConflict::field).toList()),
					c.state().name().toLowerCase() });
			if (c.id() == selected) {
				reselect = conflicts.getItemCount() - 1;
			}
		}
		if (reselect >= 0) {
			conflicts.setSelection(reselect);
		} else {
			showConflict();
		}
	}

	static String when(java.time.Instant t) {
		return t == null ? "" : MailPart.WHEN.format(t.atZone(ZoneId.systemDefault()));
	}

	static String counts(org.liaison.api.sync.SideCounts c) {
		return c == null ? "" : c.created() + "+ " + c.updated() + "~ " + c.deleted() + "-";
	}
}
