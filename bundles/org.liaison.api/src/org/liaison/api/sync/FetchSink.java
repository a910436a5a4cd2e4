package org.liaison.api.sync;

/** Receives fetched items one by one; an item that cannot be read is reported, not thrown. */
public interface FetchSink {

	void item(RemoteItem item) throws SyncException;

	/**
	 * An item that exists but cannot be turned into Liaison's model (malformed MIME, iCalendar,
	 * vCard, JSON): the engine quarantines it, keeping the raw text, and goes on with the rest.
	 *
	 * @param href where it is
	 * @param version its version
	 * @param reason a clear message naming what is wrong
	 * @param raw the raw text as received (kept so that nothing is lost), may be null
	 */
	void bad(String href, String version, String reason, String raw) throws SyncException;
}
