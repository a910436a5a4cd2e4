package org.liaison.connector.dav.internal;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.liaison.api.model.ItemKind;
import org.liaison.api.security.TrustService;
import org.liaison.api.sync.CollectionInfo;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncException;
import org.liaison.connector.dav.internal.Multistatus.Prop;
import org.liaison.connector.dav.internal.Multistatus.Response;

/**
 * One signed-in DAV account: discovery (RFC 6764 {@code .well-known}, RFC 5397
 * current-user-principal, RFC 4791/6352 calendar-home-set and addressbook-home-set, then the
 * collections with their supported components) and collection creation (MKCALENDAR, RFC 5689
 * extended MKCOL).
 */
public final class DavAccount implements AutoCloseable {

	private static final String XML = "application/xml; charset=utf-8";

	private final String id;
	private final URI start;
	private final DavHttp http;
	private URI principal;
	private List<URI> calendarHomes;
	private List<URI> addressbookHomes;

	/**
	 * @param id the account's id (collection ids start with it)
	 * @param url where discovery starts
	 * @param password the password, used for this session only (the caller clears its copy)
	 */
	public DavAccount(String id, URI url, String user, char[] password, TrustService trust) throws SyncException {
		this(id, url, user, password, trust, null);
	}

	/** @param timeout the request timeout, or null for the default */
	public DavAccount(String id, URI url, String user, char[] password, TrustService trust, java.time.Duration timeout)
			throws SyncException {
		this.id = id;
		this.start = url.getPath() == null || url.getPath().isEmpty() ? url.resolve("/") : url;
		this.http = new DavHttp(start, user, password, trust, "DAV account " + id, timeout);
	}

	/** What discovery found: one collection and what it holds. */
	record Found(URI url, String displayName, List<ItemKind> kinds, boolean mixed, boolean syncToken) {
	}

	/** The collections of the account, one {@link ItemCollection} per collection and kind. */
	public List<ItemCollection> collections(IProgressMonitor monitor) throws SyncException {
		List<ItemCollection> out = new ArrayList<>();
		for (Found f : discover(monitor)) {
			for (ItemKind k : f.kinds()) {
				out.add(collection(f, k));
			}
		}
		return out;
	}

	ItemCollection collection(Found f, ItemKind kind) {
		String cid = id + ":" + f.url().getPath() + (f.mixed() ? "#" + kind.name().toLowerCase(java.util.Locale.ROOT) : "");
		ItemFormat format = kind == ItemKind.CONTACT ? new VCardFormat() : new ICalFormat(kind);
		return new DavItemCollection(http, f.url(), new CollectionInfo(cid, kind, Side.MAILBOX, f.displayName()), format,
				f.mixed(), f.syncToken());
	}

	List<Found> discover(IProgressMonitor monitor) throws SyncException {
		IProgressMonitor m = monitor == null ? new NullProgressMonitor() : monitor;
		m.subTask("finding the calendars and address books of " + id);
		// the URL may be a collection already
		Map<URI, Response> self = propfind(start, "0", collectionProps());
		List<Found> direct = new ArrayList<>();
		for (Map.Entry<URI, Response> e : self.entrySet()) {
			Found f = found(e.getKey(), e.getValue());
			if (f != null) {
				direct.add(f);
			}
		}
		if (!direct.isEmpty()) {
			return direct;
		}
		homes();
		List<Found> out = new ArrayList<>();
		List<URI> all = new ArrayList<>(calendarHomes);
		for (URI u : addressbookHomes) {
			if (!all.contains(u)) {
				all.add(u);
			}
		}
		for (URI home : all) {
			for (Map.Entry<URI, Response> e : propfind(home, "1", collectionProps()).entrySet()) {
				Found f = found(e.getKey(), e.getValue());
				if (f != null) {
					out.add(f);
				}
			}
		}
		return out;
	}

	private static String collectionProps() {
		return "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\" xmlns:C=\"" + Multistatus.CALDAV
				+ "\" xmlns:CS=\"" + Multistatus.CS + "\"><D:prop><D:resourcetype/><D:displayname/>"
				+ "<C:supported-calendar-component-set/><CS:getctag/><D:sync-token/></D:prop></D:propfind>";
	}

	private static Found found(URI url, Response r) {
		Prop rt = r.prop(Multistatus.DAV, "resourcetype");
		if (rt == null) {
			return null;
		}
		String name = r.text(Multistatus.DAV, "displayname");
		name = name == null || name.isBlank() ? null : name.trim();
		String token = r.text(Multistatus.DAV, "sync-token");
		boolean sync = token != null && !token.isBlank();
		if (rt.children().contains(Multistatus.CALDAV + "calendar")) {
			Prop comps = r.prop(Multistatus.CALDAV, "supported-calendar-component-set");
			List<ItemKind> kinds = new ArrayList<>();
			boolean any = comps == null || comps.compNames().isEmpty();
			if (any || comps.compNames().contains("VEVENT")) {
				kinds.add(ItemKind.APPOINTMENT);
			}
			if (any || comps.compNames().contains("VTODO")) {
				kinds.add(ItemKind.TASK);
			}
			return kinds.isEmpty() ? null : new Found(url, name, kinds, kinds.size() > 1, sync);
		}
		if (rt.children().contains(Multistatus.CARDDAV + "addressbook")) {
			return new Found(url, name, List.of(ItemKind.CONTACT), false, sync);
		}
		return null;
	}

