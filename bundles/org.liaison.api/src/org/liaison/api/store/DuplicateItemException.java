package org.liaison.api.store;

/** A create found an item with the same ident (or key) already there. */
public class DuplicateItemException extends StoreException {
	private static final long serialVersionUID = 1L;

	private final String existingHref;

	public DuplicateItemException(String message, String existingHref) {
		super(message);
		this.existingHref = existingHref;
	}

	/** Where the existing item is. */
	public String existingHref() {
		return existingHref;
	}
}
