package org.liaison.connector.mail.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.MailSecurity;
import org.liaison.api.mail.MailServer;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.mail.SentMail;
import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.Idents;
import org.liaison.api.model.ParticipationType;
import org.liaison.api.security.TrustService;
import org.liaison.connector.mail.internal.servers.Dovecot;
import org.liaison.testing.FaultProxy;
import org.liaison.testing.MailServers;
import org.liaison.testing.TestHome;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * SMTP submission with STARTTLS and AUTH on a production server: Dovecot's submission service
 * (Debian {@code dovecot-submissiond}) with its self-signed certificate, relaying to GreenMail's
 * plain SMTP, where the message is checked. GreenMail 2.1 itself has no STARTTLS (its SMTP commands
 * have none), which makes it the server that does not offer it. A proxy in front records what the
 * client put on the wire, to show that no AUTH goes out before TLS.
 */
class SmtpSubmissionTest {

	private static GreenMail relay;
	private static Dovecot dovecot;

	@BeforeAll
	static void start() throws Exception {
		TestHome.get();
		relay = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
		relay.start();
		dovecot = MailServers.dovecotWithSubmission(relay.getSmtp().getPort());
		dovecot.start();
	}

	@AfterAll
	static void stop() throws Exception {
		if (dovecot != null) {
			dovecot.close();
			dovecot.delete();
		}
		if (relay != null) {
			relay.stop();
		}
	}

	private static MailAccount account(int smtpPort, MailSecurity security) throws Exception {
		String pw = dovecot.password("alice");
		MailServer imap = MailFixture.server("127.0.0.1", dovecot.imapPort, MailSecurity.NONE, "alice", pw);
		MailServer smtp = MailFixture.server("127.0.0.1", smtpPort, security, "alice", pw);
		return MailAccount.imap("submission-" + UUID.randomUUID(), imap, smtp, "alice@example.test")
				.withTimeout(Duration.ofSeconds(15));
	}

	private static EmailMessage message(String subject) {
		return new EmailMessage(null, null, List.of(), subject,
				List.of(ActivityParty.of(ParticipationType.TO, "bob@example.test")), null, "Dear Bob,\nthe offer.",
				null, null, null, null, true, null, null, null);
	}

	@Test
	void startTls_untrustedCertificateRefusedUntilPinned_thenAuthAfterTls_andRelayed() throws Exception {
		TrustService trust = MailFixture.trust();
		try (FaultProxy wire = FaultProxy.tcp(dovecot.submissionPort)) {
			trust.unpin("127.0.0.1", wire.port());
			int before = relay.getReceivedMessages().length;
			try (Mailbox mb = MailFixture.connector().open(account(wire.port(), MailSecurity.STARTTLS))) {
				MailException e = assertThrows(MailException.class, () -> mb.send(message("Refused"), UUID.randomUUID()));
				System.out.println("untrusted STARTTLS certificate: " + e.getMessage());
				assertTrue(e.getMessage().contains("not trusted and not pinned") && e.getMessage().contains("SHA-256"),
						e.getMessage());
				assertFalse(e.retryable(), "an untrusted certificate is not retried");
				assertFalse(wire.clientBytes().contains("AUTH"), wire.clientBytes());

				trust.pin("127.0.0.1", wire.port(), TrustService.fingerprint(dovecot.certificate()));
				UUID ident = UUID.randomUUID();
				SentMail sent = mb.send(message("Offer over STARTTLS"), ident);
				assertTrue(relay.waitForIncomingEmail(15_000, before + 1), "Dovecot relayed the message");
				MimeMessage got = relay.getReceivedMessages()[before];
				assertEquals("Offer over STARTTLS", got.getSubject());
				assertEquals(ident.toString(), got.getHeader(Idents.PROPERTY, null));
				assertEquals(sent.messageId(), got.getMessageID());
				assertEquals("Sent", sent.sentFolder(), "the copy goes to Sent over IMAP");
			}
			String plain = wire.clientBytes();
			assertTrue(plain.contains("EHLO") && plain.contains("STARTTLS"), plain);
			// everything after STARTTLS is encrypted: neither the AUTH command nor the password is readable
			assertFalse(plain.contains("AUTH") || plain.contains(dovecot.password("alice")), "AUTH went out in plain text");
		}
	}

	@Test
	void startTls_serverOffersNone_refusedBeforeAuth() throws Exception {
		int before = relay.getReceivedMessages().length;
		try (FaultProxy wire = FaultProxy.tcp(relay.getSmtp().getPort());
				Mailbox mb = MailFixture.connector().open(account(wire.port(), MailSecurity.STARTTLS))) {
			MailException e = assertThrows(MailException.class, () -> mb.send(message("Not sent"), UUID.randomUUID()));
			System.out.println("no STARTTLS offered: " + e.getMessage());
			assertTrue(e.getMessage().contains("does not offer STARTTLS") && e.getMessage().contains("did not log in"),
					e.getMessage());
			assertFalse(e.retryable(), "a server without STARTTLS is not retried");
			String plain = wire.clientBytes();
			assertTrue(plain.contains("EHLO"), plain);
			assertFalse(plain.contains("AUTH") || plain.contains("MAIL FROM"), "the client went on in plain text:\n" + plain);
			assertEquals(1, wire.connections.get(), "refused once, not retried");
		}
		assertEquals(before, relay.getReceivedMessages().length);
	}

	@Test
	void tls11OnlyServer_refusedWithClearError() throws Exception {
		int port;
		try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = s.getLocalPort();
		}
		Path dir = dovecot.folder();
		Process server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert",
				dir.resolve("cert.pem").toString(), "-key", dir.resolve("key.pem").toString(), "-tls1_1", "-cipher",
				"DEFAULT@SECLEVEL=0", "-quiet").redirectErrorStream(true).redirectOutput(dir.resolve("s_server.log").toFile())
				.start();
		try {
			awaitListening(port, server);
			// pinned, so that only the protocol version stands in the way
			MailFixture.trust().pin("127.0.0.1", port, TrustService.fingerprint(dovecot.certificate()));
			try (Mailbox mb = MailFixture.connector().open(account(port, MailSecurity.TLS))) {
				MailException e = assertThrows(MailException.class, () -> mb.send(message("Old TLS"), UUID.randomUUID()));
				System.out.println("TLS 1.1 only: " + e.getMessage());
				assertTrue(e.getMessage().contains("offers no TLS 1.2 or newer"), e.getMessage());
				assertFalse(e.retryable());
			}
		} finally {
			server.destroy();
			server.waitFor(10, TimeUnit.SECONDS);
		}
	}

	private static void awaitListening(int port, Process p) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline) {
			if (!p.isAlive()) {
				throw new AssertionError("openssl s_server ended: exit " + p.exitValue());
			}
			try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
				return;
			} catch (IOException notYet) {
				Thread.sleep(100);
			}
		}
		throw new AssertionError("openssl s_server did not listen on " + port);
	}
}
