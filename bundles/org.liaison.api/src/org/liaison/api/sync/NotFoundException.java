package org.liaison.api.sync;

/** The item does not exist (HTTP 404). */
public class NotFoundException extends SyncException {
	private static final long serialVersionUID = 1L;

	public NotFoundException(String message) {
		super(message);
	}

	public NotFoundException(String message, Throwable cause) {
		super(message, cause);
	}
}
