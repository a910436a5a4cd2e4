package org.liaison.api.sync;

/** Which way a field flows, as the reference product's per-field synchronization settings. */
public enum FieldDirection {
	TWO_WAY, CRM_TO_MAILBOX, MAILBOX_TO_CRM, NONE;

	/** Whether a change made on {@code from} may be written to the other side. */
	public boolean flows(Side from) {
		return switch (this) {
			case TWO_WAY -> true;
			case CRM_TO_MAILBOX -> from == Side.CRM;
			case MAILBOX_TO_CRM -> from == Side.MAILBOX;
			case NONE -> false;
		};
	}
}
