package org.liaison.api.sync;

/** The server refused the item's content (HTTP 400, 415, 507): the item goes to quarantine, the run goes on. */
public class ItemRejectedException extends SyncException {
	private static final long serialVersionUID = 1L;

	public ItemRejectedException(String message) {
		super(message);
	}

	public ItemRejectedException(String message, Throwable cause) {
		super(message, cause);
	}
}
