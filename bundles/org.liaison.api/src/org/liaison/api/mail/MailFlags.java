package org.liaison.api.mail;

/** The IMAP system flags, as {@link MailHeader#flags()} spells them; keywords are spelled as they are. */
public final class MailFlags {
	public static final String SEEN = "\\Seen";
	public static final String ANSWERED = "\\Answered";
	public static final String FLAGGED = "\\Flagged";
	public static final String DELETED = "\\Deleted";
	public static final String DRAFT = "\\Draft";

	private MailFlags() {
	}
}
