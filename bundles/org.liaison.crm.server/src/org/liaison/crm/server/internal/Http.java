package org.liaison.crm.server.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A request and a response, independent of the transport: HTTP exchanges and $batch parts alike. */
final class Http {

	private Http() {
	}

	/** A request: method, path below the service root, raw query, headers (case-insensitive), body. */
	record Req(String method, String path, String query, Map<String, String> headers, byte[] body) {
		Req {
			TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
			h.putAll(headers);
			headers = h;
			body = body == null ? new byte[0] : body;
		}

		String header(String name) {
			return headers.get(name);
		}

		/** Whether the Prefer header holds {@code token} (e.g. {@code return=representation}). */
		boolean prefers(String token) {
			String p = header("Prefer");
			if (p == null) {
				return false;
			}
			for (String part : p.split(",")) {
				String t = part.trim().toLowerCase(Locale.ROOT);
				if (t.equals(token) || t.startsWith(token + "=") || t.startsWith(token + ";")) {
					return true;
				}
			}
			return false;
		}

		/** The value of a Prefer parameter such as {@code odata.maxpagesize}, or null. */
		String preference(String name) {
			String p = header("Prefer");
			if (p == null) {
				return null;
			}
			for (String part : p.split(",")) {
				String t = part.trim();
				int eq = t.indexOf('=');
				if (eq > 0 && t.substring(0, eq).trim().equalsIgnoreCase(name)) {
					return t.substring(eq + 1).trim().replace("\"", "");
				}
			}
			return null;
		}
	}

	/** A response: status, headers, body. */
	record Res(int status, Map<String, String> headers, byte[] body) {
		Res header(String name, String value) {
			Map<String, String> h = new LinkedHashMap<>(headers);
			h.put(name, value);
			return new Res(status, h, body);
		}
	}

	static Res json(int status, byte[] body) {
		Map<String, String> h = new LinkedHashMap<>();
		h.put("Content-Type", "application/json; odata.metadata=minimal");
		h.put("OData-Version", "4.0");
		return new Res(status, h, body);
	}

	static Res empty(int status) {
		Map<String, String> h = new LinkedHashMap<>();
		h.put("OData-Version", "4.0");
		return new Res(status, h, new byte[0]);
	}

	static String reason(int status) {
		return switch (status) {
			case 200 -> "OK";
			case 201 -> "Created";
			case 204 -> "No Content";
			case 304 -> "Not Modified";
			case 400 -> "Bad Request";
			case 401 -> "Unauthorized";
			case 403 -> "Forbidden";
			case 404 -> "Not Found";
			case 405 -> "Method Not Allowed";
			case 409 -> "Conflict";
			case 412 -> "Precondition Failed";
			case 413 -> "Payload Too Large";
			case 415 -> "Unsupported Media Type";
			case 429 -> "Too Many Requests";
			case 500 -> "Internal Server Error";
			case 503 -> "Service Unavailable";
			default -> "Status " + status;
		};
	}

	static String utf8(byte[] b) {
		return new String(b, StandardCharsets.UTF_8);
	}

	/** Percent-decoding of a query component; '+' stays '+' (RFC 3986, not form encoding). */
	static String decode(String s) {
		if (s.indexOf('%') < 0) {
			return s;
		}
		byte[] out = new byte[s.length()];
		int n = 0;
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == '%' && i + 2 < s.length()) {
				int hi = Character.digit(s.charAt(i + 1), 16);
				int lo = Character.digit(s.charAt(i + 2), 16);
				if (hi < 0 || lo < 0) {
					throw ApiError.query("Malformed percent-encoding in the query: " + s);
				}
				out[n++] = (byte) (hi * 16 + lo);
				i += 2;
			} else {
				byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
				if (n + b.length > out.length) {
					out = java.util.Arrays.copyOf(out, out.length * 2 + b.length);
				}
				System.arraycopy(b, 0, out, n, b.length);
				n += b.length;
			}
		}
		return new String(out, 0, n, StandardCharsets.UTF_8);
	}

	static String encode(String s) {
		StringBuilder b = new StringBuilder();
		for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
			int c = x & 0xff;
			if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~$,:@/()'".indexOf(c) >= 0) {
				b.append((char) c);
			} else {
				b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
						.append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
			}
		}
		return b.toString();
	}

	/** Query options in order, decoded. */
	static Map<String, String> params(String query) {
		Map<String, String> out = new LinkedHashMap<>();
		if (query == null || query.isEmpty()) {
			return out;
		}
		for (String part : query.split("&")) {
			if (part.isEmpty()) {
				continue;
			}
			int eq = part.indexOf('=');
			String k = decode(eq < 0 ? part : part.substring(0, eq));
			String v = eq < 0 ? "" : decode(part.substring(eq + 1));
			if (out.put(k, v) != null) {
				throw ApiError.query("The query option '" + k + "' is given more than once");
			}
		}
		return out;
	}
}
