package org.liaison.sync.engine.internal.bench;

import java.util.List;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemData;
import org.liaison.api.sync.CollectionInfo;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.WriteResult;

/**
 * A read-only collection of {@code size} contacts computed from their number, holding nothing in
 * memory: the benchmark's stand-in for a server, so that what the heap shows is the engine's.
 * No change tracking: every listing is full.
 */
final class SyntheticCollection implements ItemCollection {

	private final CollectionInfo info;
	private final int size;
	private final String prefix;

	SyntheticCollection(CollectionInfo info, int size, String prefix) {
		this.info = info;
		this.size = size;
		this.prefix = prefix;
	}

	static UUID ident(int i) {
		return new UUID(0x4c69616973_6f6eL, i);
	}

	static ItemData data(int i) {
		return Contact.of("First" + i, "Last" + i, "person" + i + "@example.org").toData().with(Contact.CITY,
				"City " + (i % 977));
	}

	String href(int i) {
		return prefix + i;
	}

	@Override
	public CollectionInfo info() {
		return info;
	}

	@Override
	public String list(String since, ListSink sink, IProgressMonitor monitor) throws SyncException {
		for (int i = 0; i < size; i++) {
			sink.present(new ItemVersion(href(i), "v1"));
		}
		return null;
	}

	@Override
	public void get(List<String> hrefs, FetchSink sink, IProgressMonitor monitor) throws SyncException {
		for (String h : hrefs) {
			int i = Integer.parseInt(h.substring(prefix.length()));
			sink.item(new RemoteItem(h, "v1", ident(i), data(i)));
		}
	}

	@Override
	public WriteResult create(UUID ident, ItemData data) throws SyncException {
		throw new SyncException("the benchmark's collections are read-only");
	}

	@Override
	public WriteResult update(org.liaison.api.sync.RemoteItem current, ItemData data) throws SyncException {
		throw new SyncException("the benchmark's collections are read-only");
	}

	@Override
	public void delete(String href, String version) throws SyncException {
		throw new SyncException("the benchmark's collections are read-only");
	}

}
