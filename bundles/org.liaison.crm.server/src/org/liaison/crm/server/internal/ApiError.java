package org.liaison.crm.server.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answered in the Web API's shape: an HTTP status and
 * {@code {"error":{"code":"0x...","message":"..."}}}, with the Dynamics error codes clients know.
 */
final class ApiError extends RuntimeException {
	private static final long serialVersionUID = 1L;

	static final String PAYLOAD = "0x80048d19";
	static final String QUERY = "0x80060888";
	static final String NOT_FOUND = "0x80040217";
	static final String DUPLICATE = "0x80040237";
	static final String VERSION_MISMATCH = "0x80060882";
	static final String EXPIRED_VERSION = "0x80044352";
	static final String PRIVILEGE = "0x80040220";
	static final String UNAUTHENTICATED = "0x8005F101";
	static final String LENGTH = "0x80044331";
	static final String CHOICE = "0x8004431a";
	static final String BUSINESS_RULE = "0x80040265";
	static final String THROTTLED_REQUESTS = "0x80072322";
	static final String UNAVAILABLE = "0x80072327";
	static final String BATCH_LIMIT = "0x8005f103";
	static final String UNSUPPORTED = "0x8006088a";

	final int status;
	final String code;
	final Map<String, String> headers = new LinkedHashMap<>();

	ApiError(int status, String code, String message) {
		super(message);
		this.status = status;
		this.code = code;
	}

	ApiError header(String name, String value) {
		headers.put(name, value);
		return this;
	}

	/** The error as an HTTP answer: its status, the Web API's error body, its headers. */
	Http.Res response() {
		Http.Res res = Http.json(status, Json.error(code, getMessage()));
		for (Map.Entry<String, String> h : headers.entrySet()) {
			res = res.header(h.getKey(), h.getValue());
		}
		return res;
	}

	static ApiError badRequest(String code, String message) {
		return new ApiError(400, code, message);
	}

	static ApiError payload(String message) {
		return new ApiError(400, PAYLOAD, message);
	}

	static ApiError query(String message) {
		return new ApiError(400, QUERY, message);
	}

	/**
	 * Whether the database rolled the whole transaction back (SQLState class 40: a deadlock victim, a
	 * lock wait timed out): nothing of the request was written, and sending it again is safe.
	 */
	static boolean rolledBack(java.sql.SQLException e) {
		for (java.sql.SQLException x = e; x != null; x = x.getNextException()) {
			if (x.getSQLState() != null && x.getSQLState().startsWith("40")) {
				return true;
			}
		}
		return false;
	}

	/** 503 with Retry-After for a request the database rolled back ({@link #rolledBack}). */
	static ApiError rolledBackError(java.sql.SQLException e) {
		return new ApiError(503, UNAVAILABLE, "The database rolled the request back (" + e.getSQLState() + ": "
				+ e.getMessage() + "); nothing of it was written; send it again").header("Retry-After", "1");
	}

	static ApiError notFound(String logical, Object id) {
		return new ApiError(404, NOT_FOUND, "Entity '" + logical + "' With Id = " + id + " Does Not Exist");
	}
}
