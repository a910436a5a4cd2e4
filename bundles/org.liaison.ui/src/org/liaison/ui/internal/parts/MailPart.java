package org.liaison.ui.internal.parts;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.eclipse.e4.ui.workbench.modeling.ESelectionService;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeItem;
import org.liaison.api.mail.MessageBody;
import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.RecordRef;
import org.liaison.api.model.Tracking;
import org.liaison.api.model.TrackingState;
import org.liaison.api.profile.Profile;
import org.liaison.api.store.CachedMessage;
import org.liaison.api.store.HistoryEntry;
import org.liaison.api.store.MailFolderState;
import org.liaison.ui.internal.Background;
import org.liaison.ui.internal.Ids;
import org.liaison.ui.internal.MailActions;
import org.liaison.ui.internal.Session;

/**
 * Mail: the folder tree, the message list with each message's tracking state and regarding record,
 * and the preview with why the message is (or is not) tracked. Read from the profile's store in a
 * Job; the body is fetched on demand in another.
 */
public class MailPart {

	static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

	@Inject
	Session session;
	@Inject
	ESelectionService selection;
	@Inject
	MailActions actions;

	private Tree folders;
	private Table messages;
	private Label why;
	private Text preview;
	private final List<CachedMessage> rows = new ArrayList<>();
	private String folder = "INBOX";

