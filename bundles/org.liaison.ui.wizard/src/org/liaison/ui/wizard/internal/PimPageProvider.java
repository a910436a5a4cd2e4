package org.liaison.ui.wizard.internal;

import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.liaison.api.model.ItemKind;
import org.liaison.api.pim.PimConnector;
import org.liaison.api.profile.Profile;
import org.liaison.api.sync.ItemCollection;
import org.liaison.ui.wizard.Certificates;
import org.liaison.ui.wizard.SettingsContext;
import org.liaison.ui.wizard.SettingsPage;
import org.liaison.ui.wizard.SettingsPageProvider;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;

/**
 * Where contacts, calendar and tasks live: a CalDAV/CardDAV server (found by discovery from its
 * address) or Liaison's local store, as a desktop mail client keeps them for a POP3 account.
 */
@Component(service = SettingsPageProvider.class)
public class PimPageProvider implements SettingsPageProvider {

	@Override
	public String id() {
		return "pim";
	}

	@Override
	public String title() {
		return "Contacts, calendar and tasks";
	}

	@Override
	public String description() {
		return "Keep them on a CalDAV/CardDAV server, or in Liaison on this computer.";
	}

	@Override
	public int order() {
		return 250;
	}

	@Override
	public SettingsPage createPage() {
		return new Page();
	}

	static final class Page implements SettingsPage {
		private SettingsContext context;
		private Button local;
		private Button dav;
		private Text url;
		private Text user;
		private Text password;
		private Label result;
		private Map<String, String> initial;

		@Override
		public void init(Composite parent, Map<String, String> s, SettingsContext ctx) {
			this.context = ctx;
			this.initial = Map.copyOf(s);
			parent.setLayout(new GridLayout(2, false));
			local = new Button(parent, SWT.RADIO);
			local.setText("In Liaison on this computer (for a mailbox without CalDAV/CardDAV)");
			local.setData(Forms.TEST_ID, "pim-local");
			Forms.span(local, 2);
			dav = new Button(parent, SWT.RADIO);
			dav.setText("On a CalDAV/CardDAV server");
			dav.setData(Forms.TEST_ID, "pim-dav");
			Forms.span(dav, 2);
			boolean isDav = "dav".equals(s.get("pim"));
			local.setSelection(!isDav);
			dav.setSelection(isDav);
			url = Forms.text(parent, "Server address:", "dav-url", s.get("dav.url"), ctx::changed);
			url.setMessage("https://dav.example.com/ (Liaison finds the collections)");
			user = Forms.text(parent, "User name:", "dav-user", s.get("dav.user"), ctx::changed);
			password = Forms.password(parent, "Password:", "dav-password", ctx::changed);
			password.setMessage(ctx.hasSecret("dav") ? "(saved)" : "");
			new Label(parent, SWT.NONE);
			Forms.button(parent, "Find collections", "dav-discover", this::discover);
			result = Forms.note(parent, "dav-result");
			for (Button b : new Button[] { local, dav }) {
				b.addListener(SWT.Selection, e -> {
					enable();
					ctx.changed();
				});
			}
			password.addModifyListener(e -> ctx.secret("dav", password.getText().toCharArray()));
			enable();
		}

		private void enable() {
			boolean on = dav.getSelection();
			url.setEnabled(on);
			user.setEnabled(on);
			password.setEnabled(on);
		}

		private void discover() {
			if (getErrorMessage() != null) {
				result.setText(getErrorMessage());
				return;
			}
			Profile p;
			try {
				p = context.profile(pending());
			} catch (java.io.IOException e) {
				result.setText("Cannot look yet: " + e.getMessage());
				return;
			}
			try {
				String text = context.run("Looking for collections at " + p.dav().url(), m -> {
					PimConnector c = connector("dav");
					if (c == null) {
						throw new IllegalStateException("no CalDAV/CardDAV connector is installed");
					}
					Map<ItemKind, Integer> counts = new EnumMap<>(ItemKind.class);
					List<ItemCollection> found = c.collections(p.dav(), m);
					for (ItemCollection col : found) {
						counts.merge(col.info().kind(), 1, Integer::sum);
					}
					return "Found " + counts.getOrDefault(ItemKind.CONTACT, 0) + " address book(s), "
							+ counts.getOrDefault(ItemKind.APPOINTMENT, 0) + " calendar(s), "
							+ counts.getOrDefault(ItemKind.TASK, 0)
							+ " task list(s). Liaison makes what is missing on the first sync.";
				});
				result.setText(text);
			} catch (InvocationTargetException e) {
				Optional<Boolean> pinned = Certificates.offerToPin(context, e);
				if (pinned.isEmpty()) {
					result.setText("Cannot reach the server: " + Forms.message(e));
				} else if (pinned.get()) {
					discover();
					return;
				} else {
					result.setText("Not connected: the server's certificate was not trusted.");
				}
			} catch (InterruptedException e) {
				result.setText("Cancelled.");
			}
			result.getParent().layout(true);
		}

		static PimConnector connector(String id) {
			BundleContext b = FrameworkUtil.getBundle(PimPageProvider.class).getBundleContext();
			try {
				for (ServiceReference<PimConnector> r : b.getServiceReferences(PimConnector.class, null)) {
					PimConnector c = b.getService(r);
					if (c != null && c.id().equals(id)) {
						return c;
					}
				}
			} catch (org.osgi.framework.InvalidSyntaxException e) {
				throw new IllegalStateException(e);
			}
			return null;
		}

		Map<String, String> pending() {
			Map<String, String> m = new LinkedHashMap<>();
			boolean on = dav.getSelection();
			m.put("pim", on ? "dav" : "local");
			m.put("dav.url", on ? url.getText().trim() : "");
			m.put("dav.user", on ? user.getText().trim() : "");
			return m;
		}

		@Override
		public boolean isValid() {
			return getErrorMessage() == null;
		}

		@Override
		public String getErrorMessage() {
			if (!dav.getSelection()) {
				return null;
			}
			URI u;
			try {
				u = URI.create(url.getText().trim());
			} catch (IllegalArgumentException e) {
				return "Not an address: " + url.getText();
			}
			if (u.getHost() == null) {
				return "Type the CalDAV/CardDAV server's address, e.g. https://dav.example.com/";
			}
			if ("http".equals(u.getScheme()) && !Organizations.loopback(u.getHost())) {
				return "Plain http is allowed only for a server on this computer; use https.";
			}
			if (password.getText().isEmpty() && !context.hasSecret("dav")) {
				return "Type the password of the CalDAV/CardDAV server.";
			}
			return null;
		}

		@Override
		public void save(Map<String, String> settings) {
			settings.putAll(pending());
		}

		@Override
		public boolean isReconnectionRequired() {
			return !pending().getOrDefault("dav.url", "").equals(initial.getOrDefault("dav.url", ""))
					|| !pending().get("pim").equals(initial.getOrDefault("pim", "local")) || !password.getText().isEmpty();
		}
	}
}
