package org.liaison.ui.wizard.internal;

import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.WhoAmI;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.TrustService;
import org.liaison.ui.wizard.Certificates;
import org.liaison.ui.wizard.CrmSignIn;
import org.liaison.ui.wizard.SettingsContext;
import org.liaison.ui.wizard.SettingsPage;
import org.liaison.ui.wizard.SettingsPageProvider;
import org.liaison.ui.wizard.internal.Organizations.Org;
import org.osgi.service.component.annotations.Component;

/**
 * Add organization: the CRM organizations the user works with, each with its Web API address and
 * sign-in, a connection test, and the TLS check with the certificate-pinning prompt for a server whose
 * certificate no authority vouches for.
 */
@Component(service = SettingsPageProvider.class)
public class OrganizationsPageProvider implements SettingsPageProvider {

	@Override
	public String id() {
		return "organizations";
	}

	@Override
	public String title() {
		return "CRM organizations";
	}

	@Override
	public String description() {
		return "Add the CRM organizations you work with and test the connection to each.";
	}

	@Override
	public int order() {
		return 100;
	}

	@Override
	public SettingsPage createPage() {
		return new Page();
	}

	static final class Page implements SettingsPage {
		private SettingsContext context;
		private List<Org> orgs;
		private Org current;
		private final Map<String, char[]> typed = new HashMap<>();
		private final Set<String> changedConnection = new HashSet<>();
		private org.eclipse.swt.widgets.List list;
		private Text label;
		private Text url;
		private Combo auth;
		private Text user;
		private Text password;
		private Text clientId;
		private Text tokenUrl;
		private Text authority;
		private Label result;
		private boolean loading;

		@Override
		public void init(Composite parent, Map<String, String> settings, SettingsContext ctx) {
			this.context = ctx;
			this.orgs = new java.util.ArrayList<>(Organizations.read(settings));
			parent.setLayout(new GridLayout(2, false));

			Composite left = Forms.grid(parent, 1);
			left.setLayoutData(new GridData(SWT.FILL, SWT.FILL, false, true));
			list = new org.eclipse.swt.widgets.List(left, SWT.BORDER | SWT.SINGLE | SWT.V_SCROLL);
			list.setData(Forms.TEST_ID, "orgs");
			GridData g = new GridData(SWT.FILL, SWT.FILL, true, true);
			g.widthHint = 150;
			list.setLayoutData(g);
			list.addListener(SWT.Selection, e -> select(list.getSelectionIndex()));
			Composite buttons = Forms.grid(left, 2);
			Forms.button(buttons, "Add", "org-add", this::add);
			Forms.button(buttons, "Remove", "org-remove", this::remove);

			Composite form = Forms.grid(parent, 2);
			form.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
			Runnable edited = this::edited;
			label = Forms.text(form, "Name:", "org-label", "", edited);
			url = Forms.text(form, "Web API address:", "org-url", "", edited);
			url.setMessage("https://crm.example.com/api/data/v9.2/");
			auth = Forms.combo(form, "Sign in with:", "org-auth", new String[] { "User name and password",
					"Application (client credentials)", "Microsoft Entra ID (device code)" }, null, edited);
			user = Forms.text(form, "User name:", "org-user", "", edited);
			password = Forms.password(form, "Password:", "org-password", edited);
			clientId = Forms.text(form, "Client id:", "org-client-id", "", edited);
			clientId.setMessage("liaison");
			tokenUrl = Forms.text(form, "Token endpoint:", "org-token-url", "", edited);
			tokenUrl.setMessage("(the organization's /oauth2/token)");
			authority = Forms.text(form, "Entra ID authority:", "org-authority", "", edited);
			authority.setMessage("https://login.microsoftonline.com/organizations/");
			new Label(form, SWT.NONE);
			Forms.button(form, "Test connection", "org-test", this::test);
			result = Forms.note(form, "org-result");

			if (orgs.isEmpty()) {
				orgs.add(new Org("main"));
			}
			refreshList();
			select(0);
		}

		private void refreshList() {
			String[] items = orgs.stream().map(Org::label).toArray(String[]::new);
			int sel = list.getSelectionIndex();
			list.setItems(items);
			list.select(sel < 0 ? 0 : Math.min(sel, items.length - 1));
		}

		private void select(int index) {
			if (index < 0 || index >= orgs.size()) {
				return;
			}
			capture();
			current = orgs.get(index);
			loading = true;
			try {
				label.setText(current.get("label"));
				url.setText(current.get("url"));
				auth.select(Math.max(0, List.of(Organizations.AUTHS).indexOf(current.get("auth"))));
				user.setText(current.get("user"));
				char[] pw = typed.get(current.id);
				password.setText(pw == null ? "" : new String(pw));
				password.setMessage(context.hasSecret("org-" + current.id) ? "(saved)" : "");
				clientId.setText(current.get("client-id"));
				tokenUrl.setText(current.get("token-url"));
				authority.setText(current.get("authority"));
				result.setText("");
			} finally {
				loading = false;
			}
			list.select(index);
			enable();
		}

		private void enable() {
			boolean device = auth.getSelectionIndex() == 2;
			password.setEnabled(!device);
			user.setEnabled(!device);
			authority.setEnabled(device);
			tokenUrl.setEnabled(!device);
		}

