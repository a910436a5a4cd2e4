package org.liaison.ui.wizard.internal;

import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmPage;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.filter.FilterRule;
import org.liaison.api.filter.SyncFilterProvider;
import org.liaison.api.model.ItemKind;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.ui.wizard.CrmSignIn;
import org.liaison.ui.wizard.SettingsContext;
import org.liaison.ui.wizard.SettingsPage;
import org.liaison.ui.wizard.SettingsPageProvider;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;

/**
 * Synchronization filters with preview: per kind, the default filter (the highest-ranked filter
 * service's) or the user's own, made with a small rule editor or typed as OData; the preview asks the
 * CRM how many records a filter selects and shows the first ones.
 */
@Component(service = SettingsPageProvider.class)
public class FiltersPageProvider implements SettingsPageProvider {

	static final Map<ItemKind, String> NAME = Map.of(ItemKind.CONTACT, "fullname", ItemKind.APPOINTMENT, "subject",
			ItemKind.TASK, "subject");
	static final Map<ItemKind, String[]> RULE_FIELDS = Map.of(ItemKind.CONTACT,
			new String[] { "lastname", "firstname", "emailaddress1", "jobtitle", "address1_city", "address1_country",
					"statecode", "_ownerid_value", "_parentcustomerid_value", "modifiedon" },
			ItemKind.APPOINTMENT,
			new String[] { "subject", "location", "scheduledstart", "scheduledend", "statecode", "_ownerid_value",
					"_regardingobjectid_value" },
			ItemKind.TASK, new String[] { "subject", "scheduledend", "statecode", "prioritycode", "_ownerid_value",
					"_regardingobjectid_value" });

	@Override
	public String id() {
		return "filters";
	}

	@Override
	public String title() {
		return "Synchronization filters";
	}

	@Override
	public String description() {
		return "Which CRM records appear in your mailbox. Preview shows how many a filter selects.";
	}

	@Override
	public int order() {
		return 500;
	}

	@Override
	public SettingsPage createPage() {
		return new Page();
	}

	static final class Page implements SettingsPage {
		private SettingsContext context;
		private final Map<ItemKind, Button> custom = new LinkedHashMap<>();
		private final Map<ItemKind, Text> odata = new LinkedHashMap<>();
		private final Map<ItemKind, Label> preview = new LinkedHashMap<>();

