package org.liaison.api.sync;

/** Receives a collection's listing as it streams; nothing needs to hold the whole collection. */
public interface ListSink {

	/** An item present now (with a token: added or changed since it). */
	void present(ItemVersion item) throws SyncException;

	/** With a token: an item gone since it, and why. */
	void removed(String href, Removal why) throws SyncException;
}