		/** The form's values into the current organization. */
		private void capture() {
			if (current == null) {
				return;
			}
			String before = current.connection();
			put("label", label.getText());
			put("url", url.getText());
			put("auth", Organizations.AUTHS[Math.max(0, auth.getSelectionIndex())]);
			put("user", user.getText());
			put("client-id", clientId.getText());
			put("token-url", tokenUrl.getText());
			put("authority", authority.getText());
			if (!before.equals(current.connection())) {
				changedConnection.add(current.id);
			}
			if (!password.getText().isEmpty()) {
				char[] pw = password.getText().toCharArray();
				typed.put(current.id, pw);
				context.secret("org-" + current.id, pw);
				changedConnection.add(current.id);
			}
		}

		private void put(String key, String value) {
			if (value == null || value.isBlank()) {
				current.values.remove(key);
			} else {
				current.values.put(key, value.trim());
			}
		}

		private void edited() {
			if (loading) {
				return;
			}
			capture();
			enable();
			int i = list.getSelectionIndex();
			if (i >= 0 && !list.getItem(i).equals(current.label())) {
				list.setItem(i, current.label());
			}
			context.changed();
		}

		private void add() {
			capture();
			Org o = new Org(Organizations.newId(orgs));
			o.values.put("auth", "password");
			orgs.add(o);
			refreshList();
			select(orgs.size() - 1);
			context.changed();
		}

		private void remove() {
			if (orgs.size() <= 1 || current == null) {
				return;
			}
			context.secret("org-" + current.id, null);
			typed.remove(current.id);
			orgs.remove(current);
			current = null;
			refreshList();
			select(0);
			context.changed();
		}

		private char[] secretOf(Org o) {
			char[] t = typed.get(o.id);
			if (t != null) {
				return t;
			}
			SecretStore store = context.service(SecretStore.class);
			String name = context.settings().get("name");
			if (store == null || name == null) {
				return null;
			}
			String which = o.id.equals(context.settings().getOrDefault("crm.org", "main")) ? "crm" : "org-" + o.id;
			try {
				return store.get("profiles/" + name + "/" + which + "/password").orElse(null);
			} catch (Exception e) {
				return null;
			}
		}

		private void test() {
			capture();
			Org o = current;
			String problem = o.problem();
			if (problem != null) {
				result.setText(problem);
				return;
			}
			char[] secret = secretOf(o);
			if (secret == null && !"device-code".equals(o.get("auth"))) {
				result.setText("Type the password first.");
				return;
			}
			Profile.Crm crm;
			try {
				crm = CrmSignIn.organization(o.values);
			} catch (IllegalArgumentException e) {
				result.setText(e.getMessage());
				return;
			}
			result.setText("Connecting ...");
			org.eclipse.swt.widgets.Display display = result.getDisplay();
			try {
				String text = context.run("Connecting to " + o.label(), monitor -> signIn(crm, secret,
						msg -> display.asyncExec(() -> {
							if (!result.isDisposed()) {
								result.setText(msg);
							}
						})));
				result.setText("Connected. " + text);
			} catch (InvocationTargetException e) {
				Optional<Boolean> pinned = Certificates.offerToPin(context, e);
				if (pinned.isEmpty()) {
					result.setText("Cannot connect: " + Forms.message(e));
				} else if (pinned.get()) {
					test();
					return;
				} else {
					result.setText("Not connected: the server's certificate was not trusted.");
				}
			} catch (InterruptedException e) {
				result.setText("Cancelled.");
			} finally {
				result.getParent().layout(true);
			}
		}

		private String signIn(Profile.Crm crm, char[] secret, java.util.function.Consumer<String> instructions)
				throws Exception {
			URI root = crm.serviceRoot();
			String tls = "";
			if ("https".equals(root.getScheme())) {
				TrustService trust = context.service(TrustService.class);
				int port = root.getPort() > 0 ? root.getPort() : 443;
				tls = " TLS: " + Certificates.check(trust, root.getHost(), port) + ".";
			}
			try (CrmClient c = CrmSignIn.connect(context.service(CrmConnector.class), crm, secret, null, instructions)) {
				WhoAmI me = c.whoAmI();
				String name = c.retrieve("systemusers", me.userId(), CrmQuery.select("fullname")).string("fullname");
				String org = null;
				try {
					CrmRecord r = c.retrieve("organizations", me.organizationId(),
							CrmQuery.select("name", "minoutlooksyncinterval"));
					org = r.string("name");
					Integer min = r.integer("minoutlooksyncinterval");
					if (min != null && min > 0) {
						context.shared().put(SyncOptionsPageProvider.MIN_INTERVAL + ":" + crm.serviceRoot(), min);
					}
				} catch (CrmException e) {
					// not every user may read the organization record
				}
				return "Signed in as " + name + (org == null ? "" : " in " + org) + "." + tls;
			}
		}

		@Override
		public boolean isValid() {
			return getErrorMessage() == null;
		}

		@Override
		public String getErrorMessage() {
			if (orgs == null || orgs.isEmpty()) {
				return "Add the CRM organization you work with.";
			}
			for (Org o : orgs) {
				String p = o.problem();
				if (p != null) {
					return p;
				}
				if (!"device-code".equals(o.get("auth")) && !typed.containsKey(o.id)
						&& !context.hasSecret("org-" + o.id)) {
					return o.label() + ": the password is missing";
				}
			}
			return null;
		}

		@Override
		public void save(Map<String, String> settings) {
			capture();
			String sync = settings.getOrDefault("crm.org", orgs.get(0).id);
			if (orgs.stream().noneMatch(o -> o.id.equals(sync))) {
				Organizations.write(orgs, orgs.get(0).id, settings);
			} else {
				Organizations.write(orgs, sync, settings);
			}
		}

		@Override
		public boolean isReconnectionRequired() {
			return !changedConnection.isEmpty();
		}
	}
}
