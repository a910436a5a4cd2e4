package org.liaison.api.mail;

import java.util.Set;

/** Receives a folder's changes as {@link Mailbox#sync} streams them; nothing holds the whole folder. */
public interface MailChangeSink {

	/** A message new since the state passed in (every message, without a state). */
	void added(MailHeader header) throws MailException;

	/** A known message whose flags or keywords changed. */
	void flagsChanged(long uid, long modSeq, Set<String> flags) throws MailException;

	/** A known message that is gone (expunged or moved away). */
	void vanished(long uid) throws MailException;

	/**
	 * A message whose headers cannot be read (malformed MIME, a damaged server response): it is
	 * reported here with the reason and what raw text there was, and the scan goes on.
	 */
	void bad(long uid, String reason, byte[] raw) throws MailException;
}
