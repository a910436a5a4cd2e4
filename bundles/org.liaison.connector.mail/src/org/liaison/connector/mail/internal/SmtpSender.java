package org.liaison.connector.mail.internal;

import java.util.UUID;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.MailServer;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.security.TrustService;

/**
 * SMTP submission: STARTTLS or TLS, AUTH with the password from the secret store. Connecting is
 * retried with backoff; the message itself is handed over once (a retry after the server may have
 * taken it could send it twice), and a failure then says so.
 */
final class SmtpSender {

	record Sent(String messageId, byte[] bytes) {
	}

	private final MailAccount account;
	private final MailServer server;
	private final TrustService trust;
	private final String password;

	SmtpSender(MailAccount account, TrustService trust, String password) {
		this.account = account;
		this.server = account.smtp();
		this.trust = trust;
		this.password = password;
	}

	Sent send(EmailMessage message, UUID ident) throws MailException {
		Session session = MailSessions.session("smtp", server, account.timeout(), trust);
		MimeMessage msg;
		byte[] bytes;
		Address[] to;
		try {
			msg = Mime.build(session, message, ident, account.address());
			to = msg.getAllRecipients();
			bytes = Mime.bytes(msg);
		} catch (MessagingException | java.io.IOException | IllegalArgumentException e) {
			throw new MailException("The message '" + message.subject() + "' cannot be built: " + e.getMessage(), false,
					e);
		}
		if (to == null || to.length == 0) {
			throw new MailException("The message '" + message.subject() + "' has no recipients");
		}
		Transport t = null;
		for (int attempt = 0; t == null; attempt++) {
			try {
				Transport c = session.getTransport(MailSessions.protocol("smtp", server));
				c.connect(server.host(), server.port(), server.user(), password);
				t = c;
			} catch (MessagingException e) {
				if (!MailSessions.connectionLost(e) || attempt + 1 >= Backoff.ATTEMPTS) {
					throw MailSessions.fail("Connecting to " + server, server, e);
				}
				try {
					Backoff.sleep(attempt, 5_000);
				} catch (InterruptedException ie) {
					Thread.currentThread().interrupt();
					throw new MailException("sending was interrupted", true, ie);
				}
			}
		}
		try {
			t.sendMessage(msg, to);
		} catch (MessagingException e) {
			MailException f = MailSessions.fail("Sending '" + message.subject() + "' (" + safeId(msg) + ")", server, e);
			throw new MailException(f.getMessage()
					+ (f.retryable() ? " (the server may or may not have taken it; its Message-ID tells)" : ""),
					f.retryable(), e);
		} finally {
			try {
				t.close();
			} catch (MessagingException ignored) {
				// sent or failed already
			}
		}
		return new Sent(safeId(msg), bytes);
	}

	private static String safeId(MimeMessage m) {
		try {
			return m.getMessageID();
		} catch (MessagingException e) {
			return null;
		}
	}
}
