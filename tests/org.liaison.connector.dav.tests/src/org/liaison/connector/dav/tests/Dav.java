package org.liaison.connector.dav.tests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.liaison.api.pim.PimConnector;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.SyncException;
import org.liaison.testing.Osgi;
import org.liaison.testing.Radicale;
import org.osgi.framework.ServiceReference;

/** Shared pieces of the DAV tests: the connector service, sinks that collect, raw HTTP to Radicale. */
final class Dav {

	private Dav() {
	}

	/** The PimConnector service whose id is {@code dav}. */
	static PimConnector connector() {
		Osgi.service(PimConnector.class);
		try {
			for (ServiceReference<PimConnector> r : Osgi.context().getServiceReferences(PimConnector.class, null)) {
				PimConnector c = Osgi.context().getService(r);
				if (c != null && "dav".equals(c.id())) {
					return c;
				}
			}
		} catch (org.osgi.framework.InvalidSyntaxException e) {
			throw new AssertionError(e);
		}
		throw new AssertionError("no PimConnector with id dav");
	}

	/** Collects a listing. */
	static final class Listing implements ListSink {
		final Map<String, String> present = new TreeMap<>();
		final Map<String, Removal> removed = new TreeMap<>();
		final List<String> checkpoints = new ArrayList<>();
		final List<Boolean> initial = new ArrayList<>();

		@Override
		public void present(ItemVersion item) {
			present.put(item.href(), item.version());
		}

		@Override
		public void removed(String href, Removal why) {
			removed.put(href, why);
		}

		@Override
		public void checkpoint(String token, boolean initialSync) {
			checkpoints.add(token);
			initial.add(initialSync);
		}
	}

	/** Collects fetched items and the ones that could not be read. */
	static final class Fetch implements FetchSink {
		final Map<String, RemoteItem> items = new TreeMap<>();
		final Map<String, String> bad = new TreeMap<>();
		final Map<String, String> badRaw = new TreeMap<>();

		@Override
		public void item(RemoteItem item) {
			items.put(item.href(), item);
		}

		@Override
		public void bad(String href, String version, String reason, String raw) {
			bad.put(href, reason);
			if (raw != null) {
				badRaw.put(href, raw);
			}
		}
	}

	static Listing list(ItemCollection c, String since) throws SyncException {
		Listing l = new Listing();
		String token = c.list(since, l, new NullProgressMonitor());
		l.checkpoints.add("end:" + token);
		return l;
	}

	static String token(Listing l) {
		String last = l.checkpoints.get(l.checkpoints.size() - 1);
		return last.substring(4).equals("null") ? null : last.substring(4);
	}

	/** Lists and fetches everything. */
	static Fetch all(ItemCollection c) throws SyncException {
		Listing l = list(c, null);
		Fetch f = new Fetch();
		c.get(new ArrayList<>(l.present.keySet()), f, new NullProgressMonitor());
		return f;
	}

	/** Raw HTTP to the test server, as another client would write. */
	static final class Raw {
		private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		private final String auth;
		private final URI base;

		Raw(Radicale server) {
			this.base = server.url();
			char[] pw = server.password();
			auth = "Basic " + Base64.getEncoder()
					.encodeToString((server.user() + ":" + new String(pw)).getBytes(StandardCharsets.UTF_8));
			java.util.Arrays.fill(pw, '\0');
		}

		HttpResponse<String> send(String method, String href, String body, String contentType, String... headers)
				throws IOException, InterruptedException {
			HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(href)).header("Authorization", auth)
					.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
			if (contentType != null) {
				b.header("Content-Type", contentType);
			}
			for (int i = 0; i < headers.length; i += 2) {
				b.header(headers[i], headers[i + 1]);
			}
			IOException last = null;
			for (int attempt = 0; attempt < 3; attempt++) {
				try {
					return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
				} catch (IOException e) {
					last = e; // Radicale closes a connection now and then under parallel load
					Thread.sleep(200);
				}
			}
			throw last;
		}

		String get(String href) throws IOException, InterruptedException {
			HttpResponse<String> r = send("GET", href, null, null);
			if (r.statusCode() != 200) {
				throw new AssertionError("GET " + href + ": HTTP " + r.statusCode());
			}
			return r.body();
		}

		String put(String href, String body, String contentType) throws IOException, InterruptedException {
			HttpResponse<String> r = send("PUT", href, body, contentType);
			if (r.statusCode() / 100 != 2) {
				throw new AssertionError("PUT " + href + ": HTTP " + r.statusCode() + " " + r.body());
			}
			return r.headers().firstValue("ETag").orElse(null);
		}
	}

	/** The collection's path on the server (from its id, {@code account:/path/}). */
	static String path(ItemCollection c) {
		String id = c.info().id();
		String p = id.substring(id.indexOf(':') + 1);
		int hash = p.indexOf('#');
		return hash < 0 ? p : p.substring(0, hash);
	}

	/** Unfolds iCalendar/vCard lines, for assertions on raw text. */
	static String unfold(String text) {
		return text.replace("\r\n ", "").replace("\n ", "").replace("\r\n\t", "").replace("\n\t", "");
	}
}
