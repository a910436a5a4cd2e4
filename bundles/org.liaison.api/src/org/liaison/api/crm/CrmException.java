package org.liaison.api.crm;

/**
 * A CRM call failed. {@link #kind()} says how to react; the message is meant for the user and names the
 * record and the reason ("412: the contact 'Ada Lovelace' was changed in the CRM since the last sync").
 */
public class CrmException extends Exception {
	private static final long serialVersionUID = 1L;

	/** What went wrong, by how a caller reacts. */
	public enum Kind {
		/** 400: the request or the record's content was refused. */
		BAD_REQUEST,
		/** 401: not signed in, or the credentials were refused. */
		UNAUTHORIZED,
		/** 403: the user may not read or write this. */
		FORBIDDEN,
		/** 404: the record does not exist. */
		NOT_FOUND,
		/** 412: the record changed since the ETag the caller had, or exists already (create only). */
		PRECONDITION_FAILED,
		/** The delta token was refused: list again from scratch. */
		TOKEN_EXPIRED,
		/** 429 or 503 that outlasted the retries: try later. */
		THROTTLED,
		/** The request budget of this client is spent. */
		BUDGET_EXHAUSTED,
		/** The organization could not be reached, or the connection dropped. */
		NETWORK,
		/** The TLS certificate is not trusted and not pinned. */
		UNTRUSTED_CERTIFICATE,
		/** Anything else the server answered (5xx). */
		SERVER
	}

	private final Kind kind;
	private final int status;
	private final String code;
	private final long retryAfterMillis;

	public CrmException(Kind kind, int status, String code, String message, long retryAfterMillis, Throwable cause) {
		super(message, cause);
		this.kind = kind;
		this.status = status;
		this.code = code;
		this.retryAfterMillis = retryAfterMillis;
	}

	public CrmException(Kind kind, String message, Throwable cause) {
		this(kind, 0, null, message, -1, cause);
	}

	public Kind kind() {
		return kind;
	}

	/** The HTTP status, or 0 when there was no answer. */
	public int status() {
		return status;
	}

	/** The Dynamics error code (e.g. {@code 0x80060882}), or null. */
	public String code() {
		return code;
	}

	/** The server's Retry-After in milliseconds, or -1. */
	public long retryAfterMillis() {
		return retryAfterMillis;
	}
}
