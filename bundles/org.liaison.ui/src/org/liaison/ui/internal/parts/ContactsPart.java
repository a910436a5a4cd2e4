package org.liaison.ui.internal.parts;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemKind;
import org.liaison.ui.internal.Background;
import org.liaison.ui.internal.Ids;
import org.liaison.ui.internal.PimItems;
import org.liaison.ui.internal.Session;

/** Contacts: the mailbox's address book (what the sync filters bring from the CRM, and the user's own). */
public class ContactsPart {

	@Inject
	Session session;

	private Text filter;
	private Table table;
	private Text details;
	private Label status;
	private final List<Contact> all = new ArrayList<>();
	private final List<Contact> shown = new ArrayList<>();

	@PostConstruct
	void create(Composite parent) {
		parent.setLayout(new GridLayout(2, false));
		filter = new Text(parent, SWT.BORDER | SWT.SEARCH | SWT.ICON_SEARCH);
		filter.setMessage("Filter by name, company or address");
		filter.setData(Ids.KEY, "contacts.filter");
		filter.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		filter.addListener(SWT.Modify, e -> show());
		status = new Label(parent, SWT.NONE);
		status.setLayoutData(new GridData(260, SWT.DEFAULT));
		SashForm sash = new SashForm(parent, SWT.VERTICAL);
		sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 2, 1));
		table = new Table(sash, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
		table.setData(Ids.KEY, "contacts.table");
		table.setHeaderVisible(true);
		Parts.columns(table, new String[] { "Name", "Company", "Job title", "Email", "Phone", "City" },
				new int[] { 200, 200, 160, 220, 140, 120 });
		table.addListener(SWT.Selection, e -> details());
		details = new Text(sash, SWT.BORDER | SWT.MULTI | SWT.READ_ONLY | SWT.WRAP | SWT.V_SCROLL);
		details.setData(Ids.KEY, "contacts.details");
		sash.setWeights(65, 35);
		// read after the window is up (reads never delay the first window), and again when data changes
		Parts.loadNowAndOn(session, table, this::load, Session.Change.SYNCED, Session.Change.PROFILE);
	}

	void load() {
		status.setText("Reading\u2026");
		Background.run("Reading contacts", table, m -> {
			List<Contact> out = PimItems.read(session, ItemKind.CONTACT, Contact::fromData, m);
			out.sort(Comparator.comparing(ContactsPart::name, String.CASE_INSENSITIVE_ORDER));
			return out;
		}, list -> {
			all.clear();
			all.addAll(list);
			show();
		}, problem -> status.setText(problem));
	}

	static String name(Contact c) {
		if (c.fullName() != null && !c.fullName().isBlank()) {
			return c.fullName();
		}
		return (MailPart.nz(c.firstName()) + " " + MailPart.nz(c.lastName())).trim();
	}

	private void show() {
		String f = filter.getText().trim().toLowerCase(Locale.ROOT);
		shown.clear();
		table.setRedraw(false);
		table.removeAll();
		for (Contact c : all) {
			String[] row = { name(c), MailPart.nz(c.company()), MailPart.nz(c.jobTitle()), MailPart.nz(c.email1()),
					MailPart.nz(c.businessPhone() != null ? c.businessPhone() : c.mobilePhone()), MailPart.nz(c.city()) };
			if (!f.isEmpty() && !String.join(" ", row).toLowerCase(Locale.ROOT).contains(f)) {
				continue;
			}
			shown.add(c);
			new TableItem(table, SWT.NONE).setText(row);
		}
		table.setRedraw(true);
		status.setText(shown.size() + " of " + all.size() + " contacts");
	}

	private void details() {
		int i = table.getSelectionIndex();
		if (i < 0 || i >= shown.size()) {
			return;
		}
		Contact c = shown.get(i);
		StringBuilder b = new StringBuilder(name(c)).append('\n');
		line(b, "Company", c.company());
		line(b, "Job title", c.jobTitle());
		line(b, "Email", c.email1());
		line(b, "Email 2", c.email2());
		line(b, "Business phone", c.businessPhone());
		line(b, "Mobile", c.mobilePhone());
		line(b, "Address", String.join(", ", java.util.stream.Stream.of(c.street(), c.postalCode(), c.city(), c.country())
				.filter(s -> s != null && !s.isBlank()).toList()));
		line(b, "Notes", c.notes());
		line(b, "CRM account", c.parentAccount() == null ? null : c.parentAccount().toString());
		details.setText(b.toString());
	}

	static void line(StringBuilder b, String label, String value) {
		if (value != null && !value.isBlank()) {
			b.append(label).append(": ").append(value).append('\n');
		}
	}
}
