package org.liaison.api.mail;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.model.EmailMessage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One open mail account. Headers come first ({@link #sync}), bodies and attachments on demand.
 * A dropped connection is reopened with backoff; an operation that still fails throws a
 * {@link MailException} saying whether to retry later. Safe for one thread at a time.
 *
 * <p>For a POP3 account the mailbox is the local store's {@code INBOX}: {@link #sync} first downloads
 * new mail (by UIDL) into the local store, then reports the local changes; flags, keywords and moves
 * are local.
 */
@ProviderType
public interface Mailbox extends AutoCloseable {

	/** The INBOX, as every protocol names it. */
	String INBOX = "INBOX";

	MailAccount account();

	/** The server's capabilities that Liaison uses (e.g. CONDSTORE, QRESYNC, IDLE, MOVE, UIDPLUS, UIDL). */
	Set<String> capabilities() throws MailException;

	List<MailFolder> folders() throws MailException;

	/** Creates a folder if it does not exist. */
	void createFolder(String folder) throws MailException;

	FolderStatus status(String folder) throws MailException;

	/**
	 * Reports what changed in {@code folder} since {@code since} (everything, with null) and returns
	 * the state to pass next time. With QRESYNC this costs in proportion to the changes; with
	 * CONDSTORE alone, plus one UID search when messages went away; without either, new UIDs plus a
	 * flag listing compared with the last snapshot.
	 *
	 * @throws MailException with a message naming UIDVALIDITY when the folder's UIDs were reset: the
	 *         state is void, sync again from null
	 */
	MailSyncState sync(String folder, MailSyncState since, MailChangeSink sink, IProgressMonitor monitor)
			throws MailException;

	/** The headers of given messages (those that no longer exist are left out). */
	void headers(String folder, List<Long> uids, MailChangeSink sink) throws MailException;

	/** Fetches a body on demand: text, HTML and the attachments by reference. */
	MessageBody body(String folder, long uid) throws MailException;

	/**
	 * The bodies of several messages at once, for work on many small messages (tracking): a
	 * connector fetches them in few round trips where its protocol allows. A message that is gone or
	 * cannot be read this way is left out of the answer; {@link #body} then tells why. This default
	 * fetches them one at a time.
	 */
	default Map<Long, MessageBody> bodies(String folder, List<Long> uids) throws MailException {
		Map<Long, MessageBody> out = new java.util.LinkedHashMap<>();
		for (long uid : uids) {
			try {
				out.put(uid, body(folder, uid));
			} catch (MailException e) {
				if (e.retryable()) {
					throw e;
				}
			}
		}
		return out;
	}

	/** One attachment's decoded content, by the part id of its {@link org.liaison.api.model.AttachmentRef}. */
	InputStream attachment(String folder, long uid, String partId) throws MailException;

	/** The whole message as the server holds it (RFC 5322 bytes). */
	byte[] raw(String folder, long uid) throws MailException;

	/** Sets ({@code set == true}) or clears flags and keywords on messages. */
	void setFlags(String folder, List<Long> uids, Set<String> flags, boolean set) throws MailException;

	/**
	 * Appends a message (RFC 5322 bytes) with flags.
	 *
	 * @return its UID when the server says (UIDPLUS), else -1
	 */
	long append(String folder, byte[] rfc822, Set<String> flags) throws MailException;

	/**
	 * Moves messages (MOVE when the server has it, else COPY, flag \Deleted and expunge just those).
	 *
	 * @return old UID to new UID, when the server says (UIDPLUS); empty otherwise
	 */
	Map<Long, Long> move(String folder, List<Long> uids, String target) throws MailException;

	/** Finds messages by Message-ID (with angle brackets); the UIDs in the folder. */
	List<Long> findByMessageId(String folder, String messageId) throws MailException;

	/**
	 * Watches a folder and calls {@code changed} when something happens in it: IDLE when the server
	 * has it, else polling every {@code pollSeconds}. The watch runs on its own connection and
	 * thread, reconnecting with backoff.
	 */
	MailWatch watch(String folder, Runnable changed, int pollSeconds) throws MailException;

	/**
	 * Sends a message through the account's SMTP server (STARTTLS or TLS, AUTH) and files a copy in
	 * the Sent folder (IMAP APPEND, or the local store for POP3).
	 *
	 * @param message what to send: parties, subject, text and/or HTML body, In-Reply-To and References
	 * @param ident the Liaison ident to carry in the {@code X-LIAISON-ID} header, or null
	 */
	SentMail send(EmailMessage message, UUID ident) throws MailException;

	@Override
	void close();
}
