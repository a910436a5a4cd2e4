package org.liaison.api.mail;

/**
 * A mail operation failed. {@link #retryable()} says whether trying again later may help (a dropped
 * connection, a timeout) or not (a refused login, an untrusted certificate, a missing folder).
 */
public class MailException extends Exception {
	private static final long serialVersionUID = 1L;

	private final boolean retryable;

	public MailException(String message, boolean retryable, Throwable cause) {
		super(message, cause);
		this.retryable = retryable;
	}

	public MailException(String message) {
		this(message, false, null);
	}

	public boolean retryable() {
		return retryable;
	}
}
