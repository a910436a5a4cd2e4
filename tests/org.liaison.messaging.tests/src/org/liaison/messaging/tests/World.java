package org.liaison.messaging.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.messaging.MessagingOptions;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.messaging.MessagingService;
import org.liaison.api.model.ItemKind;
import org.liaison.api.pim.PimConnector;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.TrustService;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Removal;
import org.liaison.crm.server.CrmServer;
import org.liaison.testing.Osgi;
import org.liaison.testing.Radicale;
import org.liaison.testing.TestHome;
import org.liaison.testing.TestPasswords;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * Everything a user has, running for real on 127.0.0.1: the reference CRM server over HTTPS, a mail
 * server (GreenMail: IMAP and SMTP), Radicale for contacts, calendar and tasks; users alice and bob
 * with passwords made at run time, in secure storage; profiles written as files.
 */
final class World implements AutoCloseable {

	final Path dir;
	final CrmServer.Running crm;
	final GreenMail mail;
	final Radicale dav;
	final Map<String, String> passwords = new HashMap<>();
	final Map<String, UUID> users = new HashMap<>();
	final Map<String, GreenMailUser> mailUsers = new HashMap<>();
	/** Users with a Radicale principal of their own (the others share the server's first user). */
	final Map<String, char[]> davPasswords = new HashMap<>();
	/** Profile names are unique in the test run: each has its own store in the shared test home. */
	private static final java.util.concurrent.atomic.AtomicInteger PROFILES = new java.util.concurrent.atomic.AtomicInteger();

	World() {
		try {
			TestHome.get();
			TestPasswords.unlockSecureStorage();
			dir = Files.createTempDirectory("liaison-e2e");
			crm = Osgi.service(CrmServer.class).start(CrmServer.Options.defaults(dir.resolve("crm")));
			pinCrm();
			mail = new GreenMail(new ServerSetup[] { new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
					new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP) });
			mail.start();
			dav = Radicale.start();
			for (String u : new String[] { "alice", "bob" }) {
				String pw = TestPasswords.random();
				passwords.put(u, pw);
				users.put(u, crm.admin().addUser(u, u + "@example.test", pw.toCharArray(), false));
				mailUsers.put(u, mail.setUser(u + "@example.test", u, pw));
			}
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Pins the CRM server's certificate in the current Liaison home (the user's consent, in a test). */
	void pinCrm() {
		URI root = crm.serviceRoot();
		pinCrm(root.getPort());
	}

	/** Pins the CRM server's certificate for another port of 127.0.0.1 (a proxy in front of it). */
	void pinCrm(int port) {
		Osgi.service(TrustService.class).pin(crm.serviceRoot().getHost(), port, crm.certificateFingerprint());
	}

	/**
	 * Adds a user everywhere, with nothing yet: a CRM user, a mailbox, a Radicale principal with
	 * collections of its own; passwords made at run time.
	 */
	void addUser(String u) throws IOException {
		String pw = TestPasswords.random();
		passwords.put(u, pw);
		users.put(u, crm.admin().addUser(u, u + "@example.test", pw.toCharArray(), false));
		mailUsers.put(u, mail.setUser(u + "@example.test", u, pw));
		davPasswords.put(u, dav.addUser(u));
	}

	/** Moves to a new, empty Liaison home: another computer, or a reinstall. */
	Path newComputer() throws IOException {
		Path home = Files.createTempDirectory("liaison-e2e-home");
		System.setProperty("liaison.home", home.toString());
		pinCrm();
		return home;
	}

