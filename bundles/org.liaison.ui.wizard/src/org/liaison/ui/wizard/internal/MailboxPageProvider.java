package org.liaison.ui.wizard.internal;

import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.liaison.api.mail.MailConnector;
import org.liaison.api.mail.MailFolder;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.TrustService;
import org.liaison.ui.wizard.Certificates;
import org.liaison.ui.wizard.SettingsContext;
import org.liaison.ui.wizard.SettingsPage;
import org.liaison.ui.wizard.SettingsPageProvider;
import org.osgi.service.component.annotations.Component;

/**
 * The mailbox: IMAP or POP3 for reading, SMTP for sending (outgoing CRM email goes out through it),
 * with discovery from the address where the domain tells, and a connection test.
 */
@Component(service = SettingsPageProvider.class)
public class MailboxPageProvider implements SettingsPageProvider {

	static final String[] PROTOCOLS = { "imap", "pop3", "none" };
	static final String[] SECURITY = { "tls", "starttls", "none" };

	@Override
	public String id() {
		return "mailbox";
	}

	@Override
	public String title() {
		return "Mailbox";
	}

	@Override
	public String description() {
		return "Your synchronizing mailbox: where mail is read (IMAP or POP3) and sent (SMTP).";
	}

	@Override
	public int order() {
		return 200;
	}

	@Override
	public SettingsPage createPage() {
		return new Page();
	}

	static final class Page implements SettingsPage {
		private SettingsContext context;
		private Combo protocol;
		private Text address;
		private Text host;
		private Text port;
		private Combo security;
		private Text user;
		private Text password;
		private Button leaveOnServer;
		private Text folders;
		private Text sentFolder;
		private Text smtpHost;
		private Text smtpPort;
		private Combo smtpSecurity;
		private Text smtpUser;
		private Text smtpPassword;
		private Label result;
		private Map<String, String> initial;
		private boolean loading = true;

		@Override
		public void init(Composite parent, Map<String, String> s, SettingsContext ctx) {
			this.context = ctx;
			this.initial = Map.copyOf(s);
			parent.setLayout(new GridLayout(1, false));
			Runnable changed = this::changed;
			Composite top = Forms.grid(parent, 3);
			top.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
			new Label(top, SWT.NONE).setText("Email address:");
			address = new Text(top, SWT.BORDER);
			address.setData(Forms.TEST_ID, "mail-address");
			address.setText(s.getOrDefault("mail.address", ""));
			address.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
			address.addModifyListener(e -> changed.run());
			Forms.button(top, "Discover servers", "mail-discover", this::discover);
			protocol = Forms.combo(top, "Read mail with:", "mail-protocol", PROTOCOLS,
					s.getOrDefault("mail.protocol", "imap"), changed);

			Group in = group(parent, "Incoming server");
			host = Forms.text(in, "Server:", "mail-host", s.get("mail.host"), changed);
			port = Forms.text(in, "Port:", "mail-port", s.get("mail.port"), changed);
			security = Forms.combo(in, "Security:", "mail-security", SECURITY,
					s.getOrDefault("mail.security", "tls").toLowerCase(Locale.ROOT), changed);
			user = Forms.text(in, "User name:", "mail-user", s.get("mail.user"), changed);
			password = Forms.password(in, "Password:", "mail-password", changed);
			password.setMessage(ctx.hasSecret("mail") ? "(saved)" : "");
			folders = Forms.text(in, "Folders scanned for tracking:", "mail-folders",
					s.getOrDefault("mail.folders", "INBOX"), changed);
			sentFolder = Forms.text(in, "Sent folder (IMAP):", "mail-sent", s.getOrDefault("mail.sent-folder", "Sent"),
					changed);
			leaveOnServer = Forms.check(in, "POP3: leave messages on the server", "mail-leave",
					Boolean.parseBoolean(s.getOrDefault("mail.leave-on-server", "true")), changed);

			Group out = group(parent, "Outgoing server (SMTP)");
			smtpHost = Forms.text(out, "Server:", "smtp-host", s.get("smtp.host"), changed);
			smtpPort = Forms.text(out, "Port:", "smtp-port", s.get("smtp.port"), changed);
			smtpSecurity = Forms.combo(out, "Security:", "smtp-security", SECURITY,
					s.getOrDefault("smtp.security", "starttls").toLowerCase(Locale.ROOT), changed);
			smtpUser = Forms.text(out, "User name:", "smtp-user", s.get("smtp.user"), changed);
			smtpPassword = Forms.password(out, "Password:", "smtp-password", changed);
			smtpPassword.setMessage(ctx.hasSecret("smtp") ? "(saved)" : "(the incoming server's)");

			// two fields a row, so that the whole page, with its Test button, fits the wizard
			for (org.eclipse.swt.widgets.Control c : new org.eclipse.swt.widgets.Control[] { host, port, security, user,
					password, folders, sentFolder, smtpHost, smtpPort, smtpSecurity, smtpUser, smtpPassword }) {
				c.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
			}
			Composite bottom = Forms.grid(parent, 1);
			bottom.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
			Forms.button(bottom, "Test connection", "mail-test", this::test);
			result = Forms.note(bottom, "mail-result");
			loading = false;
			enable();
		}

