package org.liaison.store.internal.local;

import java.util.List;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.store.DuplicateItemException;
import org.liaison.api.store.LocalChange;
import org.liaison.api.store.LocalItem;
import org.liaison.api.store.LocalPimStore;
import org.liaison.api.store.StaleVersionException;
import org.liaison.api.store.StoreException;
import org.liaison.api.sync.AlreadyExistsException;
import org.liaison.api.sync.CollectionInfo;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.NotFoundException;
import org.liaison.api.sync.PreconditionFailedException;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.TokenExpiredException;
import org.liaison.api.sync.WriteResult;

/**
 * A local address book, calendar or task list as an {@link ItemCollection}: the mailbox side of an
 * account without CalDAV/CardDAV. Versions are the collection's revisions, tokens its revision
 * counter, so listings since a token cost what changed, as a WebDAV sync-collection does.
 */
public final class LocalPimCollection implements ItemCollection {

	private final LocalPimStore store;
	private final String collection;
	private final CollectionInfo info;

	public LocalPimCollection(LocalPimStore store, String collection, ItemKind kind, String displayName) {
		this.store = store;
		this.collection = collection;
		this.info = new CollectionInfo("local:" + collection, kind, Side.MAILBOX, displayName);
	}

	@Override
	public CollectionInfo info() {
		return info;
	}

	private SyncException failed(String what, StoreException e) {
		return new SyncException("the local " + info.kind().name().toLowerCase() + " collection " + collection
				+ " could not " + what + ": " + e.getMessage(), e);
	}

	@Override
	public String list(String since, ListSink sink, IProgressMonitor monitor) throws SyncException {
		long from;
		try {
			from = since == null ? 0 : Long.parseLong(since);
		} catch (NumberFormatException e) {
			throw new TokenExpiredException("not a token of " + collection + ": " + since);
		}
		try {
			long revision = store.changes(collection, from, (LocalChange c) -> {
				try {
					if (c.deleted()) {
						sink.removed(c.href(), Removal.DELETED);
					} else {
						sink.present(new ItemVersion(c.href(), Long.toString(c.version())));
					}
				} catch (SyncException e) {
					throw new StoreException(e.getMessage(), e);
				}
			});
			return Long.toString(revision);
		} catch (StaleVersionException e) {
			throw new TokenExpiredException(e.getMessage(), e);
		} catch (StoreException e) {
			if (e.getCause() instanceof SyncException se) {
				throw se;
			}
			throw failed("be listed", e);
		}
	}

	@Override
	public void get(List<String> hrefs, FetchSink sink, IProgressMonitor monitor) throws SyncException {
		List<LocalItem> items;
		try {
			items = store.get(collection, hrefs);
		} catch (StoreException e) {
			throw failed("be read", e);
		}
		for (LocalItem it : items) {
			sink.item(remote(it));
		}
	}

	private static RemoteItem remote(LocalItem it) {
		return new RemoteItem(it.href(), Long.toString(it.version()), it.ident(), it.data(), it.modified(), null);
	}

	private static long version(String v) throws PreconditionFailedException {
		try {
			return Long.parseLong(v);
		} catch (NumberFormatException e) {
			throw new PreconditionFailedException("not a version of a local item: " + v);
		}
	}

	@Override
	public WriteResult create(UUID ident, ItemData data) throws SyncException {
		try {
			LocalItem it = store.create(collection, ident, data);
			return new WriteResult(it.href(), Long.toString(it.version()));
		} catch (DuplicateItemException e) {
			String version = null;
			try {
				version = store.get(collection, e.existingHref()).map(i -> Long.toString(i.version())).orElse("0");
			} catch (StoreException ignored) {
				version = "0";
			}
			throw new AlreadyExistsException(e.getMessage(), new ItemVersion(e.existingHref(), version));
		} catch (StoreException e) {
			throw failed("take a new item", e);
		}
	}

	@Override
	public WriteResult update(RemoteItem current, ItemData data) throws SyncException {
		try {
			LocalItem it = store.update(collection, current.href(), version(current.version()), data);
			return new WriteResult(it.href(), Long.toString(it.version()));
		} catch (StaleVersionException e) {
			if (e.currentVersion() == null) {
				throw new NotFoundException(e.getMessage());
			}
			throw new PreconditionFailedException(e.getMessage());
		} catch (StoreException e) {
			throw failed("change " + current.href(), e);
		}
	}

	@Override
	public void delete(String href, String version) throws SyncException {
		try {
			store.delete(collection, href, version(version));
		} catch (StaleVersionException e) {
			throw new PreconditionFailedException(e.getMessage());
		} catch (StoreException e) {
			throw failed("delete " + href, e);
		}
	}
}
