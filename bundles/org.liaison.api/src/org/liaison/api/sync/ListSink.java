package org.liaison.api.sync;

/** Receives a collection's listing as it streams; nothing needs to hold the whole collection. */
public interface ListSink {

	/** An item present now (with a token: added or changed since it). */
	void present(ItemVersion item) throws SyncException;

	/** With a token: an item gone since it, and why. */
	void removed(String href, Removal why) throws SyncException;

	/**
	 * The listing reached a point it can resume from: everything reported so far is covered by
	 * {@code token}, which the engine may save now (per page), so that an interrupted listing goes on
	 * from here instead of from the start. With {@code initialSync} true the listing started from
	 * no token: until it ends, items not reported are not known to be gone, so a resumed listing is
	 * still an initial one (keep the flag with the token). Connectors without paging never call it.
	 */
	default void checkpoint(String token, boolean initialSync) throws SyncException {
	}
}
