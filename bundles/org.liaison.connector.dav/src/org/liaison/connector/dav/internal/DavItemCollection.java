package org.liaison.connector.dav.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.xml.stream.XMLStreamException;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.AlreadyExistsException;
import org.liaison.api.sync.CollectionInfo;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemRejectedException;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.NotFoundException;
import org.liaison.api.sync.PreconditionFailedException;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.TokenExpiredException;
import org.liaison.api.sync.TransientException;
import org.liaison.api.sync.WriteResult;
import org.liaison.connector.dav.internal.ItemFormat.BadItemException;
import org.liaison.connector.dav.internal.ItemFormat.OtherKindException;
import org.liaison.connector.dav.internal.ItemFormat.Parsed;
import org.liaison.connector.dav.internal.Multistatus.Response;

/**
 * One CalDAV calendar (its events or its tasks) or one CardDAV address book as an
 * {@link ItemCollection}.
 *
 * <p>Listing: with RFC 6578 sync-collection when the collection has a sync-token (tokens
 * {@code sync:...}, handed to {@link ListSink#checkpoint} after every page), else a getctag/etag
 * listing (tokens {@code ctag:...}: an unchanged ctag lists nothing; after a change the etag listing
 * is compared with the last one this object made; with none, {@link TokenExpiredException} asks for
 * a full listing). A calendar that holds events and tasks alike is
 * listed with a calendar-query filtered by component. Fetching: calendar-multiget /
 * addressbook-multiget in batches; a batch the server cuts off is fetched again item by item, and
 * an item that cannot be read or fetched goes to {@link FetchSink#bad} naming it. Writes: PUT with
 * {@code If-None-Match: *} to a name made of the ident (so a repeated create finds its item), PUT
 * and DELETE with {@code If-Match}. Safe for concurrent writes from several threads.
 */
final class DavItemCollection implements ItemCollection {

	static final int MULTIGET_BATCH = 200;
	static final int PAGE = 1000;
	/** Token prefixes: a complete sync-collection listing, and a page of an initial one. */
	static final String SYNC = "sync:";
	static final String INITIAL = "sync-initial:";

	private final DavHttp http;
	private final URI url;
	private final CollectionInfo info;
	private final ItemFormat format;
	private final boolean filterByComponent;
	private final boolean syncCollection;
	private volatile boolean limitUnsupported;
	private volatile Snapshot last;

	DavItemCollection(DavHttp http, URI url, CollectionInfo info, ItemFormat format, boolean filterByComponent,
			boolean syncCollection) {
		this.http = http;
		this.url = url;
		this.info = info;
		this.format = format;
		this.filterByComponent = filterByComponent;
		this.syncCollection = syncCollection;
	}

	@Override
	public CollectionInfo info() {
		return info;
	}

	URI url() {
		return url;
	}

	ItemFormat format() {
		return format;
	}

	private String name() {
		return info.displayName() == null ? url.getPath() : "\"" + info.displayName() + "\" (" + url.getPath() + ")";
	}

	private boolean calendar() {
		return format.kind() != ItemKind.CONTACT;
	}

	// ------------------------------------------------------------------ listing

