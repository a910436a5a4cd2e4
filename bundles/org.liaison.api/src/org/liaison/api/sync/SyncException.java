package org.liaison.api.sync;

/** A sync call failed. Subclasses say how the engine should react. */
public class SyncException extends Exception {
	private static final long serialVersionUID = 1L;

	public SyncException(String message) {
		super(message);
	}

	public SyncException(String message, Throwable cause) {
		super(message, cause);
	}
}
