package org.liaison.connector.mail.tests;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailChangeSink;
import org.liaison.api.mail.MailConnector;
import org.liaison.api.mail.MailHeader;
import org.liaison.api.mail.MailSecurity;
import org.liaison.api.mail.MailServer;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.TrustService;
import org.liaison.connector.mail.internal.servers.Dovecot;
import org.liaison.testing.MailServers;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestPasswords;

/** Shared set-up: services, passwords in the secret store, Dovecot, a recording change sink. */
final class MailFixture {

	private MailFixture() {
	}

	static MailConnector connector() {
		return Osgi.service(MailConnector.class);
	}

	static TrustService trust() {
		TestPasswords.unlockSecureStorage();
		return Osgi.service(TrustService.class);
	}

	/** A server whose password is saved in the secret store under a fresh key. */
	static MailServer server(String host, int port, MailSecurity security, String user, String password)
			throws Exception {
		TestPasswords.unlockSecureStorage();
		SecretStore secrets = Osgi.service(SecretStore.class);
		String key = "tests/mail/" + TestPasswords.random();
		secrets.put(key, password.toCharArray());
		return new MailServer(host, port, security, user, key);
	}

	static MailAccount imap(Dovecot d, String user) throws Exception {
		return MailAccount.imap("dovecot-" + TestPasswords.random(),
				server("127.0.0.1", d.imapPort, MailSecurity.NONE, user, d.password(user)), null, user + "@example.test")
				.withTimeout(Duration.ofSeconds(20));
	}

	/** A Dovecot, or a failure saying how to install it (never a skip). */
	static Dovecot dovecot(String... without) {
		return MailServers.dovecot(without);
	}

	static byte[] message(String messageId, String subject, String body) {
		String m = "Message-ID: " + messageId + "\r\nDate: Mon, 5 Jan 2026 10:00:00 +0000\r\n"
				+ "From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: " + subject
				+ "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + body + "\r\n";
		return m.getBytes(StandardCharsets.UTF_8);
	}

	static MimeMessage mime(byte[] raw) throws Exception {
		return new MimeMessage(Session.getInstance(new Properties()), new java.io.ByteArrayInputStream(raw));
	}

	/** Records what a sync reports. */
	static final class Recorder implements MailChangeSink {
		final List<MailHeader> added = new ArrayList<>();
		final List<Long> changed = new ArrayList<>();
		final List<Set<String>> changedFlags = new ArrayList<>();
		final List<Long> vanished = new ArrayList<>();
		final List<String> bad = new ArrayList<>();
		final List<Long> badUids = new ArrayList<>();

		@Override
		public void added(MailHeader header) {
			added.add(header);
		}

		@Override
		public void flagsChanged(long uid, long modSeq, Set<String> flags) {
			changed.add(uid);
			changedFlags.add(flags);
		}

		@Override
		public void vanished(long uid) {
			vanished.add(uid);
		}

		@Override
		public void bad(long uid, String reason, byte[] raw) {
			badUids.add(uid);
			bad.add(reason);
		}

		MailHeader bySubject(String s) {
			return added.stream().filter(h -> s.equals(h.message().subject())).findFirst()
					.orElseThrow(() -> new AssertionError("no message '" + s + "' among " + added.size()));
		}

		@Override
		public String toString() {
			return "added " + added.size() + ", changed " + changed + ", vanished " + vanished + ", bad " + bad;
		}
	}
}
