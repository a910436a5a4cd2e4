package org.liaison.ui.wizard.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.TableEditor;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.liaison.api.model.Appointment;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemKind;
import org.liaison.api.model.Task;
import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.FieldDirection;
import org.liaison.api.tracking.TrackingRule;
import org.liaison.api.tracking.TrackingService;
import org.liaison.ui.wizard.SettingsContext;
import org.liaison.ui.wizard.SettingsPage;
import org.liaison.ui.wizard.SettingsPageProvider;
import org.osgi.service.component.annotations.Component;

/**
 * Sync options: how often, what syncs, the tracking option, what happens when both sides changed a
 * field (per kind), and per-field directions.
 */
@Component(service = SettingsPageProvider.class)
public class SyncOptionsPageProvider implements SettingsPageProvider {

	static final ItemKind[] KINDS = { ItemKind.CONTACT, ItemKind.APPOINTMENT, ItemKind.TASK };

	/** The fields whose direction can be set, per kind. */
	static final Map<ItemKind, List<String>> FIELDS = Map.of(ItemKind.CONTACT,
			List.of(Contact.FIRST_NAME, Contact.LAST_NAME, Contact.COMPANY, Contact.JOB_TITLE, Contact.EMAIL1,
					Contact.EMAIL2, Contact.BUSINESS_PHONE, Contact.MOBILE_PHONE, Contact.HOME_PHONE, Contact.STREET,
					Contact.CITY, Contact.POSTAL_CODE, Contact.COUNTRY, Contact.BIRTHDAY, Contact.WEBSITE, Contact.NOTES),
			ItemKind.APPOINTMENT,
			List.of(Appointment.SUBJECT, Appointment.LOCATION, Appointment.DESCRIPTION, Appointment.START,
					Appointment.END, Appointment.ATTENDEES, Appointment.REMINDER, Appointment.BUSY),
			ItemKind.TASK, List.of(Task.SUBJECT, Task.DESCRIPTION, Task.DUE, Task.STATUS, Task.PRIORITY, Task.PERCENT));

	/**
	 * Key prefix of {@link SettingsContext#shared()}: the organization's shortest sync interval in minutes
	 * (Dynamics' MinOutlookSyncInterval), read when the connection was tested, followed by ':' and the
	 * organization's Web API address.
	 */
	static final String MIN_INTERVAL = "minInterval";

	static final String[] TRACKING_DEFAULT = { "none", "all", "replies", "from-crm-customers", "from-email-enabled" };

	@Override
	public String id() {
		return "sync-options";
	}

	@Override
	public String title() {
		return "Synchronization options";
	}

	@Override
	public String description() {
		return "How often Liaison synchronizes, which email it tracks, and who wins when both sides changed.";
	}

	@Override
	public int order() {
		return 400;
	}

	@Override
	public SettingsPage createPage() {
		return new Page();
	}

	static final class Page implements SettingsPage {
		private Spinner interval;
		private final Map<ItemKind, Button> kinds = new LinkedHashMap<>();
		private Combo tracking;
		private final List<String> trackingIds = new ArrayList<>();
		private Button token;
		private final Map<ItemKind, Combo> conflicts = new LinkedHashMap<>();
		private Table directions;
		private Spinner brakeShare;
		private Spinner brakeCount;
		private SettingsContext context;
		private int minimum = 1;

