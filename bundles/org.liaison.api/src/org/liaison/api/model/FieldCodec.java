package org.liaison.api.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Text encoding of structured values inside an item's field map: lists separated by newlines,
 * components separated by a delimiter, both escaped with a backslash. Field maps stay plain
 * strings so that the engine can compare, hash and merge them field by field.
 */
public final class FieldCodec {

	private FieldCodec() {
	}

	/** Escapes backslash, newline, {@code |}, {@code ;} and {@code ,}; null becomes the empty string. */
	public static String escape(String value) {
		if (value == null) {
			return "";
		}
		StringBuilder b = new StringBuilder(value.length() + 8);
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '\\', '|', ';', ',' -> b.append('\\').append(c);
				case '\n' -> b.append("\\n");
				case '\r' -> b.append("\\r");
				default -> b.append(c);
			}
		}
		return b.toString();
	}

	/** Reverses {@link #escape(String)}; the empty string becomes null. */
	public static String unescape(String text) {
		if (text == null || text.isEmpty()) {
			return null;
		}
		StringBuilder b = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\\' && i + 1 < text.length()) {
				char n = text.charAt(++i);
				b.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
			} else {
				b.append(c);
			}
		}
		return b.toString();
	}

	/**
	 * Splits at unescaped {@code delimiter} into exactly {@code parts} pieces (missing pieces are
	 * empty); the pieces stay escaped.
	 */
	public static String[] split(String text, char delimiter, int parts) {
		String[] out = new String[parts];
		int part = 0;
		int start = 0;
		for (int i = 0; i < text.length() && part < parts - 1; i++) {
			char c = text.charAt(i);
			if (c == '\\') {
				i++;
			} else if (c == delimiter) {
				out[part++] = text.substring(start, i);
				start = i + 1;
			}
		}
		out[part++] = text.substring(start);
		while (part < parts) {
			out[part++] = "";
		}
		return out;
	}

	/** Joins already encoded elements into one field value, one per line; an empty list is null. */
	public static String joinLines(List<String> encoded) {
		if (encoded == null || encoded.isEmpty()) {
			return null;
		}
		return String.join("\n", encoded);
	}

	/** Splits a field value made by {@link #joinLines(List)}. */
	public static List<String> splitLines(String value) {
		List<String> out = new ArrayList<>();
		if (value == null || value.isEmpty()) {
			return out;
		}
		int start = 0;
		for (int i = 0; i <= value.length(); i++) {
			if (i == value.length() || value.charAt(i) == '\n') {
				out.add(value.substring(start, i));
				start = i + 1;
			}
		}
		return out;
	}

	/** Escapes each plain string and joins them one per line. */
	public static String encodeList(List<String> values) {
		if (values == null || values.isEmpty()) {
			return null;
		}
		List<String> enc = new ArrayList<>(values.size());
		for (String v : values) {
			enc.add(escape(v));
		}
		return joinLines(enc);
	}

	/** Reverses {@link #encodeList(List)}. */
	public static List<String> decodeList(String value) {
		List<String> out = new ArrayList<>();
		for (String line : splitLines(value)) {
			String v = unescape(line);
			out.add(v == null ? "" : v);
		}
		return out;
	}

	public static String encodeParties(List<ActivityParty> parties) {
		if (parties == null || parties.isEmpty()) {
			return null;
		}
		List<String> enc = new ArrayList<>(parties.size());
		for (ActivityParty p : parties) {
			enc.add(p.encode());
		}
		return joinLines(enc);
	}

	public static List<ActivityParty> decodeParties(String value) {
		List<ActivityParty> out = new ArrayList<>();
		for (String line : splitLines(value)) {
			out.add(ActivityParty.decode(line));
		}
		return out;
	}

	/**
	 * Encodes a small map as {@code key=value;key=value} with escaped values, for a nested
	 * structure (an overridden occurrence, an attachment) inside one field.
	 */
	public static String encodeMap(java.util.Map<String, String> map) {
		StringBuilder b = new StringBuilder();
		for (java.util.Map.Entry<String, String> e : new java.util.TreeMap<>(map).entrySet()) {
			if (e.getValue() == null || e.getValue().isEmpty()) {
				continue;
			}
			if (b.length() > 0) {
				b.append(';');
			}
			b.append(e.getKey()).append('=').append(escape(e.getValue()));
		}
		return b.toString();
	}

	/** Reverses {@link #encodeMap(java.util.Map)}. */
	public static java.util.Map<String, String> decodeMap(String text) {
		java.util.Map<String, String> out = new java.util.TreeMap<>();
		if (text == null || text.isEmpty()) {
			return out;
		}
		int start = 0;
		for (int i = 0; i <= text.length(); i++) {
			if (i < text.length() && text.charAt(i) == '\\') {
				i++;
				continue;
			}
			if (i == text.length() || text.charAt(i) == ';') {
				String pair = text.substring(start, i);
				int eq = pair.indexOf('=');
				if (eq > 0) {
					out.put(pair.substring(0, eq), unescape(pair.substring(eq + 1)));
				}
				start = i + 1;
			}
		}
		return out;
	}
}
