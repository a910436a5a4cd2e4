package org.liaison.api.sync;

/** How a true conflict (the same field changed differently on both sides) is settled, per item kind. */
public enum ConflictPolicy {
	/** The CRM's value wins; the mailbox's is kept in the conflict record. */
	CRM_WINS,
	/** The mailbox's value wins; the CRM's is kept in the conflict record. */
	MAILBOX_WINS,
	/** The side changed most recently wins. */
	NEWEST,
	/** Nothing is written for the item until the user chooses in the conflicts view. */
	ASK
}
