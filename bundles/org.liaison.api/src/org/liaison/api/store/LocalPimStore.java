package org.liaison.api.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Contacts, appointments and tasks kept in the profile's database, for accounts without
 * CalDAV/CardDAV (as a desktop mail client keeps them for a POP3 account). Items have a version
 * that every write raises, writes are conditional on it, and each collection tracks its changes
 * by revision, so that the local PIM connector gives the engine the same incremental listing a
 * WebDAV server does.
 */
@ProviderType
public interface LocalPimStore {

	List<LocalCollection> collections() throws StoreException;

	Optional<LocalCollection> collection(String id) throws StoreException;

	/** The collection, made first if it does not exist (a write). */
	LocalCollection ensureCollection(String id, ItemKind kind, String displayName) throws StoreException;

	/** Deletes a collection and its items (a write). */
	void deleteCollection(String id) throws StoreException;

	Optional<LocalItem> get(String collection, String href) throws StoreException;

	/** The live items among these hrefs (missing ones are left out), in the order asked. */
	List<LocalItem> get(String collection, Collection<String> hrefs) throws StoreException;

	Optional<LocalItem> byIdent(String collection, UUID ident) throws StoreException;

	/**
	 * Streams the items written after revision {@code since}: with 0, every live item; else live and
	 * deleted items changed since. Returns the collection's revision now, the {@code since} of the
	 * next call.
	 *
	 * @throws StaleVersionException when deletions older than {@code since} were purged: list again
	 *         from 0
	 */
	long changes(String collection, long since, StoreConsumer<LocalChange> sink) throws StoreException;

	int count(String collection) throws StoreException;

	/**
	 * Creates an item carrying {@code ident} (a write).
	 *
	 * @throws DuplicateItemException an item with that ident is in the collection already
	 */
	LocalItem create(String collection, UUID ident, ItemData data) throws StoreException;

	/** Creates many items in one transaction (imports, benchmarks); fails as a whole on a duplicate. */
	List<LocalItem> createAll(String collection, List<LocalItem> items) throws StoreException;

	/**
	 * Replaces an item's content if it is still at {@code expectedVersion} (a write).
	 *
	 * @throws StaleVersionException it is at another version, or gone (current version null)
	 */
	LocalItem update(String collection, String href, long expectedVersion, ItemData data) throws StoreException;

	/**
	 * Deletes an item if it is still at {@code expectedVersion} (a write); deleting an item that is
	 * gone already does nothing.
	 *
	 * @throws StaleVersionException it is at another version
	 */
	void delete(String collection, String href, long expectedVersion) throws StoreException;

	/** Forgets deletions at or below {@code revision} (a write); listings from before then fail. */
	void purgeDeletions(String collection, long revision) throws StoreException;
}
