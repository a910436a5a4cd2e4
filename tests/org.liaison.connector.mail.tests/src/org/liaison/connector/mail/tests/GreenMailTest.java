package org.liaison.connector.mail.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.MailFlags;
import org.liaison.api.mail.MailSecurity;
import org.liaison.api.mail.MailServer;
import org.liaison.api.mail.MailSyncState;
import org.liaison.api.mail.MailWatch;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.mail.MessageBody;
import org.liaison.api.mail.SentMail;
import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.Idents;
import org.liaison.api.model.ParticipationType;
import org.liaison.api.security.TrustService;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.testing.TestHome;
import org.liaison.testing.TestPasswords;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The connector against GreenMail embedded, over TLS: IMAPS, POP3S and SMTPS with GreenMail's
 * self-signed certificate, accepted only once pinned. GreenMail has no CONDSTORE, so its sync is
 * the fallback (new UIDs plus a flag listing against the last snapshot).
 */
class GreenMailTest {

	private GreenMail mail;
	private String password;
	private GreenMailUser alice;

	@BeforeEach
	void start() {
		TestHome.get();
		mail = new GreenMail(new ServerSetup[] { new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS),
				new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3S),
				new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS) });
		mail.start();
		password = TestPasswords.random();
		alice = mail.setUser("alice@example.test", "alice", password);
	}

	@AfterEach
	void stop() {
		mail.stop();
	}

	private void pin(int port) throws Exception {
		TrustService trust = MailFixture.trust();
		X509Certificate[] chain = trust.probe("127.0.0.1", port);
		trust.pin("127.0.0.1", port, TrustService.fingerprint(chain[0]));
	}

	private MailAccount imapAccount() throws Exception {
		pin(mail.getImaps().getPort());
		pin(mail.getSmtps().getPort());
		MailServer imap = MailFixture.server("127.0.0.1", mail.getImaps().getPort(), MailSecurity.TLS, "alice", password);
		MailServer smtp = MailFixture.server("127.0.0.1", mail.getSmtps().getPort(), MailSecurity.TLS, "alice", password);
		return MailAccount.imap("gm-" + TestPasswords.random(), imap, smtp, "alice@example.test")
				.withTimeout(Duration.ofSeconds(15));
	}

	private void deliver(String id, String subject) throws Exception {
		alice.deliver(MailFixture.mime(MailFixture.message(id, subject, "text of " + subject)));
	}

	@Test
	void imaps_unpinnedSelfSignedCertificate_refusedWithFingerprint_thenPinnedAccepted() throws Exception {
		MailServer imap = MailFixture.server("127.0.0.1", mail.getImaps().getPort(), MailSecurity.TLS, "alice", password);
		MailAccount account = MailAccount.imap("gm-untrusted", imap, null, "alice@example.test")
				.withTimeout(Duration.ofSeconds(10));
		MailFixture.trust().unpin("127.0.0.1", mail.getImaps().getPort());
		MailException e = assertThrows(MailException.class, () -> MailFixture.connector().open(account));
		StringBuilder chain = new StringBuilder();
		for (Throwable t = e; t != null; t = t.getCause()) {
			chain.append("\n  ").append(t.getClass().getName()).append(": ").append(t.getMessage());
		}
		assertTrue(e.getMessage().contains("not trusted and not pinned") && e.getMessage().contains("SHA-256"),
				chain.toString());
		assertTrue(!e.retryable());
		pin(mail.getImaps().getPort());
		try (Mailbox mb = MailFixture.connector().open(account)) {
			assertTrue(mb.folders().stream().anyMatch(f -> f.name().equals("INBOX")));
		}
	}

	@Test
	void plainConnection_toAnotherMachine_refusedBeforeConnecting() throws Exception {
		MailServer remote = MailFixture.server("192.0.2.1", 143, MailSecurity.NONE, "alice", password);
		MailException e = assertThrows(MailException.class,
				() -> MailFixture.connector().open(MailAccount.imap("gm-plain", remote, null, "a@example.test")));
		assertTrue(e.getMessage().contains("only to this machine"), e.getMessage());
	}

	@Test
	void wrongPassword_saysTheServerRefusedTheLogin() throws Exception {
		pin(mail.getImaps().getPort());
		MailServer imap = MailFixture.server("127.0.0.1", mail.getImaps().getPort(), MailSecurity.TLS, "alice",
				TestPasswords.random());
		MailException e = assertThrows(MailException.class,
				() -> MailFixture.connector().open(MailAccount.imap("gm-wrong", imap, null, "a@example.test")));
		assertTrue(e.getMessage().contains("refused the login"), e.getMessage());
	}

	@Test
	void fallbackSync_withoutCondstore_findsNewChangedAndExpunged() throws Exception {
		for (int i = 1; i <= 5; i++) {
			deliver("<m" + i + "@test>", "Message " + i);
		}
		try (Mailbox mb = MailFixture.connector().open(imapAccount())) {
			assertTrue(!mb.capabilities().contains("CONDSTORE"), "GreenMail has no CONDSTORE");
			MailFixture.Recorder r1 = new MailFixture.Recorder();
			MailSyncState s1 = mb.sync(Mailbox.INBOX, null, r1, null);
			assertEquals(5, r1.added.size(), r1.toString());
			long u2 = r1.bySubject("Message 2").uid();
			long u4 = r1.bySubject("Message 4").uid();
			mb.setFlags(Mailbox.INBOX, List.of(u2), Set.of(MailFlags.SEEN, MailAccount.TRACKED_KEYWORD), true);
			expungeBehindTheBack("Message 4");
			deliver("<m6@test>", "Message 6");

			MailFixture.Recorder r2 = new MailFixture.Recorder();
			MailSyncState s2 = mb.sync(Mailbox.INBOX, s1, r2, null);
			assertEquals(List.of("Message 6"), r2.added.stream().map(h -> h.message().subject()).toList(), r2.toString());
			assertEquals(List.of(u2), r2.changed, r2.toString());
			assertTrue(r2.changedFlags.get(0).contains(MailAccount.TRACKED_KEYWORD));
			assertEquals(List.of(u4), r2.vanished, r2.toString());
			assertEquals(5, s2.messages());

			MailFixture.Recorder r3 = new MailFixture.Recorder();
			mb.sync(Mailbox.INBOX, s2, r3, null);
			assertEquals(0, r3.added.size() + r3.changed.size() + r3.vanished.size(), r3.toString());
		}
	}

	private void expungeBehindTheBack(String subject) throws Exception {
		Properties p = new Properties();
		p.put("mail.imaps.ssl.trust", "127.0.0.1");
		p.put("mail.imaps.ssl.checkserveridentity", "false");
		Store s = Session.getInstance(p).getStore("imaps");
		s.connect("127.0.0.1", mail.getImaps().getPort(), "alice", password);
		Folder f = s.getFolder("INBOX");
		f.open(Folder.READ_WRITE);
		for (Message m : f.getMessages()) {
			if (subject.equals(m.getSubject())) {
				m.setFlag(Flags.Flag.DELETED, true);
			}
		}
		f.close(true);
		s.close();
	}

	@Test
	void send_overSmtpsWithAuth_carriesIdent_andCopyGoesToSent() throws Exception {
		UUID ident = UUID.randomUUID();
		EmailMessage m = new EmailMessage(null, "<earlier@test>", List.of("<root@test>", "<earlier@test>"),
				"Offer for Contoso [CRM:0001]",
				List.of(ActivityParty.of(ParticipationType.TO, "bob@example.test"),
						new ActivityParty("carol@example.test", "Carol Ä", null, ParticipationType.CC)),
				null, "Dear Bob,\nthe offer.", null, null, null, null, true, null, null, null);
		try (Mailbox mb = MailFixture.connector().open(imapAccount())) {
			SentMail sent = mb.send(m, ident);
			assertNotNull(sent.messageId());
			assertTrue(mail.waitForIncomingEmail(10_000, 2), "both recipients got it");
			MimeMessage got = mail.getReceivedMessages()[0];
			assertEquals(ident.toString(), got.getHeader(Idents.PROPERTY, null));
			assertEquals("<earlier@test>", got.getHeader("In-Reply-To", null));
			assertEquals(new InternetAddress("alice@example.test"), got.getFrom()[0]);
			assertEquals("Sent", sent.sentFolder());

			MailFixture.Recorder r = new MailFixture.Recorder();
			mb.sync("Sent", null, r, null);
			assertEquals(1, r.added.size(), r.toString());
			assertEquals(ident, r.added.get(0).ident(), "the sent copy carries the ident");
			assertEquals(sent.messageId(), r.added.get(0).message().messageId());
			assertTrue(r.added.get(0).has(MailFlags.SEEN));
			assertTrue(r.added.get(0).message().outgoing());
		}
	}

	@Test
	void idle_pushesNewMail() throws Exception {
		try (Mailbox mb = MailFixture.connector().open(imapAccount())) {
			CountDownLatch got = new CountDownLatch(1);
			try (MailWatch w = mb.watch(Mailbox.INBOX, got::countDown, 60)) {
				assertTrue(w.push(), "GreenMail has IDLE");
				Thread.sleep(500);
				deliver("<pushed@test>", "Pushed");
				assertTrue(got.await(15, TimeUnit.SECONDS), "no push within 15 s");
			}
		}
	}

	@Test
	void bodyAndAttachment_fetchedOnDemand() throws Exception {
		MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
		m.setFrom("bob@example.test");
		m.setRecipients(Message.RecipientType.TO, "alice@example.test");
		m.setSubject("With attachment");
		MimeMultipart mp = new MimeMultipart();
		MimeBodyPart text = new MimeBodyPart();
		text.setText("See the attached figures.", "UTF-8");
		MimeBodyPart att = new MimeBodyPart();
		byte[] pdf = new byte[70_000];
		new java.util.Random(3).nextBytes(pdf);
		att.setContent(pdf, "application/pdf");
		att.setFileName("figures.pdf");
		att.setDisposition(MimeBodyPart.ATTACHMENT);
		mp.addBodyPart(text);
		mp.addBodyPart(att);
		m.setContent(mp);
		// in OSGi, Angus Mail's multipart handler is found through the context class loader
		Thread t = Thread.currentThread();
		ClassLoader before = t.getContextClassLoader();
		t.setContextClassLoader(org.eclipse.angus.mail.handlers.multipart_mixed.class.getClassLoader());
		try {
			m.saveChanges();
			alice.deliver(m);
		} finally {
			t.setContextClassLoader(before);
		}
		try (Mailbox mb = MailFixture.connector().open(imapAccount())) {
			MailFixture.Recorder r = new MailFixture.Recorder();
			mb.sync(Mailbox.INBOX, null, r, null);
			long uid = r.bySubject("With attachment").uid();
			assertEquals(null, r.added.get(0).message().bodyText(), "headers first: no body yet");
			MessageBody body = mb.body(Mailbox.INBOX, uid);
			assertEquals("See the attached figures.", body.text());
			assertEquals(1, body.attachments().size());
			assertEquals("figures.pdf", body.attachments().get(0).fileName());
			assertEquals("2", body.attachments().get(0).partId());
			try (var in = mb.attachment(Mailbox.INBOX, uid, "2")) {
				assertArrayEquals(pdf, in.readAllBytes());
			}
			assertThrows(MailException.class, () -> mb.body(Mailbox.INBOX, uid + 100));
		}
	}

	@Test
	void pop3s_leaveOnServer_downloadsEachMessageOnce() throws Exception {
		pin(mail.getPop3s().getPort());
		for (int i = 1; i <= 3; i++) {
			deliver("<p" + i + "@test>", "Pop " + i);
		}
		MailServer pop = MailFixture.server("127.0.0.1", mail.getPop3s().getPort(), MailSecurity.TLS, "alice", password);
		MailAccount keep = MailAccount.pop3("pop-keep-" + TestPasswords.random(), pop, null, "alice@example.test", true)
				.withTimeout(Duration.ofSeconds(15));
		try (Mailbox mb = MailFixture.connector().open(keep)) {
			MailFixture.Recorder r1 = new MailFixture.Recorder();
			MailSyncState s1 = mb.sync(Mailbox.INBOX, null, r1, null);
			assertEquals(3, r1.added.size(), r1.toString());
			assertEquals(3, mail.getReceivedMessages().length, "left on the server");
			deliver("<p4@test>", "Pop 4");
			MailFixture.Recorder r2 = new MailFixture.Recorder();
			MailSyncState s2 = mb.sync(Mailbox.INBOX, s1, r2, null);
			assertEquals(List.of("Pop 4"), r2.added.stream().map(h -> h.message().subject()).toList(), r2.toString());
			// flags and keywords are local for POP3, and sync like CONDSTORE
			long u1 = r1.bySubject("Pop 1").uid();
			mb.setFlags(Mailbox.INBOX, List.of(u1), Set.of(MailAccount.TRACKED_KEYWORD), true);
			MailFixture.Recorder r3 = new MailFixture.Recorder();
			MailSyncState s3 = mb.sync(Mailbox.INBOX, s2, r3, null);
			assertEquals(List.of(u1), r3.changed, r3.toString());
			assertEquals(0, r3.added.size());
			mb.createFolder("Archive");
			mb.move(Mailbox.INBOX, List.of(u1), "Archive");
			MailFixture.Recorder r4 = new MailFixture.Recorder();
			mb.sync(Mailbox.INBOX, s3, r4, null);
			assertEquals(List.of(u1), r4.vanished, r4.toString());
			assertEquals("text of Pop 2", mb.body(Mailbox.INBOX, r1.bySubject("Pop 2").uid()).text().trim());
		}
	}

	@Test
	void pop3s_downloadsIntoTheProfileStore_once() throws Exception {
		pin(mail.getPop3s().getPort());
		for (int i = 1; i <= 3; i++) {
			deliver("<s" + i + "@test>", "Stored " + i);
		}
		MailServer pop = MailFixture.server("127.0.0.1", mail.getPop3s().getPort(), MailSecurity.TLS, "alice", password);
		MailAccount keep = MailAccount.pop3("pop-store-" + TestPasswords.random(), pop, null, "alice@example.test", true)
				.withTimeout(Duration.ofSeconds(15));
		try (ProfileStore profile = org.liaison.testing.Osgi.service(OfflineStore.class).open("mail-" + TestPasswords.random().toLowerCase().replaceAll("[^a-z0-9]", ""));
				Mailbox mb = MailFixture.connector().open(keep, profile.mail())) {
			MailFixture.Recorder r1 = new MailFixture.Recorder();
			MailSyncState s1 = mb.sync(Mailbox.INBOX, null, r1, null);
			assertEquals(3, r1.added.size(), r1.toString());
			assertEquals(3, profile.mail().countMessages(keep.id(), Mailbox.INBOX), "kept in the profile's database");
			deliver("<s4@test>", "Stored 4");
			MailFixture.Recorder r2 = new MailFixture.Recorder();
			MailSyncState s2 = mb.sync(Mailbox.INBOX, s1, r2, null);
			assertEquals(List.of("Stored 4"), r2.added.stream().map(h -> h.message().subject()).toList(), r2.toString());
			long u1 = r1.bySubject("Stored 1").uid();
			mb.setFlags(Mailbox.INBOX, List.of(u1), Set.of(MailAccount.TRACKED_KEYWORD), true);
			mb.createFolder("Archive");
			mb.move(Mailbox.INBOX, List.of(r1.bySubject("Stored 2").uid()), "Archive");
			MailFixture.Recorder r3 = new MailFixture.Recorder();
			mb.sync(Mailbox.INBOX, s2, r3, null);
			assertEquals(List.of(u1), r3.changed, r3.toString());
			assertEquals(List.of(r1.bySubject("Stored 2").uid()), r3.vanished, r3.toString());
			assertEquals(0, r3.added.size(), r3.toString());
			assertTrue(new String(mb.raw(Mailbox.INBOX, r1.bySubject("Stored 3").uid()), StandardCharsets.UTF_8)
					.contains("Message-ID: <s3@test>"));
		}
	}

	@Test
	void pop3s_deleteFromServer_afterSavingLocally() throws Exception {
		pin(mail.getPop3s().getPort());
		for (int i = 1; i <= 3; i++) {
			deliver("<d" + i + "@test>", "Del " + i);
		}
		MailServer pop = MailFixture.server("127.0.0.1", mail.getPop3s().getPort(), MailSecurity.TLS, "alice", password);
		MailAccount take = MailAccount.pop3("pop-take-" + TestPasswords.random(), pop, null, "alice@example.test", false)
				.withTimeout(Duration.ofSeconds(15));
		try (Mailbox mb = MailFixture.connector().open(take)) {
			MailFixture.Recorder r1 = new MailFixture.Recorder();
			mb.sync(Mailbox.INBOX, null, r1, null);
			assertEquals(3, r1.added.size(), r1.toString());
			assertEquals(0, countOnPop3Server(), "deleted from the server once saved");
			byte[] raw = mb.raw(Mailbox.INBOX, r1.bySubject("Del 3").uid());
			assertTrue(new String(raw, StandardCharsets.UTF_8).contains("Message-ID: <d3@test>"));
		}
	}

	private int countOnPop3Server() throws Exception {
		Properties p = new Properties();
		p.put("mail.pop3s.ssl.trust", "127.0.0.1");
		p.put("mail.pop3s.ssl.checkserveridentity", "false");
		Store s = Session.getInstance(p).getStore("pop3s");
		s.connect("127.0.0.1", mail.getPop3s().getPort(), "alice", password);
		Folder f = s.getFolder("INBOX");
		f.open(Folder.READ_ONLY);
		int n = f.getMessageCount();
		f.close(false);
		s.close();
		return n;
	}
}