	/** Writes a profile for a user and saves its passwords in secure storage. */
	Profile profile(String user, String trackingOption, boolean withDav, String... extra) throws Exception {
		String name = user + "-" + PROFILES.incrementAndGet();
		Properties p = new Properties();
		p.setProperty("name", name);
		p.setProperty("crm.url", crm.serviceRoot().toString());
		p.setProperty("crm.token-url", crm.tokenEndpoint().toString());
		p.setProperty("crm.user", user);
		p.setProperty("crm.client-id", "liaison-tests");
		p.setProperty("mail.protocol", "imap");
		p.setProperty("mail.host", "127.0.0.1");
		p.setProperty("mail.port", Integer.toString(mail.getImap().getPort()));
		p.setProperty("mail.security", "none");
		p.setProperty("mail.user", user);
		p.setProperty("mail.address", user + "@example.test");
		p.setProperty("smtp.host", "127.0.0.1");
		p.setProperty("smtp.port", Integer.toString(mail.getSmtp().getPort()));
		p.setProperty("smtp.security", "none");
		p.setProperty("smtp.user", user);
		p.setProperty("pim", withDav ? "dav" : "local");
		if (withDav) {
			p.setProperty("dav.url", dav.url().toString());
			p.setProperty("dav.user", davPasswords.containsKey(user) ? user : dav.user());
		}
		p.setProperty("tracking.option", trackingOption);
		for (int i = 0; i + 1 < extra.length; i += 2) {
			p.setProperty(extra[i], extra[i + 1]);
		}
		Path file = dir.resolve(name + ".properties");
		try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
			p.store(w, "test profile");
		}
		Profile profile = Profile.load(file);
		SecretStore secrets = Osgi.service(SecretStore.class);
		char[] pw = passwords.get(user).toCharArray();
		secrets.put(profile.secretKey("crm"), pw);
		secrets.put(profile.secretKey("mail"), pw);
		secrets.put(profile.secretKey("smtp"), pw);
		if (withDav) {
			secrets.put(profile.secretKey("dav"),
					davPasswords.containsKey(user) ? davPasswords.get(user).clone() : dav.password());
		}
		return profile;
	}

	/** The file a profile was written to. */
	Path profileFile(Profile p) {
		return dir.resolve(p.name() + ".properties");
	}

	MessagingReport sync(Profile p) throws Exception {
		return sync(p, MessagingOptions.normal());
	}

	MessagingReport sync(Profile p, MessagingOptions o) throws Exception {
		return Osgi.service(MessagingService.class).sync(p, o, new NullProgressMonitor());
	}

	CrmClient client(String user) throws Exception {
		return Osgi.service(CrmConnector.class).connect(new CrmEndpoint(crm.serviceRoot(),
				new CrmAuth.Password(crm.tokenEndpoint(), "liaison-tests", user, passwords.get(user).toCharArray())));
	}

	/** Delivers a message straight into a user's INBOX, with the given Message-ID and In-Reply-To. */
	void deliver(String to, String from, String subject, String messageId, String inReplyTo, String... alsoTo)
			throws Exception {
		MimeMessage m = new MimeMessage(Session.getInstance(new Properties())) {
			@Override
			protected void updateMessageID() throws jakarta.mail.MessagingException {
				setHeader("Message-ID", messageId);
			}
		};
		m.setFrom(new InternetAddress(from));
		m.addRecipient(Message.RecipientType.TO, new InternetAddress(to + "@example.test"));
		for (String o : alsoTo) {
			m.addRecipient(Message.RecipientType.TO, new InternetAddress(o + "@example.test"));
		}
		m.setSubject(subject);
		m.setSentDate(Date.from(Instant.now()));
		if (inReplyTo != null) {
			m.setHeader("In-Reply-To", inReplyTo);
			m.setHeader("References", inReplyTo);
		}
		m.setText("Hello, about " + subject);
		m.saveChanges();
		mailUsers.get(to).deliver(m);
	}

	/** Files a message from the user to bob in one of the user's folders (made if missing), as a sent copy is. */
	void deliverTo(String user, String folder, String subject, String messageId) throws Exception {
		MimeMessage m = new MimeMessage(Session.getInstance(new Properties())) {
			@Override
			protected void updateMessageID() throws jakarta.mail.MessagingException {
				setHeader("Message-ID", messageId);
			}
		};
		m.setFrom(new InternetAddress(user + "@example.test"));
		m.addRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.test"));
		m.setSubject(subject);
		m.setSentDate(Date.from(Instant.now()));
		m.setText("Please find the quote.");
		m.saveChanges();
		var imap = mail.getManagers().getImapHostManager();
		var f = imap.getFolder(mailUsers.get(user), folder);
		if (f == null) {
			f = imap.createMailbox(mailUsers.get(user), folder);
		}
		f.appendMessage(m, new jakarta.mail.Flags(jakarta.mail.Flags.Flag.SEEN), new Date());
	}

	List<CrmRecord> emails(CrmClient c, String messageId) throws Exception {
		return c.query("emails", CrmQuery.select("activityid", "subject", "messageid", "_regardingobjectid_value",
				"statuscode").expand("email_activity_parties").filter("messageid eq " + CrmQuery.quote(messageId)))
				.records();
	}

	static PimConnector davConnector() throws Exception {
		for (var r : Osgi.context().getServiceReferences(PimConnector.class, null)) {
			PimConnector c = Osgi.context().getService(r);
			if (c.id().equals("dav")) {
				return c;
			}
		}
		throw new AssertionError("no DAV connector");
	}

	/** The user's DAV collection of a kind (the first one, as the messaging sync picks it). */
	ItemCollection davCollection(Profile p, ItemKind kind) throws Exception {
		for (ItemCollection col : davConnector().collections(p.dav(), new NullProgressMonitor())) {
			if (col.info().kind() == kind) {
				return col;
			}
		}
		throw new AssertionError("no DAV collection of " + kind + " for " + p.name());
	}

	/** Message-IDs in a user's GreenMail INBOX, with how often each is there. */
	Map<String, Integer> inboxMessageIds(String user) throws Exception {
		Map<String, Integer> out = new HashMap<>();
		var inbox = mail.getManagers().getImapHostManager().getInbox(mailUsers.get(user));
		for (var m : inbox.getMessages()) {
			out.merge(String.valueOf(m.getMimeMessage().getMessageID()), 1, Integer::sum);
		}
		return out;
	}

	/**
	 * Deletes the messages of a user's INBOX whose Message-ID passes the test (flagged \Deleted, then
	 * expunged); returns how many.
	 */
	int expunge(String user, java.util.function.Predicate<String> messageId) throws Exception {
		var inbox = mail.getManagers().getImapHostManager().getInbox(mailUsers.get(user));
		int n = 0;
		for (var m : inbox.getMessages()) {
			if (messageId.test(m.getMimeMessage().getMessageID())) {
				m.setFlag(jakarta.mail.Flags.Flag.DELETED, true);
				n++;
			}
		}
		inbox.expunge();
		return n;
	}

	/**
	 * For a failure message: each copy in the user's INBOX of the message with this Message-ID, with
	 * the time the server took it, its Date and Received headers.
	 */
	String inboxCopies(String user, String messageId) {
		StringBuilder b = new StringBuilder();
		try {
			var inbox = mail.getManagers().getImapHostManager().getInbox(mailUsers.get(user));
			for (var m : inbox.getMessages()) {
				MimeMessage mm = m.getMimeMessage();
				if (messageId.equals(mm.getMessageID())) {
					b.append("\n    uid ").append(m.getUid()).append(" taken ").append(m.getReceivedDate().toInstant())
							.append(", Date ").append(mm.getHeader("Date", ",")).append(", Received ")
							.append(mm.getHeader("Received", " | "));
				}
			}
		} catch (Exception e) {
			b.append(" (cannot be read: ").append(e).append(')');
		}
		return b.toString();
	}

	/** Every item of the user's DAV collection of a kind, read back through the connector. */
	List<RemoteItem> davItems(Profile p, ItemKind kind) throws Exception {
		List<RemoteItem> out = new ArrayList<>();
		for (ItemCollection col : davConnector().collections(p.dav(), new NullProgressMonitor())) {
			if (col.info().kind() != kind) {
				continue;
			}
			List<String> hrefs = new ArrayList<>();
			col.list(null, new ListSink() {
				@Override
				public void present(ItemVersion item) {
					hrefs.add(item.href());
				}

				@Override
				public void removed(String href, Removal why) {
				}
			}, new NullProgressMonitor());
			col.get(hrefs, new FetchSink() {
				@Override
				public void item(RemoteItem item) {
					out.add(item);
				}

				@Override
				public void bad(String href, String version, String reason, String raw) {
					throw new AssertionError(reason);
				}
			}, new NullProgressMonitor());
		}
		return out;
	}

	@Override
	public void close() throws Exception {
		mail.stop();
		dav.close();
		crm.close();
	}
}