	@Override
	public String list(String since, ListSink sink, IProgressMonitor monitor) throws SyncException {
		IProgressMonitor m = monitor == null ? new NullProgressMonitor() : monitor;
		if (syncCollection && !filterByComponent) {
			if (since == null) {
				return syncCollection(null, false, sink, m);
			}
			if (since.startsWith(INITIAL)) {
				return syncCollection(since.substring(INITIAL.length()), true, sink, m);
			}
			if (!since.startsWith(SYNC)) {
				throw new TokenExpiredException(name() + ": the token " + since + " is not a sync-collection token");
			}
			return syncCollection(since.substring(SYNC.length()), false, sink, m);
		}
		String ctag = ctag();
		if (since != null) {
			if (!since.startsWith("ctag:")) {
				throw new TokenExpiredException(name() + ": the token " + since + " is not a ctag token");
			}
			if (since.equals("ctag:" + ctag)) {
				return since; // nothing changed: no listing at all
			}
			Snapshot before = last;
			if (before == null || !since.equals("ctag:" + before.ctag())) {
				throw new TokenExpiredException(name() + " changed and the server offers no sync-collection: list it in full");
			}
			Map<String, String> now = new HashMap<>();
			etagListing(v -> now.put(v.href(), v.version()), m);
			for (Map.Entry<String, String> e : now.entrySet()) {
				if (!e.getValue().equals(before.etags().get(e.getKey()))) {
					sink.present(new ItemVersion(e.getKey(), e.getValue()));
				}
			}
			for (String href : before.etags().keySet()) {
				if (!now.containsKey(href)) {
					sink.removed(href, Removal.DELETED);
				}
			}
			last = ctag == null ? null : new Snapshot(ctag, now);
			return ctag == null ? null : "ctag:" + ctag;
		}
		Map<String, String> now = new HashMap<>();
		etagListing(v -> {
			now.put(v.href(), v.version());
			sink.present(v);
		}, m);
		last = ctag == null ? null : new Snapshot(ctag, now);
		return ctag == null ? null : "ctag:" + ctag;
	}

	/**
	 * The last etag listing of a collection without sync-collection, kept so that the next listing
	 * after a ctag change can report only the difference; gone after a restart (then a full listing).
	 */
	private record Snapshot(String ctag, Map<String, String> etags) {
	}

	private interface VersionSink {
		void accept(ItemVersion v) throws SyncException;
	}

	/**
	 * @param resumed the token is a page of an initial listing that was interrupted: the listing is
	 *        still an initial one
	 */
	private String syncCollection(String token, boolean resumed, ListSink sink, IProgressMonitor m) throws SyncException {
		boolean initial = token == null || resumed;
		String current = token;
		int page = 0;
		while (true) {
			checkCancel(m);
			page++;
			m.subTask(name() + ": changes, page " + page);
			String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
					+ "<D:sync-collection xmlns:D=\"DAV:\"><D:sync-token>" + (current == null ? "" : Multistatus.esc(current))
					+ "</D:sync-token><D:sync-level>1</D:sync-level>"
					+ (limitUnsupported ? "" : "<D:limit><D:nresults>" + PAGE + "</D:nresults></D:limit>")
					+ "<D:prop><D:getetag/></D:prop></D:sync-collection>";
			HttpRequest req = http.request(url, "REPORT", body, "application/xml; charset=utf-8").header("Depth", "1").build();
			String sent = current;
			boolean[] more = { false };
			String[] next = { null };
			// a page is read whole before it reaches the sink: a page cut off and asked again must not
			// report an item twice (servers that ignore DAV:limit send the whole collection as one page)
			List<ItemVersion> present = new ArrayList<>();
			List<String> removed = new ArrayList<>();
			int status = http.stream(req, "sync-collection of " + name(), (st, in, resp) -> {
				present.clear();
				removed.clear();
				if (st != 207) {
					String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
					if (st == 507 && !limitUnsupported) {
						return -507;
					}
					if (sent != null && (st == 403 || st == 409 || st == 412 || st == 400 || text.contains("valid-sync-token"))) {
						throw new TokenExpiredException(name() + ": the server refused the sync token (HTTP " + st + ")");
					}
					throw new SyncException(name() + ": sync-collection failed: HTTP " + st + excerpt(text));
				}
				try {
					next[0] = Multistatus.parse(in, r -> {
						String href = r.href();
						if (href == null) {
							return;
						}
						if (isSelf(href)) {
							if (r.status() == 507) {
								more[0] = true;
							}
							return;
						}
						if (href.endsWith("/")) {
							return;
						}
						if (r.status() == 404 || r.status() == 410) {
							removed.add(href);
						} else {
							String etag = r.text(Multistatus.DAV, "getetag");
							if (etag != null) {
								present.add(new ItemVersion(href, etag.trim()));
							}
						}
					});
				} catch (XMLStreamException e) {
					throw new IOException("malformed sync-collection answer: " + e.getMessage(), e);
				}
				return st;
			});
			if (status == -507) {
				limitUnsupported = true;
				page--;
				continue;
			}
			if (next[0] == null || next[0].isEmpty()) {
				throw new SyncException(name() + ": the server's sync-collection answer has no sync-token");
			}
			for (ItemVersion v : present) {
				sink.present(v);
			}
			for (String href : removed) {
				sink.removed(href, Removal.DELETED);
			}
			current = next[0];
			if (!more[0]) {
				sink.checkpoint(SYNC + current, initial);
				return SYNC + current;
			}
			// a page of an initial listing: its token says so, so a listing resumed from it stays initial
			sink.checkpoint((initial ? INITIAL : SYNC) + current, initial);
		}
	}

