package org.liaison.api.sync;

/** A failure worth retrying later (a dropped connection, HTTP 429 or 503, a timeout). */
public class TransientException extends SyncException {
	private static final long serialVersionUID = 1L;

	public TransientException(String message) {
		super(message);
	}

	public TransientException(String message, Throwable cause) {
		super(message, cause);
	}

	private long retryAfterMillis = -1;

	/** A failure with the server's Retry-After, in milliseconds. */
	public TransientException(String message, long retryAfterMillis) {
		super(message);
		this.retryAfterMillis = retryAfterMillis;
	}

	/** How long the server asked us to wait, or -1 when it did not say. */
	public long retryAfterMillis() {
		return retryAfterMillis;
	}
}
