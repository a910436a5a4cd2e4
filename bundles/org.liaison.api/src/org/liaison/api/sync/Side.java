package org.liaison.api.sync;

/** The two sides of every sync pair. */
public enum Side {
	/** The CRM organization (Dynamics Web API). */
	CRM,
	/** The user's mailbox: mail, address book, calendar and tasks (IMAP, DAV or the local store). */
	MAILBOX;

	public Side other() {
		return this == CRM ? MAILBOX : CRM;
	}
}