		@Override
		public void init(Composite parent, Map<String, String> s, SettingsContext ctx) {
			this.context = ctx;
			parent.setLayout(new GridLayout(1, false));
			for (ItemKind k : SyncOptionsPageProvider.KINDS) {
				Group g = new Group(parent, SWT.NONE);
				g.setText(k.entitySet());
				g.setLayout(new GridLayout(5, false));
				g.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
				String own = s.get("filter." + k.entitySet());
				Button def = new Button(g, SWT.RADIO);
				def.setText("Default: " + defaultLabel(k));
				def.setData(Forms.TEST_ID, "filter-default-" + k.entitySet());
				Forms.span(def, 5);
				Button cus = new Button(g, SWT.RADIO);
				cus.setText("My own filter (OData):");
				cus.setData(Forms.TEST_ID, "filter-custom-" + k.entitySet());
				def.setSelection(own == null);
				cus.setSelection(own != null);
				Text t = new Text(g, SWT.BORDER);
				t.setData(Forms.TEST_ID, "filter-odata-" + k.entitySet());
				t.setText(own == null ? "" : own);
				GridData td = new GridData(SWT.FILL, SWT.CENTER, true, false);
				td.horizontalSpan = 4;
				t.setLayoutData(td);
				// the rule editor: field, operator, value; "Add" appends the condition to the filter
				new Label(g, SWT.NONE).setText("Add a condition:");
				Combo field = new Combo(g, SWT.READ_ONLY);
				field.setItems(RULE_FIELDS.get(k));
				field.select(0);
				Combo op = new Combo(g, SWT.READ_ONLY);
				for (FilterRule.Op o : FilterRule.Op.values()) {
					op.add(o.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
				}
				op.select(0);
				Text value = new Text(g, SWT.BORDER);
				value.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
				Forms.button(g, "Add", "filter-add-" + k.entitySet(), () -> {
					try {
						FilterRule.Condition c = new FilterRule.Condition(field.getText(),
								FilterRule.Op.values()[op.getSelectionIndex()], value.getText());
						String cond = new FilterRule(true, List.of(c)).toOData();
						String now = t.getText().trim();
						t.setText(now.isEmpty() ? cond : "(" + now + ") and (" + cond + ")");
						cus.setSelection(true);
						def.setSelection(false);
						ctx.changed();
					} catch (IllegalArgumentException e) {
						preview.get(k).setText(e.getMessage());
					}
				});
				Forms.button(g, "Preview", "filter-preview-" + k.entitySet(), () -> preview(k));
				Label p = new Label(g, SWT.WRAP);
				p.setData(Forms.TEST_ID, "filter-result-" + k.entitySet());
				GridData pd = new GridData(SWT.FILL, SWT.TOP, true, false);
				pd.horizontalSpan = 4;
				p.setLayoutData(pd);
				t.addModifyListener(e -> ctx.changed());
				for (Button b : new Button[] { def, cus }) {
					b.addListener(SWT.Selection, e -> ctx.changed());
				}
				custom.put(k, cus);
				odata.put(k, t);
				preview.put(k, p);
			}
		}

		private static String defaultLabel(ItemKind k) {
			SyncFilterProvider p = provider(k);
			return p == null ? "every record you can read" : p.label();
		}

		/** The highest-ranked filter service for a kind, as the messaging sync picks it. */
		static SyncFilterProvider provider(ItemKind k) {
			BundleContext b = FrameworkUtil.getBundle(FiltersPageProvider.class).getBundleContext();
			SyncFilterProvider best = null;
			int rank = Integer.MIN_VALUE;
			try {
				for (ServiceReference<SyncFilterProvider> r : b.getServiceReferences(SyncFilterProvider.class, null)) {
					SyncFilterProvider p = b.getService(r);
					Object o = r.getProperty(Constants.SERVICE_RANKING);
					int rr = o instanceof Integer i ? i : 0;
					if (p != null && p.kind() == k && rr > rank) {
						best = p;
						rank = rr;
					}
				}
			} catch (org.osgi.framework.InvalidSyntaxException e) {
				throw new IllegalStateException(e);
			}
			return best;
		}

		private void preview(ItemKind k) {
			Label out = preview.get(k);
			Profile p;
			try {
				p = context.profile(Map.of());
			} catch (java.io.IOException e) {
				out.setText("Cannot preview yet: " + e.getMessage());
				return;
			}
			String own = custom.get(k).getSelection() ? odata.get(k).getText().trim() : null;
			try {
				out.setText(context.run("Asking the CRM what the " + k.entitySet() + " filter selects",
						m -> previewText(p, k, own)));
			} catch (InvocationTargetException e) {
				out.setText("The CRM refused the filter: " + Forms.message(e));
			} catch (InterruptedException e) {
				out.setText("Cancelled.");
			}
			out.getParent().getParent().layout(true, true);
		}

		private String previewText(Profile p, ItemKind k, String own) throws Exception {
			char[] secret = p.crmNeedsSecret()
					? context.service(SecretStore.class).get(p.secretKey("crm")).orElse(null) : null;
			try (CrmClient c = CrmSignIn.connect(context.service(CrmConnector.class), p.crm(), secret,
					p.secretKey("crm-tokens"), x -> {
					})) {
				String filter = own;
				if (filter == null || filter.isEmpty()) {
					SyncFilterProvider d = provider(k);
					UUID me = c.whoAmI().userId();
					filter = d == null ? null : d.filter(me, Instant.now());
				}
				String name = NAME.get(k);
				CrmQuery q = CrmQuery.select(name).top(5).withCount();
				if (filter != null) {
					q = q.filter(filter);
				}
				CrmPage page = c.query(k.entitySet(), q);
				List<String> first = new ArrayList<>();
				for (CrmRecord r : page.records()) {
					first.add(String.valueOf(r.string(name)));
				}
				long n = page.count() >= 0 ? page.count() : first.size();
				return n + " record" + (n == 1 ? "" : "s") + (first.isEmpty() ? "." : ", e.g. " + String.join("; ", first)
						+ (n > first.size() ? " ..." : "."));
			}
		}

		@Override
		public boolean isValid() {
			return getErrorMessage() == null;
		}

		@Override
		public String getErrorMessage() {
			for (ItemKind k : custom.keySet()) {
				if (custom.get(k).getSelection() && odata.get(k).getText().isBlank()) {
					return "Type the " + k.entitySet() + " filter, or use the default.";
				}
			}
			return null;
		}

		@Override
		public void save(Map<String, String> s) {
			for (ItemKind k : custom.keySet()) {
				s.put("filter." + k.entitySet(), custom.get(k).getSelection() ? odata.get(k).getText().trim() : "");
			}
		}

		@Override
		public boolean isReconnectionRequired() {
			return false;
		}
	}
}
