package org.liaison.ui.internal;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Removal;

/**
 * Reads the profile's address book, calendar or task list through its PIM connector (CalDAV/CardDAV
 * or the local store): the same collections the sync writes, so the views show what is in the
 * mailbox. Remote for DAV: call it from a Job.
 */
public final class PimItems {

	private PimItems() {
	}

	/**
	 * Every item of {@code kind} as the view's record ({@code Contact::fromData} and so on). An item that
	 * cannot be read is left out here: the sync quarantines it with the reason, shown in the Sync view.
	 */
	public static <T> List<T> read(Session session, ItemKind kind, java.util.function.Function<ItemData, T> as,
			IProgressMonitor monitor) throws Exception {
		List<T> out = new ArrayList<>();
		for (RemoteItem i : read(session, kind, new ArrayList<>(), monitor)) {
			out.add(as.apply(i.data()));
		}
		return out;
	}

	/** Every item of every collection of {@code kind}; items that cannot be read are counted in {@code bad}. */
	public static List<RemoteItem> read(Session session, ItemKind kind, List<String> bad, IProgressMonitor monitor)
			throws Exception {
		SubMonitor sub = SubMonitor.convert(monitor, "Reading " + kind.entitySet(), 10);
		List<RemoteItem> out = new ArrayList<>();
		for (ItemCollection col : session.pimConnector().collections(session.pimAccount(), sub.split(2))) {
			if (col.info().kind() != kind) {
				continue;
			}
			List<String> hrefs = new ArrayList<>();
			col.list(null, new ListSink() {
				@Override
				public void present(ItemVersion item) {
					hrefs.add(item.href());
				}

				@Override
				public void removed(String href, Removal why) {
				}
			}, sub.split(3));
			col.get(hrefs, new FetchSink() {
				@Override
				public void item(RemoteItem item) {
					out.add(item);
				}

				@Override
				public void bad(String href, String version, String reason, String raw) {
					bad.add(href + ": " + reason);
				}
			}, sub.split(5));
		}
		return out;
	}
}
