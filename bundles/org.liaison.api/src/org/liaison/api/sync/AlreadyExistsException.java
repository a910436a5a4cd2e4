package org.liaison.api.sync;

/** A create found an item with the same ident already there; {@link #existing()} says which. */
public class AlreadyExistsException extends SyncException {
	private static final long serialVersionUID = 1L;

	private final transient ItemVersion existing;

	public AlreadyExistsException(String message, ItemVersion existing) {
		super(message);
		this.existing = existing;
	}

	public ItemVersion existing() {
		return existing;
	}
}