	/** Finds the principal and its home sets (once per account object). */
	private void homes() throws SyncException {
		if (calendarHomes != null) {
			return;
		}
		String cup = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:current-user-principal/>"
				+ "</D:prop></D:propfind>";
		URI p = null;
		List<URI> starts = new ArrayList<>();
		if (start.getPath() == null || start.getPath().equals("/") || start.getPath().isEmpty()) {
			starts.add(start.resolve("/.well-known/caldav"));
			starts.add(start.resolve("/.well-known/carddav"));
		}
		starts.add(start);
		for (URI s : starts) {
			for (Map.Entry<URI, Response> e : propfind(s, "0", cup).entrySet()) {
				Prop prop = e.getValue().prop(Multistatus.DAV, "current-user-principal");
				if (prop != null && !prop.hrefs().isEmpty()) {
					p = e.getKey().resolve(prop.hrefs().get(0));
					break;
				}
			}
			if (p != null) {
				break;
			}
		}
		if (p == null) {
			p = start;
		}
		principal = p;
		String homes = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\" xmlns:C=\"" + Multistatus.CALDAV
				+ "\" xmlns:A=\"" + Multistatus.CARDDAV + "\"><D:prop><C:calendar-home-set/><A:addressbook-home-set/>"
				+ "</D:prop></D:propfind>";
		List<URI> cal = new ArrayList<>();
		List<URI> card = new ArrayList<>();
		for (Map.Entry<URI, Response> e : propfind(principal, "0", homes).entrySet()) {
			Prop c = e.getValue().prop(Multistatus.CALDAV, "calendar-home-set");
			if (c != null) {
				c.hrefs().forEach(h -> cal.add(e.getKey().resolve(h)));
			}
			Prop a = e.getValue().prop(Multistatus.CARDDAV, "addressbook-home-set");
			if (a != null) {
				a.hrefs().forEach(h -> card.add(e.getKey().resolve(h)));
			}
		}
		if (cal.isEmpty() && card.isEmpty()) {
			throw new SyncException("DAV account " + id + ": " + principal
					+ " names no calendar-home-set or addressbook-home-set: is it a CalDAV/CardDAV server?");
		}
		calendarHomes = cal;
		addressbookHomes = card;
	}

	/**
	 * PROPFIND that follows redirects (as {@code .well-known} answers), returning each response with
	 * its href resolved against the URL that answered.
	 */
	private Map<URI, Response> propfind(URI uri, String depth, String body) throws SyncException {
		URI target = uri;
		for (int hop = 0; hop < 6; hop++) {
			HttpRequest req = http.request(target, "PROPFIND", body, XML).header("Depth", depth).build();
			DavHttp.Reply r = http.send(req, "PROPFIND " + target.getPath());
			if (r.status() >= 300 && r.status() < 400 && r.header("Location") != null) {
				target = target.resolve(r.header("Location"));
				continue;
			}
			Map<URI, Response> out = new LinkedHashMap<>();
			if (r.status() != 207) {
				return out;
			}
			for (Response resp : Multistatus.parseAll(r.body())) {
				if (resp.href() != null) {
					out.put(target.resolve(resp.href()), resp);
				}
			}
			return out;
		}
		throw new SyncException("DAV account " + id + ": too many redirects from " + uri);
	}

	/** Makes a calendar (events or tasks) or an address book in the account's home. */
	public ItemCollection createCollection(ItemKind kind, String displayName, IProgressMonitor monitor) throws SyncException {
		homes();
		List<URI> home = kind == ItemKind.CONTACT ? addressbookHomes : calendarHomes;
		if (home.isEmpty()) {
			throw new SyncException("DAV account " + id + " has no home for " + kind);
		}
		URI url = home.get(0).resolve(UUID.randomUUID() + "/");
		String name = displayName == null ? kind.name().toLowerCase(java.util.Locale.ROOT) : displayName;
		DavHttp.Reply r;
		if (kind == ItemKind.CONTACT) {
			String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:mkcol xmlns:D=\"DAV:\" xmlns:A=\"" + Multistatus.CARDDAV
					+ "\"><D:set><D:prop><D:resourcetype><D:collection/><A:addressbook/></D:resourcetype><D:displayname>"
					+ Multistatus.esc(name) + "</D:displayname></D:prop></D:set></D:mkcol>";
			r = http.send(http.request(url, "MKCOL", body, XML).build(), "making address book " + name);
		} else {
			String comp = kind == ItemKind.TASK ? "VTODO" : "VEVENT";
			String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><C:mkcalendar xmlns:D=\"DAV:\" xmlns:C=\"" + Multistatus.CALDAV
					+ "\"><D:set><D:prop><D:displayname>" + Multistatus.esc(name) + "</D:displayname>"
					+ "<C:supported-calendar-component-set><C:comp name=\"" + comp + "\"/></C:supported-calendar-component-set>"
					+ "</D:prop></D:set></C:mkcalendar>";
			r = http.send(http.request(url, "MKCALENDAR", body, XML).build(), "making calendar " + name);
		}
		if (!r.ok()) {
			throw new SyncException("DAV account " + id + ": making " + name + " failed: HTTP " + r.status()
					+ DavItemCollection.excerpt(r.body()));
		}
		for (Map.Entry<URI, Response> e : propfind(url, "0", collectionProps()).entrySet()) {
			Found f = found(url, e.getValue());
			if (f != null && f.kinds().contains(kind)) {
				return collection(f, kind);
			}
		}
		throw new SyncException("DAV account " + id + ": made " + url + " but it does not answer as a " + kind + " collection");
	}

	/** Deletes a collection this account made (tests and benchmarks clean up with it). */
	public void deleteCollection(ItemCollection c) throws SyncException {
		DavHttp.Reply r = http.send(http.request(((DavItemCollection) c).url(), "DELETE", null, null).build(),
				"deleting collection " + c.info().id());
		if (!r.ok() && r.status() != 404) {
			throw new SyncException("deleting " + c.info().id() + " failed: HTTP " + r.status());
		}
	}

	@Override
	public void close() {
		http.close();
	}
}