	private boolean isSelf(String href) {
		String p;
		try {
			p = url.resolve(href.replace(" ", "%20")).getPath();
		} catch (IllegalArgumentException e) {
			p = href;
		}
		String self = url.getPath();
		return p != null && (p.equals(self) || (p + "/").equals(self) || p.equals(self + "/"));
	}

	/** The collection's getctag (or sync-token when there is no ctag), or null. */
	String ctag() throws SyncException {
		String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\" xmlns:CS=\"" + Multistatus.CS
				+ "\"><D:prop><CS:getctag/><D:sync-token/></D:prop></D:propfind>";
		DavHttp.Reply r = http.send(http.request(url, "PROPFIND", body, "application/xml; charset=utf-8").header("Depth", "0")
				.build(), "ctag of " + name());
		if (r.status() != 207) {
			throw new SyncException(name() + ": PROPFIND failed: HTTP " + r.status() + excerpt(r.body()));
		}
		for (Response resp : Multistatus.parseAll(r.body())) {
			String c = resp.text(Multistatus.CS, "getctag");
			if (c == null || c.isBlank()) {
				c = resp.text(Multistatus.DAV, "sync-token");
			}
			if (c != null && !c.isBlank()) {
				return c.trim();
			}
		}
		return null;
	}

	private void etagListing(VersionSink sink, IProgressMonitor m) throws SyncException {
		m.subTask(name() + ": listing");
		HttpRequest req;
		if (filterByComponent) {
			String comp = ((ICalFormat) format).componentName();
			String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\""
					+ Multistatus.CALDAV + "\"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\">"
					+ "<C:comp-filter name=\"" + comp + "\"/></C:comp-filter></C:filter></C:calendar-query>";
			req = http.request(url, "REPORT", body, "application/xml; charset=utf-8").header("Depth", "1").build();
		} else {
			String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:getetag/>"
					+ "<D:resourcetype/></D:prop></D:propfind>";
			req = http.request(url, "PROPFIND", body, "application/xml; charset=utf-8").header("Depth", "1").build();
		}
		// listed into a buffer first: a listing cut off and sent again must not report items twice
		List<ItemVersion> found = http.stream(req, "listing of " + name(), (st, in, resp) -> {
			if (st != 207) {
				throw new SyncException(name() + ": listing failed: HTTP " + st
						+ excerpt(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
			}
			List<ItemVersion> out = new ArrayList<>();
			try {
				Multistatus.parse(in, r -> {
					if (r.href() == null || r.href().endsWith("/") || isSelf(r.href())) {
						return;
					}
					Multistatus.Prop rt = r.prop(Multistatus.DAV, "resourcetype");
					if (rt != null && rt.children().contains(Multistatus.DAV + "collection")) {
						return;
					}
					String etag = r.text(Multistatus.DAV, "getetag");
					if (etag != null) {
						out.add(new ItemVersion(r.href(), etag.trim()));
					}
				});
			} catch (XMLStreamException e) {
				throw new IOException("malformed listing: " + e.getMessage(), e);
			}
			return out;
		});
		for (ItemVersion v : found) {
			sink.accept(v);
		}
	}

	// ------------------------------------------------------------------ fetching

	/** One item of a multiget answer, kept until the whole answer has been read. */
	private record Fetched(String href, String etag, String text, int status) {
	}

	@Override
	public void get(List<String> hrefs, FetchSink sink, IProgressMonitor monitor) throws SyncException {
		IProgressMonitor m = monitor == null ? new NullProgressMonitor() : monitor;
		for (int i = 0; i < hrefs.size(); i += MULTIGET_BATCH) {
			checkCancel(m);
			List<String> batch = hrefs.subList(i, Math.min(hrefs.size(), i + MULTIGET_BATCH));
			m.subTask(name() + ": fetching " + (i + batch.size()) + " of " + hrefs.size());
			List<Fetched> got;
			try {
				got = multiget(batch);
			} catch (TransientException e) {
				// the batch keeps failing (a connection closed mid-answer): item by item, so that only
				// the item that breaks it is lost to this run
				got = new ArrayList<>();
				for (String href : batch) {
					checkCancel(m);
					try {
						Fetched f = getOne(href);
						if (f != null) {
							got.add(f);
						}
					} catch (TransientException one) {
						sink.bad(href, "", name() + ": " + href + " could not be fetched: " + one.getMessage(), null);
					}
				}
			}
			for (Fetched f : got) {
				deliver(f, sink);
			}
			m.worked(batch.size());
		}
	}

	private void deliver(Fetched f, FetchSink sink) throws SyncException {
		if (f.status() == 404 || f.status() == 410) {
			return;
		}
		if (f.text() == null) {
			sink.bad(f.href(), f.etag() == null ? "" : f.etag(),
					name() + ": the server sent no data for " + f.href() + " (status " + f.status() + ")", null);
			return;
		}
		String etag = f.etag() == null ? "" : f.etag();
		try {
			Parsed p = format.parse(f.text(), f.href());
			sink.item(new RemoteItem(f.href(), etag, p.ident(), p.data(), p.modified(), p.nativeForm()));
		} catch (BadItemException e) {
			sink.bad(f.href(), etag, e.getMessage(), f.text());
		} catch (OtherKindException e) {
			// a task in a calendar listed for its events, or the reverse: not this collection's item
		}
	}

	private List<Fetched> multiget(List<String> hrefs) throws SyncException {
		StringBuilder body = new StringBuilder(256 + hrefs.size() * 64);
		if (calendar()) {
			body.append("<?xml version=\"1.0\" encoding=\"utf-8\"?><C:calendar-multiget xmlns:D=\"DAV:\" xmlns:C=\"")
					.append(Multistatus.CALDAV).append("\"><D:prop><D:getetag/><C:calendar-data/></D:prop>");
		} else {
			body.append("<?xml version=\"1.0\" encoding=\"utf-8\"?><A:addressbook-multiget xmlns:D=\"DAV:\" xmlns:A=\"")
					.append(Multistatus.CARDDAV).append("\"><D:prop><D:getetag/><A:address-data/></D:prop>");
		}
		for (String h : hrefs) {
			body.append("<D:href>").append(Multistatus.esc(h)).append("</D:href>");
		}
		body.append(calendar() ? "</C:calendar-multiget>" : "</A:addressbook-multiget>");
		HttpRequest req = http.request(url, "REPORT", body.toString(), "application/xml; charset=utf-8").header("Depth", "1")
				.build();
		return http.stream(req, "fetching " + hrefs.size() + " items of " + name(), (st, in, resp) -> {
			if (st != 207) {
				String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				if (st >= 500) {
					throw new TransientException(name() + ": multiget failed: HTTP " + st + excerpt(text));
				}
				throw new SyncException(name() + ": multiget failed: HTTP " + st + excerpt(text));
			}
			List<Fetched> out = new ArrayList<>(hrefs.size());
			try {
				Multistatus.parse(in, r -> {
					if (r.href() == null) {
						return;
					}
					String data = r.text(calendar() ? Multistatus.CALDAV : Multistatus.CARDDAV,
							calendar() ? "calendar-data" : "address-data");
					String etag = r.text(Multistatus.DAV, "getetag");
					out.add(new Fetched(r.href(), etag == null ? null : etag.trim(), data,
							r.status() != 0 ? r.status() : data == null ? 404 : 200));
				});
			} catch (XMLStreamException e) {
				throw new IOException("malformed multiget answer: " + e.getMessage(), e);
			}
			return out;
		});
	}

	private Fetched getOne(String href) throws SyncException {
		HttpRequest req = http.request(url.resolve(href), "GET", null, null).build();
		return http.stream(req, "fetching " + href, (st, in, resp) -> {
			byte[] bytes = in.readAllBytes();
			if (st == 404 || st == 410) {
				return null;
			}
			if (st != 200) {
				return new Fetched(href, null, null, st);
			}
			return new Fetched(href, resp.headers().firstValue("ETag").orElse(null),
					new String(bytes, StandardCharsets.UTF_8), 200);
		});
	}

	// ------------------------------------------------------------------ writing

	String hrefFor(UUID ident) {
		return url.getRawPath() + ident + format.extension();
	}

	@Override
	public WriteResult create(UUID ident, ItemData data) throws SyncException {
		requireKind(data);
		String href = hrefFor(ident);
		String body = format.create(ident, data);
		DavHttp.Reply r = http.send(http.request(url.resolve(href), "PUT", body, format.contentType())
				.header("If-None-Match", "*").build(), "creating " + href);
		if (r.status() == 412) {
			ItemVersion existing = head(href);
			throw new AlreadyExistsException(name() + ": an item with ident " + ident + " exists already at " + href,
					existing == null ? new ItemVersion(href, "") : existing);
		}
		if ((r.status() == 409 || r.status() == 403) && r.body().contains("uid-conflict")) {
			ItemVersion existing = findByUid(ident, data);
			throw new AlreadyExistsException(name() + ": the server holds an item with the same UID as " + ident
					+ (existing == null ? "" : " at " + existing.href()), existing == null ? new ItemVersion(href, "") : existing);
		}
		return written(r, href, body, data);
	}

	@Override
	public WriteResult update(RemoteItem current, ItemData data) throws SyncException {
		requireKind(data);
		Object nativeForm = current.nativeForm();
		ItemData before = current.data();
		if (!format.owns(nativeForm)) {
			Fetched f = getOne(current.href());
			if (f == null) {
				throw new NotFoundException(name() + ": " + current.href() + " is gone");
			}
			try {
				Parsed p = format.parse(f.text(), current.href());
				nativeForm = p.nativeForm();
				before = p.data();
			} catch (BadItemException | OtherKindException e) {
				throw new ItemRejectedException(e.getMessage(), e);
			}
		}
		String body = format.update(nativeForm, before, data);
		DavHttp.Reply r = http.send(http.request(url.resolve(current.href()), "PUT", body, format.contentType())
				.header("If-Match", current.version()).build(), "updating " + current.href());
		if (r.status() == 412) {
			throw new PreconditionFailedException(name() + ": " + current.href() + " changed on the server since version "
					+ current.version());
		}
		if (r.status() == 404 || r.status() == 410) {
			throw new NotFoundException(name() + ": " + current.href() + " is gone");
		}
		return written(r, current.href(), body, data);
	}

	@Override
	public void delete(String href, String version) throws SyncException {
		HttpRequest.Builder b = http.request(url.resolve(href), "DELETE", null, null);
		if (version != null && !version.isEmpty()) {
			b.header("If-Match", version);
		}
		DavHttp.Reply r = http.send(b.build(), "deleting " + href);
		if (r.status() == 412) {
			throw new PreconditionFailedException(name() + ": " + href + " changed on the server since version " + version);
		}
		if (r.ok() || r.status() == 404 || r.status() == 410) {
			return;
		}
		throw new SyncException(name() + ": deleting " + href + " failed: HTTP " + r.status() + excerpt(r.body()));
	}

	private void requireKind(ItemData data) {
		if (data.kind() != format.kind()) {
			throw new IllegalArgumentException(name() + " holds " + format.kind() + " items, not " + data.kind());
		}
	}

	/**
	 * What a successful PUT left: its ETag; when the server gave none (it changed what it stored,
	 * RFC 4791 5.3.4) the item is fetched again, and {@code stored} says what the server keeps when
	 * that differs from what was sent.
	 */
	private WriteResult written(DavHttp.Reply r, String href, String body, ItemData sent) throws SyncException {
		if (!r.ok()) {
			if (r.status() >= 400 && r.status() < 500 || r.status() == 507) {
				throw new ItemRejectedException(name() + ": the server refused " + href + ": HTTP " + r.status() + excerpt(r.body()));
			}
			throw new SyncException(name() + ": writing " + href + " failed: HTTP " + r.status() + excerpt(r.body()));
		}
		String etag = r.header("ETag");
		String text = body;
		if (etag == null || etag.startsWith("W/")) {
			Fetched f = getOne(href);
			if (f == null || f.text() == null) {
				throw new SyncException(name() + ": " + href + " was written but cannot be read back");
			}
			etag = f.etag() == null ? "" : f.etag();
			text = f.text();
		}
		ItemData stored = null;
		try {
			ItemData back = format.parse(text, href).data();
			if (!back.equals(sent)) {
				stored = back;
			}
		} catch (BadItemException | OtherKindException e) {
			throw new SyncException(name() + ": " + href + " as stored cannot be read back: " + e.getMessage(), e);
		}
		return new WriteResult(href, etag, stored);
	}

	/** The item's current ETag, or null when it is not there. */
	private ItemVersion head(String href) throws SyncException {
		String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:getetag/></D:prop></D:propfind>";
		DavHttp.Reply r = http.send(http.request(url.resolve(href), "PROPFIND", body, "application/xml; charset=utf-8")
				.header("Depth", "0").build(), "etag of " + href);
		if (r.status() != 207) {
			return null;
		}
		for (Response resp : Multistatus.parseAll(r.body())) {
			String e = resp.text(Multistatus.DAV, "getetag");
			if (e != null) {
				return new ItemVersion(href, e.trim());
			}
		}
		return null;
	}

	/** The href of the item whose UID is the one {@code data} would be written with, or null. */
	private ItemVersion findByUid(UUID ident, ItemData data) throws SyncException {
		String uid = data.get("globalobjectid") != null ? data.get("globalobjectid") : ident.toString();
		String body;
		if (calendar()) {
			body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"" + Multistatus.CALDAV
					+ "\"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\""
					+ ((ICalFormat) format).componentName() + "\"><C:prop-filter name=\"UID\"><C:text-match collation=\"i;octet\">"
					+ Multistatus.esc(uid) + "</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>";
		} else {
			body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><A:addressbook-query xmlns:D=\"DAV:\" xmlns:A=\"" + Multistatus.CARDDAV
					+ "\"><D:prop><D:getetag/></D:prop><A:filter><A:prop-filter name=\"UID\"><A:text-match collation=\"i;octet\" match-type=\"equals\">"
					+ Multistatus.esc(uid) + "</A:text-match></A:prop-filter></A:filter></A:addressbook-query>";
		}
		DavHttp.Reply r = http.send(http.request(url, "REPORT", body, "application/xml; charset=utf-8").header("Depth", "1").build(),
				"looking up UID " + uid);
		if (r.status() != 207) {
			return null;
		}
		for (Response resp : Multistatus.parseAll(r.body())) {
			String e = resp.text(Multistatus.DAV, "getetag");
			if (resp.href() != null && e != null && !isSelf(resp.href())) {
				return new ItemVersion(resp.href(), e.trim());
			}
		}
		return null;
	}

	static String excerpt(String body) {
		if (body == null || body.isBlank()) {
			return "";
		}
		String b = body.strip().replaceAll("\\s+", " ");
		return ": " + (b.length() > 200 ? b.substring(0, 200) + "..." : b);
	}

	private static void checkCancel(IProgressMonitor m) {
		if (m.isCanceled()) {
			throw new OperationCanceledException();
		}
	}
}
