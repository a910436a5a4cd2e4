package org.liaison.crm.server.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.liaison.crm.server.internal.Db.Tx;
import org.liaison.crm.server.internal.Http.Req;
import org.liaison.crm.server.internal.Http.Res;

/**
 * {@code $batch} in multipart/mixed: up to 1,000 requests, change sets applied whole or not at all,
 * Content-ID references inside a change set. The batch runs in one transaction with a savepoint per
 * request (and per change set) and commits once, after which the response is sent.
 */
final class Batch {

	static final int MAX_REQUESTS = 1000;
	private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);

	/** A parsed part: a request, or a change set of requests. */
	private record Part(Req request, List<Req> changeSet) {
	}

	interface Counter {
		void requests(int n);
	}

	private final WebApi api;
	private final String basePath;

	Batch(WebApi api, String basePath) {
		this.api = api;
		this.basePath = basePath;
	}

	Res run(Req batch, Principal who, Counter counter) throws SQLException {
		if (!batch.method().equals("POST")) {
			throw new ApiError(405, ApiError.UNSUPPORTED, "$batch takes POST");
		}
		String ct = batch.header("Content-Type");
		Matcher m = ct == null ? null : BOUNDARY.matcher(ct);
		if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith("multipart/mixed") || !m.find()) {
			throw ApiError.badRequest(ApiError.PAYLOAD, "A $batch request needs Content-Type: multipart/mixed;"
					+ " boundary=...");
		}
		String body = new String(batch.body(), StandardCharsets.ISO_8859_1);
		List<Part> parts = new ArrayList<>();
		int total = 0;
		for (String[] p : split(body, m.group(1))) {
			String pct = header(p[0], "Content-Type");
			Matcher cm = pct == null ? null : BOUNDARY.matcher(pct);
			if (pct != null && pct.toLowerCase(Locale.ROOT).startsWith("multipart/mixed") && cm.find()) {
				List<Req> set = new ArrayList<>();
				for (String[] q : split(p[1], cm.group(1))) {
					Req r = request(q);
					if (r.method().equals("GET")) {
						throw ApiError.badRequest(ApiError.PAYLOAD, "A change set may not hold a GET request; put it"
								+ " outside the change set");
					}
					set.add(r);
				}
				parts.add(new Part(null, set));
				total += set.size();
			} else {
				parts.add(new Part(request(p), null));
				total++;
			}
		}
		if (total > MAX_REQUESTS) {
			throw ApiError.badRequest(ApiError.BATCH_LIMIT, "The number of requests in the batch (" + total
					+ ") exceeds the limit of " + MAX_REQUESTS);
		}
		if (total == 0) {
			throw ApiError.badRequest(ApiError.PAYLOAD, "The $batch request holds no requests");
		}
		counter.requests(total);
		boolean continueOnError = batch.prefers("odata.continue-on-error");
		String boundary = "batchresponse_" + UUID.randomUUID();
		StringBuilder out = new StringBuilder();
		try (Tx tx = api.db.begin()) {
			for (Part part : parts) {
				Savepoint sp = tx.savepoint();
				boolean failed;
				if (part.request != null) {
					Res r = one(part.request, who, tx, null);
					failed = r.status() >= 400;
					if (failed) {
						tx.rollbackTo(sp);
					}
					out.append("--").append(boundary).append("\r\n");
					appendResponse(out, r, null);
				} else {
					Map<String, String> ids = new HashMap<>();
					List<Res> results = new ArrayList<>();
					List<String> cids = new ArrayList<>();
					Res error = null;
					for (Req r : part.changeSet) {
						Res res = one(r, who, tx, ids);
						if (res.status() >= 400) {
							error = res;
							break;
						}
						results.add(res);
						cids.add(r.header("Content-ID"));
					}
					failed = error != null;
					out.append("--").append(boundary).append("\r\n");
					if (failed) {
						tx.rollbackTo(sp);
						appendResponse(out, error, null);
					} else {
						String cs = "changesetresponse_" + UUID.randomUUID();
						out.append("Content-Type: multipart/mixed; boundary=").append(cs).append("\r\n\r\n");
						for (int i = 0; i < results.size(); i++) {
							out.append("--").append(cs).append("\r\n");
							appendResponse(out, results.get(i), cids.get(i));
						}
						out.append("--").append(cs).append("--\r\n");
					}
				}
				if (!failed) {
					// a savepoint kept to the end costs every later one a walk past it (Derby keeps a list)
					tx.releaseSavepoint(sp);
				}
				if (failed && !continueOnError) {
					break;
				}
			}
			tx.commit();
		}
		out.append("--").append(boundary).append("--\r\n");
		Map<String, String> h = new LinkedHashMap<>();
		h.put("Content-Type", "multipart/mixed; boundary=" + boundary);
		h.put("OData-Version", "4.0");
		return new Res(200, h, out.toString().getBytes(StandardCharsets.ISO_8859_1));
	}

	private Res one(Req r, Principal who, Tx tx, Map<String, String> ids) {
		try {
			return api.dispatch(r, who, tx, ids);
		} catch (ApiError e) {
			return e.response();
		} catch (SQLException | RuntimeException e) {
			if (e instanceof SQLException s && ApiError.rolledBack(s)) {
				// the whole transaction is gone, the parts before this one too: the batch fails as one
				throw ApiError.rolledBackError(s);
			}
			return Http.json(500, Json.error("0x80040216", "An unexpected error occurred: " + e.getMessage()));
		}
	}

	private static void appendResponse(StringBuilder out, Res r, String contentId) {
		out.append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n");
		if (contentId != null) {
			out.append("Content-ID: ").append(contentId).append("\r\n");
		}
		out.append("\r\nHTTP/1.1 ").append(r.status()).append(' ').append(Http.reason(r.status())).append("\r\n");
		for (Map.Entry<String, String> h : r.headers().entrySet()) {
			out.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
		}
		out.append("\r\n");
		if (r.body().length > 0) {
			out.append(new String(r.body(), StandardCharsets.ISO_8859_1)).append("\r\n");
		}
	}

	/** Splits a multipart body into [headers, content] pairs. */
	private static List<String[]> split(String body, String boundary) {
		String delim = "--" + boundary;
		List<String[]> out = new ArrayList<>();
		int start = body.indexOf(delim);
		if (start < 0) {
			throw ApiError.badRequest(ApiError.PAYLOAD, "The multipart body has no part with the boundary " + boundary);
		}
		boolean closed = false;
		while (true) {
			int lineEnd = body.indexOf('\n', start);
			String marker = body.substring(start, lineEnd < 0 ? body.length() : lineEnd).trim();
			if (marker.equals(delim + "--")) {
				closed = true;
				break;
			}
			if (lineEnd < 0) {
				break;
			}
			int next = body.indexOf("\n" + delim, lineEnd);
			if (next < 0) {
				break;
			}
			String part = body.substring(lineEnd + 1, next);
			if (part.endsWith("\r")) {
				part = part.substring(0, part.length() - 1);
			}
			int sep = blankLine(part);
			if (sep < 0) {
				throw ApiError.badRequest(ApiError.PAYLOAD, "A multipart part has no blank line after its headers");
			}
			out.add(new String[] { part.substring(0, sep), part.substring(skipBlank(part, sep)) });
			start = next + 1;
		}
		if (!closed) {
			throw ApiError.badRequest(ApiError.PAYLOAD, "The multipart body does not end with --" + boundary + "--");
		}
		return out;
	}

	private static int blankLine(String s) {
		int a = s.indexOf("\r\n\r\n");
		int b = s.indexOf("\n\n");
		if (a < 0) {
			return b;
		}
		return b < 0 ? a : Math.min(a, b);
	}

	private static int skipBlank(String s, int at) {
		return s.startsWith("\r\n\r\n", at) ? at + 4 : at + 2;
	}

	private static String header(String headers, String name) {
		for (String line : headers.split("\r?\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
				return line.substring(colon + 1).trim();
			}
		}
		return null;
	}

	private Req request(String[] part) {
		String content = part[1];
		int sep = blankLine(content);
		String head = sep < 0 ? content : content.substring(0, sep);
		String body = sep < 0 ? "" : content.substring(skipBlank(content, sep));
		while (body.endsWith("\r\n")) {
			body = body.substring(0, body.length() - 2);
		}
		String[] lines = head.split("\r?\n");
		String[] rl = lines[0].trim().split(" ");
		if (rl.length < 2) {
			throw ApiError.badRequest(ApiError.PAYLOAD, "A batch part does not start with a request line: " + lines[0]);
		}
		Map<String, String> headers = new LinkedHashMap<>();
		String cid = header(part[0], "Content-ID");
		if (cid != null) {
			headers.put("Content-ID", cid);
		}
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
			}
		}
		String url = rl[1];
		int scheme = url.indexOf("://");
		if (scheme >= 0) {
			int slash = url.indexOf('/', scheme + 3);
			url = slash < 0 ? "/" : url.substring(slash);
		}
		if (url.startsWith(basePath)) {
			url = url.substring(basePath.length());
		} else if (url.startsWith("/")) {
			throw ApiError.badRequest(ApiError.PAYLOAD, "A batch request's URL is outside " + basePath + ": " + rl[1]);
		}
		int q = url.indexOf('?');
		String path = q < 0 ? url : url.substring(0, q);
		String query = q < 0 ? "" : url.substring(q + 1);
		byte[] b = new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)
				.getBytes(StandardCharsets.UTF_8);
		return new Req(rl[0].toUpperCase(Locale.ROOT), path, query, headers, b);
	}

	static byte[] bytes(ByteArrayOutputStream out) {
		return out.toByteArray();
	}
}
