package org.liaison.api.sync;

/** The server refused a sync token or delta link: list again from scratch. */
public class TokenExpiredException extends SyncException {
	private static final long serialVersionUID = 1L;

	public TokenExpiredException(String message) {
		super(message);
	}

	public TokenExpiredException(String message, Throwable cause) {
		super(message, cause);
	}
}
