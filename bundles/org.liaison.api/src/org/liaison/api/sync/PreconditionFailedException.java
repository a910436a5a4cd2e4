package org.liaison.api.sync;

/** The item changed on the server since the version the engine saw (HTTP 412, a changed MODSEQ): the conflict path decides. */
public class PreconditionFailedException extends SyncException {
	private static final long serialVersionUID = 1L;

	public PreconditionFailedException(String message) {
		super(message);
	}

	public PreconditionFailedException(String message, Throwable cause) {
		super(message, cause);
	}
}
