package org.liaison.api.sync;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.model.ItemData;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The sync engine's view of one collection on one side: an address book, a calendar, a task list,
 * a mail folder, or a CRM entity set under a sync filter. Every connector implements this, and
 * passes the connector contract suite.
 *
 * <p>Rules every implementation keeps:
 * <ul>
 * <li>Listings stream to a sink; nothing asks for the whole collection in memory.</li>
 * <li>{@link #create} uses the client-chosen ident, so that repeating a create whose response was
 * lost finds the item instead of making a second one.</li>
 * <li>{@link #update} and {@link #delete} are conditional on the version the engine last saw and
 * throw {@link PreconditionFailedException} when the item changed meanwhile.</li>
 * <li>Per-item read errors go to {@link FetchSink#bad}; exceptions are for the call as a whole.</li>
 * </ul>
 */
@ConsumerType
public interface ItemCollection {

	CollectionInfo info();

	/**
	 * Lists the collection. With {@code since == null}, every item is reported present. With a token
	 * from an earlier call, only changes since then are reported (present: added or changed; removed:
	 * gone, with the reason).
	 *
	 * @return the token to pass next time, or null if the collection has no change tracking (then
	 *         every call is a full listing)
	 * @throws TokenExpiredException when the server refuses the token: call again with null
	 */
	String list(String since, ListSink sink, IProgressMonitor monitor) throws SyncException;

	/** Fetches items by href. Hrefs that no longer exist are left out of what reaches the sink. */
	void get(List<String> hrefs, FetchSink sink, IProgressMonitor monitor) throws SyncException;

	/**
	 * Creates an item that carries {@code ident}. If an item with that ident exists already (a create
	 * whose response was lost, or an item another install made), no second item is made: the
	 * implementation throws {@link AlreadyExistsException} naming the existing item.
	 */
	WriteResult create(UUID ident, ItemData data) throws SyncException;

	/**
	 * Replaces {@code current}'s content with {@code data}, if the item is still at
	 * {@code current.version()}. Properties the field map does not carry (unknown vCard and
	 * iCalendar properties, X- properties) are kept from {@code current}.
	 *
	 * @throws PreconditionFailedException the item changed since {@code current} was fetched
	 * @throws NotFoundException the item is gone
	 */
	WriteResult update(RemoteItem current, ItemData data) throws SyncException;

	/**
	 * Deletes the item if it is still at {@code version}. Deleting an item that is already gone is
	 * not an error.
	 *
	 * @throws PreconditionFailedException the item changed since that version
	 */
	void delete(String href, String version) throws SyncException;

	/**
	 * For items missing from a full listing: whether each was deleted or only left the collection's
	 * scope. The default says deleted; a filtered collection (a CRM sync filter) checks.
	 */
	default Map<String, Removal> whyGone(List<String> hrefs) throws SyncException {
		Map<String, Removal> out = new java.util.HashMap<>();
		for (String h : hrefs) {
			out.put(h, Removal.DELETED);
		}
		return out;
	}
}
