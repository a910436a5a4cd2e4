package org.liaison.connector.mail.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.MailSecurity;
import org.liaison.api.mail.MailServer;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.security.TrustService;
import org.liaison.connector.mail.internal.servers.Dovecot;
import org.liaison.connector.mail.internal.servers.Maildirs;
import org.liaison.testing.MailServers;
import org.liaison.testing.TestHome;
import org.liaison.testing.TestPasswords;

/** STARTTLS, IMAPS and POP3S on Dovecot with its self-signed certificate: refused until pinned, then used. */
class DovecotTlsTest {

	private static Dovecot dovecot;

	@BeforeAll
	static void start() throws Exception {
		TestHome.get();
		dovecot = MailServers.dovecot();
		Maildirs.generate(dovecot.maildir("alice"), 3, 5);
		dovecot.start();
	}

	@AfterAll
	static void stop() throws Exception {
		dovecot.close();
		dovecot.delete();
	}

	private static MailAccount account(int port, MailSecurity security, boolean pop3) throws Exception {
		MailServer s = MailFixture.server("127.0.0.1", port, security, "alice", dovecot.password("alice"));
		String id = "tls-" + TestPasswords.random();
		return (pop3 ? MailAccount.pop3(id, s, null, "alice@example.test", true)
				: MailAccount.imap(id, s, null, "alice@example.test")).withTimeout(Duration.ofSeconds(15));
	}

	private static void check(int port, MailSecurity security, boolean pop3) throws Exception {
		TrustService trust = MailFixture.trust();
		trust.unpin("127.0.0.1", port);
		MailAccount a = account(port, security, pop3);
		MailException e = assertThrows(MailException.class, () -> MailFixture.connector().open(a));
		assertTrue(e.getMessage().contains("not trusted and not pinned"), e.getMessage());
		trust.pin("127.0.0.1", port, TrustService.fingerprint(dovecot.certificate()));
		try (Mailbox mb = MailFixture.connector().open(a)) {
			MailFixture.Recorder r = new MailFixture.Recorder();
			mb.sync(Mailbox.INBOX, null, r, null);
			assertEquals(3, r.added.size(), r.toString());
		}
	}

	@Test
	void imapStartTls_refusedUntilPinned_thenSyncs() throws Exception {
		check(dovecot.imapPort, MailSecurity.STARTTLS, false);
	}

	@Test
	void imaps_refusedUntilPinned_thenSyncs() throws Exception {
		check(dovecot.imapsPort, MailSecurity.TLS, false);
	}

	@Test
	void pop3s_refusedUntilPinned_thenDownloads() throws Exception {
		check(dovecot.pop3sPort, MailSecurity.TLS, true);
	}

	@Test
	void pop3StartTls_refusedUntilPinned_thenDownloads() throws Exception {
		check(dovecot.pop3Port, MailSecurity.STARTTLS, true);
	}
}
