package org.liaison.crm.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import org.liaison.api.security.TrustService;
import org.liaison.crm.server.CrmServer;
import org.liaison.crm.server.internal.Http.Req;
import org.liaison.crm.server.internal.Http.Res;

/** One running server: the JDK's HTTP(S) server in front of the Web API, the token endpoint and the store. */
final class Server implements CrmServer.Running {

	private static final Logger LOG = Logger.getLogger(Server.class.getName());
	static final String TOKEN_PATH = "/oauth2/token";

	private final Store store;
	private final HttpServer http;
	private final ExecutorService pool;
	private final WebApi api;
	private final Batch batch;
	private final URI root;
	private final URI token;
	private final String fingerprint;
	private final long maxBody;
	private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

	Server(CrmServer.Options o, Store store, Tls.Identity tls) throws IOException {
		this.store = store;
		this.maxBody = o.maxBodyBytes();
		InetAddress addr = InetAddress.getByName(o.host());
		if (o.plainHttp() && !addr.isLoopbackAddress()) {
			throw new IOException("plain HTTP is offered only on a loopback address, not on " + o.host()
					+ "; leave out --plain to serve HTTPS");
		}
		InetSocketAddress bind = new InetSocketAddress(addr, o.port());
		if (o.plainHttp()) {
			http = HttpServer.create(bind, 128);
			fingerprint = null;
		} else {
			HttpsServer https = HttpsServer.create(bind, 128);
			SSLContext ctx = tls.context();
			https.setHttpsConfigurator(new HttpsConfigurator(ctx) {
				@Override
				public void configure(HttpsParameters params) {
					SSLParameters p = ctx.getDefaultSSLParameters();
					p.setProtocols(TrustService.PROTOCOLS);
					params.setSSLParameters(p);
				}
			});
			http = https;
			fingerprint = TrustService.fingerprint(tls.certificate());
		}
		int port = http.getAddress().getPort();
		String hostPart = addr.getHostAddress().contains(":") ? "[" + addr.getHostAddress() + "]" : addr.getHostAddress();
		String base = (o.plainHttp() ? "http" : "https") + "://" + hostPart + ":" + port;
		root = URI.create(base + CrmServer.API_PATH);
		token = URI.create(base + TOKEN_PATH);
		api = new WebApi(store.db, root.toString());
		batch = new Batch(api, CrmServer.API_PATH);
		store.throttle.limit = o.requestLimit();
		store.throttle.windowMillis = o.window().toMillis();
		pool = Executors.newFixedThreadPool(32, r -> {
			Thread t = new Thread(r, "liaison-crm-server");
			t.setDaemon(true);
			return t;
		});
		http.setExecutor(pool);
		http.createContext("/", this::handle);
		http.start();
	}

	@Override
	public URI serviceRoot() {
		return root;
	}

	@Override
	public URI tokenEndpoint() {
		return token;
	}

	@Override
	public String certificateFingerprint() {
		return fingerprint;
	}

	@Override
	public CrmServer.Admin admin() {
		return store;
	}

	@Override
	public void close() {
		if (closed.getAndSet(true)) {
			return;
		}
		http.stop(0);
		pool.shutdownNow();
		store.close();
	}

	private void handle(HttpExchange ex) throws IOException {
		Res res;
		String host = ex.getRequestHeaders().getFirst("Host");
		if (host != null && host.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?")) {
			// links as the client addressed us: behind a proxy or a port forward they stay followable
			WebApi.REQUEST_ROOT.set(root.getScheme() + "://" + host + CrmServer.API_PATH);
		}
		try {
			res = respond(ex);
		} catch (ApiError e) {
			res = e.response();
			if (e.status == 401) {
				res = res.header("WWW-Authenticate", "Bearer authorization_uri=\"" + token + "\", error=\"invalid_token\"");
			}
		} catch (SQLException | RuntimeException e) {
			if (e instanceof SQLException s && ApiError.rolledBack(s)) {
				res = ApiError.rolledBackError(s).response();
			} else {
				LOG.log(Level.WARNING, "request failed: " + ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath(),
						e);
				res = Http.json(500, Json.error("0x80040216", "An unexpected error occurred on the server: " + e));
			}
		} finally {
			WebApi.REQUEST_ROOT.remove();
		}
		try (OutputStream out = ex.getResponseBody()) {
			for (Map.Entry<String, String> h : res.headers().entrySet()) {
				ex.getResponseHeaders().set(h.getKey(), h.getValue());
			}
			boolean noBody = res.body().length == 0;
			ex.sendResponseHeaders(res.status(), noBody ? -1 : res.body().length);
			if (!noBody) {
				out.write(res.body());
			}
		}
	}

	private Res respond(HttpExchange ex) throws IOException, SQLException {
		String rawPath = ex.getRequestURI().getRawPath();
		Map<String, String> headers = new LinkedHashMap<>();
		for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
			headers.put(h.getKey(), String.join(", ", h.getValue()));
		}
		byte[] body = read(ex);
		String method = ex.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
		if (rawPath.equals(TOKEN_PATH)) {
			return store.auth.token(new Req(method, rawPath, ex.getRequestURI().getRawQuery(), headers, body));
		}
		if (DeviceLogin.isEndpoint(rawPath)) {
			String base = token.toString().substring(0, token.toString().length() - TOKEN_PATH.length());
			return store.auth.devices.endpoint(new Req(method, rawPath, ex.getRequestURI().getRawQuery(), headers, body),
					base);
		}
		if (rawPath.equals(DeviceLogin.PAGE)) {
			return store.auth.devices.page(new Req(method, rawPath, ex.getRequestURI().getRawQuery(), headers, body));
		}
		String apiPath = CrmServer.API_PATH;
		if (!rawPath.startsWith(apiPath) && !rawPath.equals(apiPath.substring(0, apiPath.length() - 1))) {
			throw new ApiError(404, ApiError.UNSUPPORTED, "Not found: " + rawPath + " (the Web API is at " + apiPath
					+ ", the token endpoint at " + TOKEN_PATH + ")");
		}
		String rel = rawPath.length() <= apiPath.length() ? "" : Http.decode(rawPath.substring(apiPath.length()));
		Req req = new Req(method, rel, ex.getRequestURI().getRawQuery(), headers, body);
		Principal who = store.auth.principal(req);
		if (who == null) {
			throw new ApiError(401, ApiError.UNAUTHENTICATED, req.header("Authorization") == null
					? "The requested resource requires authentication: send Authorization: Bearer <token> from " + token
					: "The bearer token is unknown or expired; get a new one from " + token);
		}
		store.throttle.fault();
		if (rel.equals("$batch")) {
			return batch.run(req, who, n -> store.throttle.count(who.userId(), n));
		}
		store.throttle.count(who.userId(), 1);
		return api.dispatch(req, who, null, null);
	}

	private byte[] read(HttpExchange ex) throws IOException {
		try (InputStream in = ex.getRequestBody()) {
			byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
			if (b.length > maxBody) {
				// read on (up to a bound) so that the client gets the answer instead of a reset connection
				long left = Math.max(maxBody * 4, 256L << 20);
				byte[] buf = new byte[1 << 16];
				int n;
				while (left > 0 && (n = in.read(buf)) > 0) {
					left -= n;
				}
				throw tooLarge();
			}
			return b;
		}
	}

	private ApiError tooLarge() {
		return new ApiError(413, ApiError.PAYLOAD, "The request body is larger than the limit of " + maxBody + " bytes");
	}

	static boolean exists(Path dir) {
		return Files.exists(dir.resolve("db"));
	}
}