		private static Group group(Composite parent, String title) {
			Group g = new Group(parent, SWT.NONE);
			g.setText(title);
			g.setLayout(new GridLayout(4, false));
			g.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
			return g;
		}

		private void changed() {
			if (loading) {
				return;
			}
			enable();
			stage();
			context.changed();
		}

		private void enable() {
			boolean on = !"none".equals(protocol.getText());
			for (org.eclipse.swt.widgets.Control c : new org.eclipse.swt.widgets.Control[] { host, port, security, user,
					password, folders, sentFolder, leaveOnServer, smtpHost, smtpPort, smtpSecurity, smtpUser,
					smtpPassword }) {
				c.setEnabled(on);
			}
			leaveOnServer.setEnabled(on && "pop3".equals(protocol.getText()));
			sentFolder.setEnabled(on && "imap".equals(protocol.getText()));
		}

		/** The typed passwords go to the wizard's keeping. */
		private void stage() {
			context.secret("mail", password.getText().toCharArray());
			char[] smtp = smtpPassword.getText().isEmpty() ? password.getText().toCharArray()
					: smtpPassword.getText().toCharArray();
			context.secret("smtp", smtpHost.getText().isBlank() ? new char[0] : smtp);
		}

		private void discover() {
			String a = address.getText().trim();
			if (!a.contains("@")) {
				result.setText("Type the email address first.");
				return;
			}
			try {
				MailDiscovery.Found f = context.run("Looking for the servers of " + a,
						m -> MailDiscovery.discover(a, m));
				if (f == null) {
					result.setText("No servers found for " + a + ": the domain publishes no service records or "
							+ "autoconfiguration, and no usual server name answers. Type them in.");
					return;
				}
				loading = true;
				protocol.setText(f.incoming().protocol());
				host.setText(f.incoming().host());
				port.setText(Integer.toString(f.incoming().port()));
				security.setText(f.incoming().security());
				if (user.getText().isBlank()) {
					user.setText(a);
				}
				if (f.smtp() != null) {
					smtpHost.setText(f.smtp().host());
					smtpPort.setText(Integer.toString(f.smtp().port()));
					smtpSecurity.setText(f.smtp().security());
					if (smtpUser.getText().isBlank()) {
						smtpUser.setText(user.getText());
					}
				}
				loading = false;
				changed();
				result.setText("Found from " + f.how() + ".");
			} catch (InvocationTargetException e) {
				result.setText("Discovery failed: " + Forms.message(e));
			} catch (InterruptedException e) {
				result.setText("Cancelled.");
			} finally {
				loading = false;
			}
		}

