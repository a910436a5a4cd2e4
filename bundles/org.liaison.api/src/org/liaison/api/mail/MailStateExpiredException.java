package org.liaison.api.mail;

/**
 * A folder's sync state is void: its UIDVALIDITY changed (the server reset its UIDs), or the state
 * does not belong to the connector's last snapshot of it. Sync the folder again from null.
 */
public class MailStateExpiredException extends MailException {
	private static final long serialVersionUID = 1L;

	public MailStateExpiredException(String message) {
		super(message, false, null);
	}
}
