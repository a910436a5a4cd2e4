package org.liaison.connector.crm.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import javax.net.ssl.SSLHandshakeException;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmException.Kind;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.crm.CrmPage;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.crm.IncomingEmail;
import org.liaison.api.crm.WhoAmI;
import org.liaison.api.security.UntrustedCertificateException;

/**
 * The Dynamics 365 Web API client on the JDK's HttpClient and Jackson. Every request carries a bearer
 * token (refreshed once on 401), is retried after 429/503 and dropped connections with the server's
 * Retry-After or an exponential backoff, and counts against the request budget.
 */
final class WebApiClient implements CrmClient {

	static final Map<String, String> KEYS = Map.ofEntries(Map.entry("contacts", "contactid"),
			Map.entry("accounts", "accountid"), Map.entry("leads", "leadid"), Map.entry("opportunities", "opportunityid"),
			Map.entry("emails", "activityid"), Map.entry("appointments", "activityid"), Map.entry("tasks", "activityid"),
			Map.entry("systemusers", "systemuserid"), Map.entry("mailboxes", "mailboxid"),
			Map.entry("organizations", "organizationid"), Map.entry("activityparties", "activitypartyid"),
			Map.entry("liaison_clientinstances", "liaison_clientinstanceid"));

	private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
	};

	private final URI root;
	private final HttpClient http;
	final ObjectMapper json;
	private final Tokens tokens;
	final CrmLimits limits;
	private final AtomicLong requests = new AtomicLong();
	private final AtomicLong calls = new AtomicLong();
	private final AtomicLong retries = new AtomicLong();
	private final AtomicLong throttled = new AtomicLong();

	/** An HTTP answer. */
	record Answer(int status, HttpHeaders headers, byte[] body) {
		String header(String name) {
			return headers.firstValue(name).orElse(null);
		}
	}

	WebApiClient(URI root, HttpClient http, ObjectMapper json, Tokens tokens, CrmLimits limits) {
		this.root = root;
		this.http = http;
		this.json = json;
		this.tokens = tokens;
		this.limits = limits;
	}

	static String key(String set) {
		String k = KEYS.get(set);
		if (k != null) {
			return k;
		}
		return (set.endsWith("ies") ? set.substring(0, set.length() - 3) + "y" : set.endsWith("s")
				? set.substring(0, set.length() - 1) : set) + "id";
	}

	@Override
	public URI serviceRoot() {
		return root;
	}

	@Override
	public Stats stats() {
		return new Stats(requests.get(), calls.get(), retries.get(), throttled.get());
	}

	@Override
	public void close() {
		http.close();
	}

	static CrmException network(String what, IOException e) {
		Throwable c = e;
		while (c != null) {
			if (c instanceof UntrustedCertificateException u) {
				return new CrmException(Kind.UNTRUSTED_CERTIFICATE, u.getMessage(), u);
			}
			c = c.getCause();
		}
		return new CrmException(Kind.NETWORK, what + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
	}

	// ---------------------------------------------------------------- transport

	Answer send(String method, String url, Map<String, String> headers, byte[] body, String what, int logical)
			throws CrmException {
		if (!url.startsWith(root.toString())) {
			throw new CrmException(Kind.SERVER, "the organization pointed to " + url + ", outside " + root
					+ "; not following it with this user's token", null);
		}
		if (requests.get() + logical > limits.requestBudget()) {
			throw new CrmException(Kind.BUDGET_EXHAUSTED, "the request budget of " + limits.requestBudget()
					+ " requests is spent; " + what + " was not sent", null);
		}
		requests.addAndGet(logical);
		boolean refreshed = false;
		for (int attempt = 0;; attempt++) {
			String token = tokens.token(false);
			HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(limits.timeout())
					.header("Authorization", "Bearer " + token).header("OData-Version", "4.0")
					.header("OData-MaxVersion", "4.0").header("Accept", "application/json");
			headers.forEach(b::header);
			b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
			HttpResponse<byte[]> res;
			calls.incrementAndGet();
			try {
				res = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
			} catch (SSLHandshakeException e) {
				throw network(what, e);
			} catch (IOException e) {
				CrmException ce = network(what, e);
				if (ce.kind() == Kind.UNTRUSTED_CERTIFICATE || attempt >= limits.maxRetries()) {
					throw ce;
				}
				pause(backoff(attempt), false);
				continue;
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new CrmException(Kind.NETWORK, "interrupted: " + what, e);
			}
			int s = res.statusCode();
			if (s == 401 && !refreshed) {
				refreshed = true;
				tokens.token(true);
				continue;
			}
			if (s == 429 || s == 503 || s == 502 || s == 504) {
				long wait = retryAfter(res.headers().firstValue("Retry-After").orElse(null));
				if (attempt >= limits.maxRetries() || wait > limits.maxRetryWait().toMillis()) {
					CrmException e = error(new Answer(s, res.headers(), res.body()), what);
					throw new CrmException(Kind.THROTTLED, s, e.code(), e.getMessage() + (wait > 0
							? " (the server asks to wait " + Duration.ofMillis(wait).toSeconds() + " s; retry later)" : ""),
							wait, null);
				}
				pause(wait >= 0 ? wait : backoff(attempt), true);
				continue;
			}
			return new Answer(s, res.headers(), res.body());
		}
	}

	private static long backoff(int attempt) {
		return Math.min(30_000, 500L << Math.min(attempt, 6));
	}

	private void pause(long millis, boolean throttle) throws CrmException {
		retries.incrementAndGet();
		if (throttle) {
			throttled.addAndGet(millis);
		}
		try {
			Thread.sleep(millis);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new CrmException(Kind.NETWORK, "interrupted while waiting to retry", e);
		}
	}

	/** Retry-After as milliseconds: seconds or an HTTP date; -1 when absent or unreadable. */
	static long retryAfter(String v) {
		if (v == null || v.isBlank()) {
			return -1;
		}
		try {
			return Math.max(0, Long.parseLong(v.trim()) * 1000);
		} catch (NumberFormatException e) {
			try {
				ZonedDateTime t = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
				return Math.max(0, t.toInstant().toEpochMilli() - System.currentTimeMillis());
			} catch (RuntimeException e2) {
				return -1;
			}
		}
	}

	/** The error of an answer, with the server's code and message. */
	CrmException error(Answer a, String what) {
		String code = null;
		String message = null;
		try {
			JsonNode n = json.readTree(a.body());
			if (n != null && n.has("error")) {
				code = n.path("error").path("code").asText(null);
				message = n.path("error").path("message").asText(null);
			}
		} catch (IOException e) {
			// not JSON: the status says enough
		}
		Kind kind = switch (a.status()) {
			case 400 -> "0x80044352".equalsIgnoreCase(code) ? Kind.TOKEN_EXPIRED : Kind.BAD_REQUEST;
			case 401 -> Kind.UNAUTHORIZED;
			case 403 -> Kind.FORBIDDEN;
			case 404 -> Kind.NOT_FOUND;
			case 410 -> Kind.TOKEN_EXPIRED;
			case 412 -> Kind.PRECONDITION_FAILED;
			case 429, 502, 503, 504 -> Kind.THROTTLED;
			default -> a.status() >= 500 ? Kind.SERVER : Kind.BAD_REQUEST;
		};
		return new CrmException(kind, a.status(), code,
				a.status() + ": " + what + (message == null ? "" : ": " + message), retryAfter(a.header("Retry-After")), null);
	}

	private Answer ok(Answer a, String what) throws CrmException {
		if (a.status() >= 300) {
			throw error(a, what);
		}
		return a;
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
	}

	static String options(CrmQuery q) {
		List<String> o = new ArrayList<>();
		if (!q.select().isEmpty()) {
			o.add("$select=" + enc(String.join(",", q.select())));
		}
		if (q.filter() != null) {
			o.add("$filter=" + enc(q.filter()));
		}
		if (q.orderBy() != null) {
			o.add("$orderby=" + enc(q.orderBy()));
		}
		if (q.top() != null) {
			o.add("$top=" + q.top());
		}
		if (q.expand() != null) {
			o.add("$expand=" + enc(q.expand()));
		}
		if (q.count()) {
			o.add("$count=true");
		}
		return String.join("&", o);
	}

	private Map<String, String> readHeaders() {
		Map<String, String> h = new LinkedHashMap<>();
		h.put("Prefer", "odata.maxpagesize=" + limits.pageSize()
				+ ",odata.include-annotations=\"Microsoft.Dynamics.CRM.lookuplogicalname\"");
		return h;
	}

	Map<String, Object> map(byte[] body, String what) throws CrmException {
		try {
			return json.readValue(body, MAP);
		} catch (IOException e) {
			throw new CrmException(Kind.SERVER, 200, null, "the answer to " + what + " is not JSON: " + e.getMessage(), -1, e);
		}
	}

	CrmRecord record(String set, Map<String, Object> v) {
		Object id = v.get(key(set));
		Object etag = v.get("@odata.etag");
		return new CrmRecord(set, id == null ? null : UUID.fromString(id.toString()), etag == null ? null : etag.toString(), v);
	}

	// ---------------------------------------------------------------- API

	@Override
	public WhoAmI whoAmI() throws CrmException {
		Answer a = ok(send("GET", root + "WhoAmI", Map.of(), null, "WhoAmI", 1), "WhoAmI");
		Map<String, Object> m = map(a.body(), "WhoAmI");
		return new WhoAmI(UUID.fromString((String) m.get("UserId")), UUID.fromString((String) m.get("BusinessUnitId")),
				UUID.fromString((String) m.get("OrganizationId")));
	}

	@Override
	public CrmRecord retrieve(String set, UUID id, CrmQuery query) throws CrmException {
		String o = options(query == null ? CrmQuery.all() : query);
		String what = "reading " + set + "(" + id + ")";
		Answer a = ok(send("GET", root + set + "(" + id + ")" + (o.isEmpty() ? "" : "?" + o), readHeaders(), null, what, 1),
				what);
		return record(set, map(a.body(), what));
	}

	@Override
	public CrmPage query(String set, CrmQuery query) throws CrmException {
		String o = options(query);
		return page(set, root + set + (o.isEmpty() ? "" : "?" + o), "querying " + set);
	}

	private CrmPage page(String set, String url, String what) throws CrmException {
		Answer a = ok(send("GET", url, readHeaders(), null, what, 1), what);
		Map<String, Object> m = map(a.body(), what);
		List<CrmRecord> records = new ArrayList<>();
		Object value = m.get("value");
		if (value instanceof List<?> l) {
			for (Object o : l) {
				@SuppressWarnings("unchecked")
				Map<String, Object> r = (Map<String, Object>) o;
				records.add(record(set, r));
			}
		}
		Object next = m.get("@odata.nextLink");
		Object count = m.get("@odata.count");
		return new CrmPage(set, records, next == null ? null : next.toString(),
				count instanceof Number n ? n.longValue() : -1);
	}

	@Override
	public CrmPage next(CrmPage page) throws CrmException {
		return page.nextLink() == null ? null : page(page.entitySet(), page.nextLink(), "querying " + page.entitySet());
	}

	@Override
	public void queryAll(String set, CrmQuery query, Consumer<CrmRecord> sink, IProgressMonitor monitor)
			throws CrmException {
		CrmPage p = query(set, query);
		while (p != null) {
			p.records().forEach(sink);
			if (monitor != null && monitor.isCanceled()) {
				throw new OperationCanceledException();
			}
			p = next(p);
		}
	}

	@Override
	public String changes(String set, List<String> select, String deltaLink, ChangeSink sink, IProgressMonitor monitor)
			throws CrmException {
		String url = deltaLink != null ? deltaLink
				: root + set + (select.isEmpty() ? "" : "?$select=" + enc(String.join(",", select)));
		Map<String, String> h = readHeaders();
		h.put("Prefer", h.get("Prefer") + ",odata.track-changes");
		String what = deltaLink == null ? "starting change tracking of " + set : "reading the changes of " + set;
		while (true) {
			Answer a = ok(send("GET", url, h, null, what, 1), what);
			Map<String, Object> m = map(a.body(), what);
			Object value = m.get("value");
			if (value instanceof List<?> l) {
				for (Object o : l) {
					@SuppressWarnings("unchecked")
					Map<String, Object> r = (Map<String, Object>) o;
					Object ctx = r.get("@odata.context");
					if (ctx != null && ctx.toString().endsWith("$deletedEntity")) {
						sink.deleted(UUID.fromString(r.get("id").toString()));
					} else {
						sink.changed(record(set, r));
					}
				}
			}
			if (monitor != null && monitor.isCanceled()) {
				throw new OperationCanceledException();
			}
			Object next = m.get("@odata.nextLink");
			if (next != null) {
				url = next.toString();
				continue;
			}
			Object dl = m.get("@odata.deltaLink");
			if (dl == null) {
				throw new CrmException(Kind.SERVER, "the organization gave no delta link for " + set
						+ " (is change tracking enabled for this table?)", null);
			}
			return dl.toString();
		}
	}

	/** The method, URL and headers of a write, relative to the root. */
	private record Prepared(String method, String path, Map<String, String> headers, byte[] body) {
	}

	private Prepared prepare(CrmWrite w, List<String> select) throws CrmException {
		Map<String, String> h = new LinkedHashMap<>();
		String path;
		if (w.method().equals("POST")) {
			path = w.entitySet();
		} else {
			if (w.id() == null) {
				throw new CrmException(Kind.BAD_REQUEST, w.method() + " needs the record's id", null);
			}
			path = w.entitySet() + "(" + w.id() + ")";
		}
		if (w.ifMatch() != null) {
			h.put("If-Match", w.ifMatch());
		}
		if (w.createOnly()) {
			h.put("If-None-Match", "*");
		}
		byte[] body = null;
		if (!w.method().equals("DELETE")) {
			List<String> sel = select == null || select.isEmpty() ? List.of(key(w.entitySet())) : select;
			path += "?$select=" + enc(String.join(",", sel));
			h.put("Prefer", "return=representation");
			h.put("Content-Type", "application/json; charset=utf-8");
			try {
				body = json.writeValueAsBytes(w.fields());
			} catch (IOException e) {
				throw new CrmException(Kind.BAD_REQUEST, "cannot write the record as JSON: " + e.getMessage(), e);
			}
		}
		return new Prepared(w.method(), path, h, body);
	}

	static String describe(CrmWrite w) {
		return switch (w.method()) {
			case "POST" -> "creating a record in " + w.entitySet();
			case "DELETE" -> "deleting " + w.entitySet() + "(" + w.id() + ")";
			default -> (w.createOnly() ? "creating " : "writing ") + w.entitySet() + "(" + w.id() + ")";
		};
	}

	@Override
	public CrmRecord write(CrmWrite w, List<String> select) throws CrmException {
		Prepared p = prepare(w, select);
		String what = describe(w);
		Answer a = ok(send(p.method, root + p.path, p.headers, p.body, what, 1), what);
		if (a.body().length == 0) {
			return new CrmRecord(w.entitySet(), w.id(), a.header("ETag"), Map.of());
		}
		return record(w.entitySet(), map(a.body(), what));
	}

	@Override
	public List<BatchResult> batch(List<CrmWrite> writes, boolean atomic) throws CrmException {
		List<BatchResult> out = new ArrayList<>(writes.size());
		int size = Math.max(1, Math.min(1000, limits.batchSize()));
		for (int from = 0; from < writes.size(); from += size) {
			out.addAll(batchOnce(writes.subList(from, Math.min(writes.size(), from + size)), atomic));
		}
		return out;
	}

	private List<BatchResult> batchOnce(List<CrmWrite> writes, boolean atomic) throws CrmException {
		String boundary = "batch_" + UUID.randomUUID();
		String cs = "changeset_" + UUID.randomUUID();
		StringBuilder b = new StringBuilder();
		String base = root.getRawPath();
		if (atomic) {
			b.append("--").append(boundary).append("\r\nContent-Type: multipart/mixed; boundary=").append(cs)
					.append("\r\n\r\n");
		}
		for (int i = 0; i < writes.size(); i++) {
			Prepared p = prepare(writes.get(i), null);
			b.append("--").append(atomic ? cs : boundary).append("\r\n");
			b.append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n");
			b.append("Content-ID: ").append(i + 1).append("\r\n\r\n");
			b.append(p.method).append(' ').append(base).append(p.path).append(" HTTP/1.1\r\n");
			p.headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
			b.append("\r\n");
			if (p.body != null) {
				b.append(new String(p.body, StandardCharsets.UTF_8));
			}
			b.append("\r\n");
		}
		if (atomic) {
			b.append("--").append(cs).append("--\r\n");
		}
		b.append("--").append(boundary).append("--\r\n");
		Map<String, String> h = new LinkedHashMap<>();
		h.put("Content-Type", "multipart/mixed; boundary=" + boundary);
		if (!atomic) {
			h.put("Prefer", "odata.continue-on-error");
		}
		String what = "a batch of " + writes.size() + " writes";
		Answer a = ok(send("POST", root + "$batch", h, b.toString().getBytes(StandardCharsets.UTF_8), what, writes.size()),
				what);
		List<Multipart.HttpPart> parts = Multipart.responses(a.header("Content-Type"), a.body());
		List<BatchResult> results = new ArrayList<>();
		if (atomic) {
			if (parts.size() == 1 && parts.get(0).status() >= 400) {
				Multipart.HttpPart f = parts.get(0);
				CrmException e = error(new Answer(f.status(), a.headers(), f.body()), "the change set (" + what
						+ ", rolled back whole)");
				for (int i = 0; i < writes.size(); i++) {
					results.add(new BatchResult(f.status(), writes.get(i).id(), null, e));
				}
				return results;
			}
			Map<String, Multipart.HttpPart> byId = new LinkedHashMap<>();
			for (Multipart.HttpPart p : parts) {
				byId.put(p.contentId(), p);
			}
			for (int i = 0; i < writes.size(); i++) {
				results.add(result(writes.get(i), byId.get(Integer.toString(i + 1)), a));
			}
			return results;
		}
		Iterator<Multipart.HttpPart> it = parts.iterator();
		for (CrmWrite w : writes) {
			results.add(result(w, it.hasNext() ? it.next() : null, a));
		}
		return results;
	}

	private BatchResult result(CrmWrite w, Multipart.HttpPart p, Answer batch) throws CrmException {
		if (p == null) {
			return new BatchResult(0, w.id(), null, new CrmException(Kind.SERVER, "the batch answer has no part for "
					+ describe(w), null));
		}
		if (p.status() >= 400) {
			return new BatchResult(p.status(), w.id(), null, error(new Answer(p.status(), batch.headers(), p.body()), describe(w)));
		}
		if (p.body().length > 0) {
			CrmRecord r = record(w.entitySet(), map(p.body(), describe(w)));
			return new BatchResult(p.status(), r.id() != null ? r.id() : w.id(), r.etag(), null);
		}
		String loc = p.headers().get("odata-entityid");
		UUID id = w.id();
		if (id == null && loc != null && loc.endsWith(")")) {
			id = UUID.fromString(loc.substring(loc.lastIndexOf('(') + 1, loc.length() - 1));
		}
		return new BatchResult(p.status(), id, p.headers().get("etag"), null);
	}

	@Override
	public UUID deliverIncomingEmail(IncomingEmail m) throws CrmException {
		ObjectNode n = json.createObjectNode();
		n.put("MessageId", m.messageId());
		n.put("Subject", m.subject());
		n.put("From", m.from());
		n.put("To", String.join(";", m.to()));
		n.put("Cc", String.join(";", m.cc()));
		n.put("Bcc", String.join(";", m.bcc()));
		n.put("ReceivedOn", (m.receivedOn() == null ? java.time.Instant.now() : m.receivedOn()).toString());
		n.put("SubmittedBy", "");
		n.put("Importance", 1);
		n.put("Body", m.body());
		n.putArray("Attachments");
		n.putArray("ExtraProperties");
		n.put("ValidateBeforeCreate", false);
		String what = "delivering the email " + m.messageId();
		byte[] body;
		try {
			body = json.writeValueAsBytes(n);
		} catch (IOException e) {
			throw new CrmException(Kind.BAD_REQUEST, what + ": " + e.getMessage(), e);
		}
		Answer a = ok(send("POST", root + "DeliverIncomingEmail", Map.of("Content-Type", "application/json"), body, what, 1),
				what);
		return UUID.fromString((String) map(a.body(), what).get("EmailId"));
	}

	@Override
	public IncomingEmail.Check checkIncomingEmail(IncomingEmail m) throws CrmException {
		String[] values = { m.messageId(), m.subject(), m.from(), String.join(";", m.to()), String.join(";", m.cc()),
				String.join(";", m.bcc()) };
		String[] names = { "MessageId", "Subject", "From", "To", "Cc", "Bcc" };
		StringBuilder call = new StringBuilder("CheckIncomingEmail(");
		StringBuilder q = new StringBuilder();
		for (int i = 0; i < names.length; i++) {
			call.append(i == 0 ? "" : ",").append(names[i]).append("=@p").append(i + 1);
			q.append(i == 0 ? "?" : "&").append("@p").append(i + 1).append('=')
					.append(enc(values[i] == null ? "null" : CrmQuery.quote(values[i])));
		}
		call.append(')');
		String what = "checking the email " + m.messageId();
		Answer a = ok(send("GET", root.toString() + call + q, Map.of(), null, what, 1), what);
		Map<String, Object> r = map(a.body(), what);
		return new IncomingEmail.Check(Boolean.TRUE.equals(r.get("ShouldDeliver")), ((Number) r.get("ReasonCode")).intValue());
	}

	String locale(String s) {
		return s.toLowerCase(Locale.ROOT);
	}
}
