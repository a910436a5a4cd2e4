package org.liaison.api.offline;

/** Go Offline failed; the message names the record or the step and the reason. */
public class OfflineException extends Exception {
	private static final long serialVersionUID = 1L;

	public OfflineException(String message, Throwable cause) {
		super(message, cause);
	}

	public OfflineException(String message) {
		super(message);
	}
}
