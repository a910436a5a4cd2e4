package org.liaison.ui.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.Properties;
import java.util.UUID;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.TrustService;
import org.liaison.crm.server.CrmServer;
import org.liaison.demo.DemoProfile;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * Demo-like data for the workbench, in this process: the reference CRM server with a seeded sample
 * organization and the user {@code demo} (its certificate pinned), GreenMail with demo's mailbox, and a
 * profile file for them (contacts, calendar and tasks in the local store; no secret in the file: the
 * passwords go to secure storage). Used by {@code ./liaison bench ui} and the UI tests.
 */
public final class DemoData implements AutoCloseable {

	/** The services it needs. */
	public record Services(CrmServer crmServer, CrmConnector crmConnector, SecretStore secrets, TrustService trust) {
	}

	public final CrmServer.Running crm;
	public final GreenMail mail;
	public final GreenMailUser user;
	/** demo's CRM user id. */
	public final UUID demo;
	/** Records the seeder made. */
	public final int records;
	public final Path profileFile;
	public final Profile profile;
	private final Services services;
	private final char[] password;

	/**
	 * Starts the servers in {@code dir} and writes the profile {@code name}; {@code extra} are more profile
	 * keys and values (e.g. {@code conflict.contacts, ask}).
	 */
	public DemoData(Services services, Path dir, String name, int size, char[] password, String... extra)
			throws Exception {
		this.services = services;
		this.password = password.clone();
		crm = services.crmServer().start(CrmServer.Options.defaults(dir.resolve("crm")));
		URI root = crm.serviceRoot();
		services.trust().pin(root.getHost(), root.getPort(), crm.certificateFingerprint());
		demo = crm.admin().addUser("demo", "demo@example.test", password, false);
		records = crm.admin().seed(42, size, LocalDate.now(), new NullProgressMonitor());
		mail = new GreenMail(new ServerSetup[] { new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
				new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP) });
		mail.start();
		user = mail.setUser("demo@example.test", "demo", new String(password));
		profileFile = writeProfile(dir, name, extra);
		profile = Profile.load(profileFile);
		for (String which : new String[] { "crm", "mail", "smtp" }) {
			services.secrets().put(profile.secretKey(which), password);
		}
	}

	private Path writeProfile(Path dir, String name, String... extra) throws IOException {
		Properties p = DemoProfile.of(name, crm, mail);
		p.setProperty("crm.label", "Sample organization");
		p.setProperty("sync.interval", "60");
		for (int i = 0; i + 1 < extra.length; i += 2) {
			p.setProperty(extra[i], extra[i + 1]);
		}
		return DemoProfile.write(p, dir, "Liaison profile for demo-like data (no secrets here)");
	}

	/** demo's signed-in CRM client; the caller closes it. */
	public CrmClient client() throws Exception {
		return services.crmConnector().connect(new CrmEndpoint(crm.serviceRoot(),
				new CrmAuth.Password(crm.tokenEndpoint(), "liaison-" + profile.name(), "demo", password.clone())));
	}

	/** Delivers a plain message from {@code from} into demo's INBOX. */
	public void deliver(String from, String subject, String messageId, String text) throws Exception {
		MimeMessage m = new MimeMessage(Session.getInstance(new Properties())) {
			@Override
			protected void updateMessageID() throws jakarta.mail.MessagingException {
				setHeader("Message-ID", messageId);
			}
		};
		m.setFrom(new InternetAddress(from));
		m.addRecipient(Message.RecipientType.TO, new InternetAddress("demo@example.test"));
		m.setSubject(subject);
		m.setSentDate(Date.from(Instant.now()));
		m.setText(text);
		m.saveChanges();
		user.deliver(m);
	}

	@Override
	public void close() throws Exception {
		mail.stop();
		crm.close();
	}
}