		@Override
		public void init(Composite parent, Map<String, String> s, SettingsContext ctx) {
			this.context = ctx;
			Runnable changed = ctx::changed;
			parent.setLayout(new GridLayout(1, false));
			Composite left = Forms.grid(parent, 2);
			left.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
			new Label(left, SWT.NONE).setText("Synchronize every (minutes):");
			interval = new Spinner(left, SWT.BORDER);
			interval.setData(Forms.TEST_ID, "sync-interval");
			interval.setValues(Integer.parseInt(Forms.get(s, "sync.interval", "15")), 1, 1440, 0, 1, 15);
			interval.addModifyListener(e -> changed.run());
			List<String> synced = List.of(Forms.get(s, "sync.kinds", "contacts,appointments,tasks").split("\\s*,\\s*"));
			for (ItemKind k : KINDS) {
				Button b = Forms.check(left, "Synchronize " + k.entitySet() + " from the CRM", "sync-kind-" + k.entitySet(),
						synced.contains(k.entitySet()), changed);
				kinds.put(k, b);
			}
			new Label(left, SWT.NONE).setText("Track email automatically:");
			tracking = new Combo(left, SWT.READ_ONLY);
			tracking.setData(Forms.TEST_ID, "tracking-option");
			TrackingService ts = ctx.service(TrackingService.class);
			List<String> labels = new ArrayList<>();
			if (ts != null) {
				for (TrackingRule r : ts.rules()) {
					trackingIds.add(r.id());
					labels.add(r.label());
				}
			}
			if (trackingIds.isEmpty()) {
				trackingIds.addAll(List.of(TRACKING_DEFAULT));
				labels.addAll(trackingIds);
			}
			tracking.setItems(labels.toArray(String[]::new));
			tracking.select(Math.max(0, trackingIds.indexOf(Forms.get(s, "tracking.option", "replies"))));
			tracking.addModifyListener(e -> changed.run());
			token = Forms.check(left, "Use a tracking token in the subject to match replies", "tracking-token",
					Boolean.parseBoolean(Forms.get(s, "tracking.token", "true")), changed);
			new Label(left, SWT.NONE).setText("Stop a run that deletes more than (%):");
			brakeShare = new Spinner(left, SWT.BORDER);
			brakeShare.setValues((int) Math.round(100 * Double.parseDouble(Forms.get(s, "delete-brake.share", "0.2"))), 1,
					100, 0, 1, 10);
			new Label(left, SWT.NONE).setText("... or more than (items):");
			brakeCount = new Spinner(left, SWT.BORDER);
			brakeCount.setValues(Integer.parseInt(Forms.get(s, "delete-brake.count", "100")), 1, 100000, 0, 1, 10);

			Group right = new Group(parent, SWT.NONE);
			right.setText("When both sides changed a field");
			right.setLayout(new GridLayout(6, false));
			right.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
			String[] policies = { "CRM_WINS", "MAILBOX_WINS", "NEWEST", "ASK" };
			for (ItemKind k : KINDS) {
				new Label(right, SWT.NONE).setText(k.entitySet() + ":");
				Combo c = new Combo(right, SWT.READ_ONLY);
				c.setItems(policies);
				c.setData(Forms.TEST_ID, "conflict-" + k.entitySet());
				c.select(Math.max(0, List.of(policies).indexOf(Forms.get(s, "conflict." + k.entitySet(),
						ConflictPolicy.CRM_WINS.name()))));
				c.addModifyListener(e -> changed.run());
				conflicts.put(k, c);
			}
			Label l = new Label(right, SWT.NONE);
			l.setText("Directions per field (double-click to change):");
			Forms.span(l, 6);
			directions = new Table(right, SWT.BORDER | SWT.FULL_SELECTION | SWT.V_SCROLL);
			directions.setData(Forms.TEST_ID, "directions");
			directions.setHeaderVisible(true);
			GridData g = new GridData(SWT.FILL, SWT.FILL, true, true);
			g.horizontalSpan = 6;
			g.heightHint = 110;
			directions.setLayoutData(g);
			for (String c : new String[] { "Kind", "Field", "Direction" }) {
				TableColumn col = new TableColumn(directions, SWT.NONE);
				col.setText(c);
				col.setWidth(c.equals("Field") ? 170 : 130);
			}
			for (ItemKind k : KINDS) {
				for (String f : FIELDS.get(k)) {
					TableItem it = new TableItem(directions, SWT.NONE);
					it.setText(new String[] { k.entitySet(), f,
							Forms.get(s, "direction." + k.entitySet() + "." + f, FieldDirection.TWO_WAY.name()) });
				}
			}
			TableEditor editor = new TableEditor(directions);
			editor.grabHorizontal = true;
			directions.addListener(SWT.MouseDoubleClick, e -> {
				TableItem it = directions.getItem(new org.eclipse.swt.graphics.Point(e.x, e.y));
				if (it == null) {
					return;
				}
				Combo c = new Combo(directions, SWT.READ_ONLY);
				for (FieldDirection d : FieldDirection.values()) {
					c.add(d.name());
				}
				c.setText(it.getText(2));
				c.addListener(SWT.Selection, x -> {
					it.setText(2, c.getText());
					changed.run();
				});
				c.addListener(SWT.FocusOut, x -> c.dispose());
				editor.setEditor(c, it, 2);
				c.setFocus();
			});
		}

		@Override
		public void shown(Map<String, String> settings) {
			Object min = context.shared().get(MIN_INTERVAL + ":" + settings.get("crm.url"));
			minimum = min instanceof Integer i ? Math.max(1, i) : 1;
			interval.setMinimum(minimum);
		}

		@Override
		public boolean isValid() {
			return getErrorMessage() == null;
		}

		@Override
		public String getErrorMessage() {
			if (interval == null || interval.getSelection() < minimum) {
				return minimum == 1 ? "The interval is at least one minute."
						: "Your organization allows no interval below " + minimum + " minutes.";
			}
			return null;
		}

		@Override
		public void save(Map<String, String> s) {
			s.put("sync.interval", Integer.toString(interval.getSelection()));
			List<String> on = new ArrayList<>();
			kinds.forEach((k, b) -> {
				if (b.getSelection()) {
					on.add(k.entitySet());
				}
			});
			// no kind at all is an empty list (',' in the file), not the default of all three
			s.put("sync.kinds", on.isEmpty() ? "," : String.join(",", on));
			s.put("tracking.option", trackingIds.get(Math.max(0, tracking.getSelectionIndex())));
			s.put("tracking.token", token.getSelection() ? "" : "false");
			conflicts.forEach((k, c) -> s.put("conflict." + k.entitySet(),
					c.getText().equals(ConflictPolicy.CRM_WINS.name()) ? "" : c.getText()));
			for (TableItem it : directions.getItems()) {
				String key = "direction." + it.getText(0) + "." + it.getText(1);
				s.put(key, it.getText(2).equals(FieldDirection.TWO_WAY.name()) ? "" : it.getText(2));
			}
			s.put("delete-brake.share", brakeShare.getSelection() == 20 ? "" : Double.toString(brakeShare.getSelection() / 100.0));
			s.put("delete-brake.count", brakeCount.getSelection() == 100 ? "" : Integer.toString(brakeCount.getSelection()));
		}

		@Override
		public boolean isReconnectionRequired() {
			return false;
		}
	}
}
