package org.liaison.api.mail;

import java.time.Duration;
import java.util.Objects;

/**
 * One mail account: where mail is read (IMAP or POP3), where it is sent (SMTP submission), and the
 * options that go with it.
 *
 * @param id a stable id, unique among the user's accounts (names caches and local mail)
 * @param protocol IMAP or POP3
 * @param incoming the IMAP or POP3 server
 * @param smtp the submission server, or null for an account that only reads
 * @param address the user's own address (the From of what is sent)
 * @param sentFolder the IMAP folder a copy of sent mail is appended to, or null for none (the
 *        server files it itself, or POP3: then the copy goes to the local store)
 * @param leaveOnServer POP3: keep messages on the server after downloading them
 * @param timeout the timeout of every socket operation (connect, read, write)
 */
public record MailAccount(String id, MailProtocol protocol, MailServer incoming, MailServer smtp, String address,
		String sentFolder, boolean leaveOnServer, Duration timeout) {

	/** The keyword that marks a message tracked in the CRM, so that every computer sees it. */
	public static final String TRACKED_KEYWORD = "$Liaison-Tracked";

	public MailAccount {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(protocol, "protocol");
		Objects.requireNonNull(incoming, "incoming");
		timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
	}

	public static MailAccount imap(String id, MailServer imap, MailServer smtp, String address) {
		return new MailAccount(id, MailProtocol.IMAP, imap, smtp, address, "Sent", true, null);
	}

	public static MailAccount pop3(String id, MailServer pop3, MailServer smtp, String address, boolean leaveOnServer) {
		return new MailAccount(id, MailProtocol.POP3, pop3, smtp, address, null, leaveOnServer, null);
	}

	public MailAccount withTimeout(Duration t) {
		return new MailAccount(id, protocol, incoming, smtp, address, sentFolder, leaveOnServer, t);
	}

	public MailAccount withSentFolder(String folder) {
		return new MailAccount(id, protocol, incoming, smtp, address, folder, leaveOnServer, timeout);
	}
}
