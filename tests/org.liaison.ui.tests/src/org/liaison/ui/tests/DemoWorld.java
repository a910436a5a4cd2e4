package org.liaison.ui.tests;

import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.messaging.MessagingOptions;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.messaging.MessagingService;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.TrustService;
import org.liaison.crm.server.CrmServer;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestHome;
import org.liaison.testing.TestPasswords;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * Demo-like data for the workbench, started in the test's framework: the reference CRM server with a
 * seeded sample organization and the user {@code demo}, GreenMail with demo's mailbox (mail from CRM
 * contacts and from strangers), contacts, calendar and tasks in the local store, a profile file the
 * desktop reads ({@code liaison.profile}), and a first sync.
 */
final class DemoWorld implements AutoCloseable {

	final Path dir;
	final CrmServer.Running crm;
	final GreenMail mail;
	final GreenMailUser user;
	final String password = TestPasswords.random();
	final Profile profile;
	final Path profileFile;
	final List<String> customers = new ArrayList<>();
	/** The name of a seeded account, and a word of it to search for. */
	final String account;
	final String accountWord;
	final MessagingReport firstSync;

	DemoWorld(int size, String... extra) throws Exception {
		Path home = TestHome.get().resolve("ui-" + System.nanoTime());
		System.setProperty("liaison.home", home.toString());
		// the tests start their syncs themselves (F9), not at start-up as File > Preferences allows
		Files.createDirectories(home);
		Files.writeString(home.resolve("desktop.properties"), "sync.on-start=false\n");
		TestPasswords.unlockSecureStorage();
		dir = Files.createTempDirectory("liaison-ui");
		crm = Osgi.service(CrmServer.class).start(CrmServer.Options.defaults(dir.resolve("crm")));
		URI root = crm.serviceRoot();
		Osgi.service(TrustService.class).pin(root.getHost(), root.getPort(), crm.certificateFingerprint());
		java.util.UUID demo = crm.admin().addUser("demo", "demo@example.test", password.toCharArray(), false);
		crm.admin().seed(42, size, LocalDate.now(), new NullProgressMonitor());
		mail = new GreenMail(new ServerSetup[] { new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
				new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP) });
		mail.start();
		user = mail.setUser("demo@example.test", "demo", password);
		try (CrmClient c = client()) {
			for (CrmRecord r : c.query("contacts", CrmQuery.select("contactid", "fullname", "emailaddress1")
					.filter("emailaddress1 ne null").orderBy("fullname").top(4)).records()) {
				customers.add(r.string("emailaddress1"));
			}
		}
		try (CrmClient c = client()) {
			// an account demo owns (others' records are read-only to demo)
			account = c.query("accounts", CrmQuery.select("accountid", "name").filter("_ownerid_value eq " + demo)
					.orderBy("name").top(1)).records().get(0).string("name");
		}
		accountWord = account.split(" ")[0];
		String[] topics = { "Renewal terms", "Pricing question", "Site visit", "Delivery schedule" };
		for (int i = 0; i < customers.size(); i++) {
			deliver(customers.get(i), topics[i % topics.length], "<c" + i + "@customer.test>");
		}
		deliver("newsletter@stranger.test", "Weekly offers", "<n1@stranger.test>");
		deliver("maria@prospect.test", "Question about your product", "<p1@prospect.test>");
		deliver("sam@prospect.test", "Meeting next week", "<p2@prospect.test>");

		Properties p = new Properties();
		p.setProperty("name", "demo");
		p.setProperty("crm.url", root.toString());
		p.setProperty("crm.token-url", crm.tokenEndpoint().toString());
		p.setProperty("crm.user", "demo");
		p.setProperty("crm.client-id", "liaison-ui-tests");
		p.setProperty("crm.label", "Sample organization");
		p.setProperty("mail.protocol", "imap");
		p.setProperty("mail.host", "127.0.0.1");
		p.setProperty("mail.port", Integer.toString(mail.getImap().getPort()));
		p.setProperty("mail.security", "none");
		p.setProperty("mail.user", "demo");
		p.setProperty("mail.address", "demo@example.test");
		p.setProperty("smtp.host", "127.0.0.1");
		p.setProperty("smtp.port", Integer.toString(mail.getSmtp().getPort()));
		p.setProperty("smtp.security", "none");
		p.setProperty("smtp.user", "demo");
		p.setProperty("pim", "local");
		p.setProperty("tracking.option", "from-crm-customers");
		p.setProperty("sync.interval", "60");
		for (int i = 0; i + 1 < extra.length; i += 2) {
			p.setProperty(extra[i], extra[i + 1]);
		}
		profileFile = dir.resolve("demo.properties");
		try (Writer w = Files.newBufferedWriter(profileFile, StandardCharsets.UTF_8)) {
			p.store(w, "UI test profile (no secrets)");
		}
		profile = Profile.load(profileFile);
		SecretStore secrets = Osgi.service(SecretStore.class);
		for (String which : new String[] { "crm", "mail", "smtp" }) {
			secrets.put(profile.secretKey(which), password.toCharArray());
		}
		System.setProperty("liaison.profile", profileFile.toString());
		firstSync = sync();
	}

	MessagingReport sync() throws Exception {
		return Osgi.service(MessagingService.class).sync(profile, MessagingOptions.normal(), new NullProgressMonitor());
	}

	CrmClient client() throws Exception {
		return Osgi.service(CrmConnector.class).connect(new CrmEndpoint(crm.serviceRoot(),
				new CrmAuth.Password(crm.tokenEndpoint(), "liaison-ui-tests", "demo", password.toCharArray())));
	}

	void deliver(String from, String subject, String messageId) throws Exception {
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
		m.setText("Hello,\n\nabout " + subject.toLowerCase() + ": can we talk this week?\n\nBest regards");
		m.saveChanges();
		user.deliver(m);
	}

	@Override
	public void close() throws Exception {
		System.clearProperty("liaison.profile");
		mail.stop();
		crm.close();
	}
}
