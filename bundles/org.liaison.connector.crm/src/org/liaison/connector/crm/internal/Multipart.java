package org.liaison.connector.crm.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmException.Kind;

/** Reads a {@code $batch} answer: multipart/mixed, change set answers nested, each part an HTTP response. */
final class Multipart {

	private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);

	/** One HTTP response inside the batch answer (headers lower-cased). */
	record HttpPart(String contentId, int status, Map<String, String> headers, byte[] body) {
	}

	private Multipart() {
	}

	static List<HttpPart> responses(String contentType, byte[] body) throws CrmException {
		List<HttpPart> out = new ArrayList<>();
		collect(contentType, new String(body, StandardCharsets.ISO_8859_1), out);
		return out;
	}

	private static void collect(String contentType, String body, List<HttpPart> out) throws CrmException {
		Matcher m = contentType == null ? null : BOUNDARY.matcher(contentType);
		if (m == null || !m.find()) {
			throw new CrmException(Kind.SERVER, "the batch answer is not multipart: " + contentType, null);
		}
		String delim = "--" + m.group(1);
		int pos = body.indexOf(delim);
		while (pos >= 0) {
			int lineEnd = body.indexOf('\n', pos);
			if (lineEnd < 0 || body.startsWith(delim + "--", pos)) {
				break;
			}
			int next = body.indexOf("\n" + delim, lineEnd);
			if (next < 0) {
				break;
			}
			String part = body.substring(lineEnd + 1, next);
			int sep = blank(part);
			String head = part.substring(0, sep);
			String content = part.substring(skip(part, sep));
			Map<String, String> h = headers(head);
			String ct = h.get("content-type");
			if (ct != null && ct.toLowerCase(Locale.ROOT).startsWith("multipart/mixed")) {
				collect(ct, content, out);
			} else {
				out.add(http(h.get("content-id"), content));
			}
			pos = next + 1;
		}
	}

	private static HttpPart http(String contentId, String content) {
		int sep = blank(content);
		String head = sep < 0 ? content : content.substring(0, sep);
		String body = sep < 0 ? "" : content.substring(skip(content, sep));
		while (body.endsWith("\r\n") || body.endsWith("\n")) {
			body = body.substring(0, body.length() - (body.endsWith("\r\n") ? 2 : 1));
		}
		String[] lines = head.split("\r?\n", 2);
		String[] status = lines[0].trim().split(" ");
		Map<String, String> h = headers(lines.length > 1 ? lines[1] : "");
		return new HttpPart(contentId, Integer.parseInt(status[1]), h, body.getBytes(StandardCharsets.ISO_8859_1));
	}

	private static Map<String, String> headers(String head) {
		Map<String, String> h = new TreeMap<>();
		for (String line : head.split("\r?\n")) {
			int c = line.indexOf(':');
			if (c > 0) {
				h.put(line.substring(0, c).trim().toLowerCase(Locale.ROOT), line.substring(c + 1).trim());
			}
		}
		return h;
	}

	private static int blank(String s) {
		int a = s.indexOf("\r\n\r\n");
		int b = s.indexOf("\n\n");
		if (a < 0) {
			return b < 0 ? s.length() : b;
		}
		return b < 0 ? a : Math.min(a, b);
	}

	private static int skip(String s, int at) {
		if (at >= s.length()) {
			return s.length();
		}
		return s.startsWith("\r\n\r\n", at) ? at + 4 : at + 2;
	}
}