	@PostConstruct
	void create(Composite parent) {
		parent.setLayout(new GridLayout(1, false));
		Composite bar = new Composite(parent, SWT.NONE);
		bar.setLayout(new GridLayout(5, false));
		button(bar, "Track", "mail.track", () -> actions.track(selected(), parent.getShell()));
		button(bar, "Set Regarding\u2026", "mail.regarding", () -> actions.setRegarding(selected(), parent.getShell()));
		button(bar, "Untrack", "mail.untrack", () -> actions.untrack(selected(), parent.getShell()));
		button(bar, "Refresh", "mail.refresh", this::load);
		SashForm sash = new SashForm(parent, SWT.HORIZONTAL);
		sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		folders = new Tree(sash, SWT.BORDER | SWT.SINGLE);
		folders.setData(Ids.KEY, "mail.folders");
		folders.addListener(SWT.Selection, e -> {
			if (e.item instanceof TreeItem t && t.getData() instanceof String f) {
				folder = f;
				loadMessages();
			}
		});
		SashForm right = new SashForm(sash, SWT.VERTICAL);
		messages = new Table(right, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
		messages.setData(Ids.KEY, "mail.messages");
		messages.setHeaderVisible(true);
		Parts.columns(messages, new String[] { "Tracked", "Subject", "From", "Received", "Regarding" },
				new int[] { 80, 300, 200, 130, 220 });
		messages.addListener(SWT.Selection, e -> showSelected());
		Composite bottom = new Composite(right, SWT.NONE);
		bottom.setLayout(new GridLayout(1, false));
		why = new Label(bottom, SWT.WRAP);
		why.setData(Ids.KEY, "mail.why");
		why.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
		preview = new Text(bottom, SWT.BORDER | SWT.MULTI | SWT.READ_ONLY | SWT.WRAP | SWT.V_SCROLL);
		preview.setData(Ids.KEY, "mail.preview");
		preview.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		right.setWeights(55, 45);
		sash.setWeights(20, 80);
		// read after the window is up (reads never delay the first window), and again when data changes
		Parts.loadNowAndOn(session, folders, this::load);
	}

	private void button(Composite bar, String text, String id, Runnable r) {
		Button b = new Button(bar, SWT.PUSH);
		b.setText(text);
		b.setData(Ids.KEY, id);
		b.addListener(SWT.Selection, e -> r.run());
	}

	/** The selected message, or null. */
	CachedMessage selected() {
		int i = messages.getSelectionIndex();
		return i < 0 || i >= rows.size() ? null : rows.get(i);
	}

	/** Reads the folders, then the messages of the current folder. */
	void load() {
		Background.run("Reading mail folders", folders, m -> {
			Profile p = session.requireProfile();
			if (p.mail() == null) {
				return List.<String>of();
			}
			List<String> names = new ArrayList<>();
			for (MailFolderState f : session.store().mail().folders(p.mail().id())) {
				names.add(f.folder());
			}
			names.sort(Comparator.comparing((String f) -> !f.equalsIgnoreCase("INBOX")).thenComparing(f -> f));
			return names;
		}, names -> {
			folders.removeAll();
			for (String f : names) {
				TreeItem t = new TreeItem(folders, SWT.NONE);
				t.setText(f);
				t.setData(f);
				if (f.equals(folder)) {
					folders.setSelection(t);
				}
			}
			if (!names.isEmpty() && !names.contains(folder)) {
				folder = names.get(0);
				folders.setSelection(folders.getItem(0));
			}
			loadMessages();
		}, this::showProblem);
	}

	private void showProblem(String message) {
		why.setText(message);
		why.getParent().layout();
	}

	void loadMessages() {
		String f = folder;
		Background.run("Reading " + f, messages, m -> {
			Profile p = session.requireProfile();
			List<CachedMessage> out = new ArrayList<>();
			session.store().mail().messages(p.mail().id(), f, 0, out::add);
			out.sort(Comparator.comparing((CachedMessage c) -> c.message().sentOn(),
					Comparator.nullsLast(Comparator.reverseOrder())));
			List<RecordRef> regarding = out.stream().map(c -> c.message().tracking().regarding())
					.filter(Objects::nonNull).distinct().toList();
			if (!regarding.isEmpty()) {
				try {
					session.resolveNames(regarding);
				} catch (Exception e) {
					// names stay unknown; the list still shows the record type
				}
			}
			return out;
		}, list -> fill(list));
	}

	private void fill(List<CachedMessage> list) {
		CachedMessage before = selected();
		rows.clear();
		rows.addAll(list);
		messages.setRedraw(false);
		messages.removeAll();
		int select = -1;
		for (CachedMessage c : list) {
			TableItem t = new TableItem(messages, SWT.NONE);
			Tracking tr = c.message().tracking();
			ActivityParty from = c.message().sender();
			t.setText(new String[] { state(tr.state()), nz(c.message().subject()),
					from == null ? "" : nz(from.displayName() != null ? from.displayName() : from.address()),
					c.message().sentOn() == null ? "" : WHEN.format(c.message().sentOn().atZone(ZoneId.systemDefault())),
					regarding(tr.regarding()) });
			if (before != null && before.uid() == c.uid() && before.folder().equals(c.folder())) {
				select = messages.getItemCount() - 1;
			}
		}
		messages.setRedraw(true);
		if (select >= 0) {
			messages.setSelection(select);
			showSelected();
		}
	}

	String regarding(RecordRef r) {
		if (r == null) {
			return "";
		}
		String n = session.name(r);
		return Parts.typeLabel(r.entitySet()) + ": " + (n == null ? r.id().toString() : n);
	}

	static String state(TrackingState s) {
		return switch (s) {
			case TRACKED -> "\u2714 Tracked";
			case PENDING -> "\u2026 Pending";
			default -> "";
		};
	}

	static String nz(String s) {
		return s == null ? "" : s;
	}

	private void showSelected() {
		CachedMessage c = selected();
		selection.setSelection(c);
		actions.select(c);
		if (c == null) {
			return;
		}
		Tracking tr = c.message().tracking();
		String head = (tr.tracked() ? "Tracked" : tr.state() == TrackingState.PENDING ? "Pending" : "Not tracked")
				+ (tr.regarding() != null ? ", regarding " + regarding(tr.regarding()) : "") + ". Why: "
				+ (c.trackingReason() != null ? c.trackingReason() : tr.reason() != null ? tr.reason() : "no decision yet");
		why.setText(head);
		why.getParent().layout();
		preview.setText("");
		Background.run("Reading the message", preview, m -> {
			StringBuilder text = new StringBuilder();
			List<HistoryEntry> history = session.store().syncState().history(SyncPart.mailPair(c.folder()),
					c.ident(), 10);
			if (!history.isEmpty()) {
				text.append("History:\n");
				for (HistoryEntry h : history) {
					text.append("  ").append(WHEN.format(h.at().atZone(ZoneId.systemDefault()))).append("  ")
							.append(h.action()).append(": ").append(h.reason()).append('\n');
				}
				text.append('\n');
			}
			String body = c.message().bodyText();
			if (body == null) {
				MessageBody b = session.mailbox().body(c.folder(), c.uid());
				body = b.text() != null ? b.text() : b.html() != null ? b.html() : "";
			}
			return new String[] { text.toString(), body };
		}, parts -> {
			CachedMessage now = selected();
			if (now != null && now.uid() == c.uid()) {
				preview.setText(header(c) + "\n" + parts[1] + (parts[0].isEmpty() ? "" : "\n\n" + parts[0]));
			}
		}, problem -> preview.setText(problem));
	}

	private static String header(CachedMessage c) {
		ActivityParty from = c.message().sender();
		return "From: " + (from == null ? "" : nz(from.address())) + "\nSubject: " + nz(c.message().subject()) + "\n";
	}

	/** The rows shown (for tests). */
	public List<CachedMessage> rows() {
		return List.copyOf(rows);
	}
}
