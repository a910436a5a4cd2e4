package org.liaison.connector.mail.internal;

import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.Mailbox;

/**
 * For the benchmark inside this bundle: an IMAP mailbox opened with a password it was handed (the
 * throwaway server's, made at run time), without the secret store, which would ask for the master
 * password in the middle of a measurement.
 */
public final class MailboxAccess {

	/** The header fields a Liaison header scan fetches. */
	public static final String HEADER_FIELDS = Headers.FIELDS;

	private MailboxAccess() {
	}

	public static Mailbox openImap(MailAccount account, String password) throws MailException {
		return new ImapMailbox(account, null, password, JakartaMailConnector.accountDir("cache", account), null);
	}
}