		private void test() {
			if (getErrorMessage() != null) {
				result.setText(getErrorMessage());
				return;
			}
			if ("none".equals(protocol.getText())) {
				result.setText("No mailbox: nothing to test.");
				return;
			}
			stage();
			Profile p;
			try {
				p = context.profile(pending());
			} catch (java.io.IOException e) {
				result.setText("Cannot test yet: " + e.getMessage());
				return;
			}
			try {
				String text = context.run("Connecting to " + p.mail().incoming().host(), m -> {
					MailConnector c = context.service(MailConnector.class);
					StringBuilder b = new StringBuilder();
					try (Mailbox box = c.open(p.mail())) {
						List<MailFolder> fs = box.folders();
						b.append("Signed in to ").append(p.mail().incoming().host()).append(": ").append(fs.size())
								.append(" folders");
						for (String f : p.scannedFolders()) {
							if (fs.stream().noneMatch(x -> x.name().equalsIgnoreCase(f))) {
								b.append("; the folder ").append(f).append(" does not exist");
							}
						}
						b.append('.');
					}
					if (p.mail().smtp() != null && p.mail().smtp().security() == org.liaison.api.mail.MailSecurity.TLS) {
						b.append(" SMTP TLS: ").append(Certificates.check(context.service(TrustService.class),
								p.mail().smtp().host(), p.mail().smtp().port())).append('.');
					}
					return b.toString();
				});
				result.setText(text);
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
			}
			result.getParent().layout(true);
		}

		/** The page's input as settings. */
		Map<String, String> pending() {
			Map<String, String> m = new LinkedHashMap<>();
			String proto = protocol.getText();
			m.put("mail.protocol", proto);
			boolean on = !"none".equals(proto);
			m.put("mail.address", on ? address.getText().trim() : "");
			m.put("mail.host", on ? host.getText().trim() : "");
			m.put("mail.port", on ? port.getText().trim() : "");
			m.put("mail.security", on ? security.getText() : "");
			m.put("mail.user", on ? user.getText().trim() : "");
			m.put("mail.folders", on ? folders.getText().trim() : "");
			m.put("mail.sent-folder", on && "imap".equals(proto) ? sentFolder.getText().trim() : "");
			m.put("mail.leave-on-server", on && "pop3".equals(proto) ? Boolean.toString(leaveOnServer.getSelection()) : "");
			boolean smtp = on && !smtpHost.getText().isBlank();
			m.put("smtp.host", smtp ? smtpHost.getText().trim() : "");
			m.put("smtp.port", smtp ? smtpPort.getText().trim() : "");
			m.put("smtp.security", smtp ? smtpSecurity.getText() : "");
			m.put("smtp.user", smtp ? (smtpUser.getText().isBlank() ? user.getText() : smtpUser.getText()).trim() : "");
			return m;
		}

		@Override
		public boolean isValid() {
			return getErrorMessage() == null;
		}

		@Override
		public String getErrorMessage() {
			if ("none".equals(protocol.getText())) {
				return null;
			}
			String a = address.getText().trim();
			if (!a.matches("[^@\\s]+@[^@\\s]+")) {
				return "Type your email address.";
			}
			if (host.getText().isBlank()) {
				return "Type the incoming server, or let Liaison discover it.";
			}
			if (!port.getText().isBlank() && Forms.port(port) < 0) {
				return "The incoming port is a number from 1 to 65535.";
			}
			if (!smtpPort.getText().isBlank() && Forms.port(smtpPort) < 0) {
				return "The SMTP port is a number from 1 to 65535.";
			}
			boolean loop = Organizations.loopback(host.getText().trim());
			if ("none".equals(security.getText()) && !loop) {
				return "Mail without TLS is allowed only for a server on this computer.";
			}
			if (!smtpHost.getText().isBlank() && "none".equals(smtpSecurity.getText())
					&& !Organizations.loopback(smtpHost.getText().trim())) {
				return "SMTP without TLS is allowed only for a server on this computer.";
			}
			if (password.getText().isEmpty() && !context.hasSecret("mail")) {
				return "Type the mailbox password.";
			}
			return null;
		}

		@Override
		public void save(Map<String, String> settings) {
			stage();
			settings.putAll(pending());
		}

		@Override
		public boolean isReconnectionRequired() {
			Map<String, String> now = pending();
			for (String k : List.of("mail.protocol", "mail.host", "mail.port", "mail.security", "mail.user", "smtp.host",
					"smtp.port", "smtp.security", "smtp.user")) {
				if (!now.getOrDefault(k, "").equals(initial.getOrDefault(k, ""))) {
					return true;
				}
			}
			return !password.getText().isEmpty() || !smtpPassword.getText().isEmpty();
		}
	}
}
