package org.liaison.api.mail;

import java.util.List;

import org.liaison.api.sync.ItemCollection;
import org.osgi.annotation.versioning.ProviderType;

/** The mail side: IMAP or POP3 for reading, SMTP for sending. */
@ProviderType
public interface MailConnector {

	/** The mail protocols this connector can speak here (e.g. imap, imaps, pop3, pop3s, smtp, smtps). */
	List<String> protocols();

	/**
	 * Opens an account: connects and logs in (password from the secret store, TLS through the trust
	 * service), so that a wrong password or an untrusted certificate shows at once.
	 */
	default Mailbox open(MailAccount account) throws MailException {
		throw new MailException("this mail connector cannot open accounts");
	}

	/**
	 * Opens an account whose local mail (the messages a POP3 account downloads, its sent copies)
	 * is kept in the profile's store; without a store it is kept in files under Liaison's home.
	 */
	default Mailbox open(MailAccount account, org.liaison.api.store.MailStore local) throws MailException {
		return open(account);
	}

	/**
	 * A folder of an open mailbox as the sync engine sees it: one email item per message, its ident
	 * from the {@code X-LIAISON-ID} header or the Message-ID. Messages are immutable: the collection
	 * appends new ones, refuses updates, and deletes by moving to nothing only when asked.
	 */
	default ItemCollection collection(Mailbox mailbox, String folder) {
		throw new UnsupportedOperationException("this mail connector has no item collections");
	}
}
