package org.liaison.api.store;

/** A conditional write found the row at another version than the caller expected. */
public class StaleVersionException extends StoreException {
	private static final long serialVersionUID = 1L;

	private final String currentVersion;

	public StaleVersionException(String message, String currentVersion) {
		super(message);
		this.currentVersion = currentVersion;
	}

	/** The version the row is at now, or null when it is gone. */
	public String currentVersion() {
		return currentVersion;
	}
}
