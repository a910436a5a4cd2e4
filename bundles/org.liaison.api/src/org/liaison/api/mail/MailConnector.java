package org.liaison.api.mail;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The mail side: IMAP or POP3 for reading, SMTP for sending. */
@ProviderType
public interface MailConnector {

	/** The mail protocols this connector can speak here (e.g. imap, imaps, pop3, pop3s, smtp, smtps). */
	List<String> protocols();
}
