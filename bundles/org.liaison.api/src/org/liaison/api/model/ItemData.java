package org.liaison.api.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The protocol-neutral content of one item: its kind and a sorted map of named fields with text
 * values. Every connector converts its native form (vCard, iCalendar, MIME, OData JSON) to and
 * from this, through the domain records ({@link Contact#toData()} and friends); the sync engine
 * compares, hashes and merges items field by field on it. Absent fields are not in the map; empty
 * values are treated as absent.
 */
public final class ItemData {

	private final ItemKind kind;
	private final SortedMap<String, String> fields;
	private String hash;

	public ItemData(ItemKind kind, Map<String, String> fields) {
		this.kind = Objects.requireNonNull(kind, "kind");
		TreeMap<String, String> copy = new TreeMap<>();
		fields.forEach((k, v) -> {
			if (v != null && !v.isEmpty()) {
				copy.put(k, v);
			}
		});
		this.fields = Collections.unmodifiableSortedMap(copy);
	}

	public ItemKind kind() {
		return kind;
	}

	public SortedMap<String, String> fields() {
		return fields;
	}

	public String get(String field) {
		return fields.get(field);
	}

	/** A copy with one field set (null or empty removes it). */
	public ItemData with(String field, String value) {
		TreeMap<String, String> copy = new TreeMap<>(fields);
		if (value == null || value.isEmpty()) {
			copy.remove(field);
		} else {
			copy.put(field, value);
		}
		return new ItemData(kind, copy);
	}

	/**
	 * The content hash: SHA-256 over the kind and every field, hex encoded. Two items with the same
	 * fields have the same hash whatever their version or origin.
	 */
	public String contentHash() {
		String h = hash;
		if (h == null) {
			MessageDigest md;
			try {
				md = MessageDigest.getInstance("SHA-256");
			} catch (NoSuchAlgorithmException e) {
				throw new IllegalStateException(e);
			}
			md.update(kind.name().getBytes(StandardCharsets.UTF_8));
			for (Map.Entry<String, String> e : fields.entrySet()) {
				md.update((byte) 0);
				md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
				md.update((byte) 1);
				md.update(e.getValue().getBytes(StandardCharsets.UTF_8));
			}
			h = HexFormat.of().formatHex(md.digest(), 0, 16);
			hash = h;
		}
		return h;
	}

	/**
	 * A plain-text form that {@link #parse(String)} reads back equal: the kind on the first line, then
	 * one {@code name=value} line per field, with backslash, newline and carriage return escaped. Used
	 * to keep items in the store (last synced copies, tombstones, quarantine) and in test fixtures.
	 */
	public String toText() {
		StringBuilder b = new StringBuilder(64 + fields.size() * 32);
		b.append(kind.name());
		for (Map.Entry<String, String> e : fields.entrySet()) {
			b.append('\n');
			escapeTo(b, e.getKey(), true);
			b.append('=');
			escapeTo(b, e.getValue(), false);
		}
		return b.toString();
	}

	/** Reads the {@link #toText()} form. */
	public static ItemData parse(String text) {
		Objects.requireNonNull(text, "text");
		int nl = text.indexOf('\n');
		ItemKind kind;
		try {
			kind = ItemKind.valueOf(nl < 0 ? text : text.substring(0, nl));
		} catch (IllegalArgumentException e) {
			throw new IllegalArgumentException("not an item: the first line names no item kind", e);
		}
		TreeMap<String, String> fields = new TreeMap<>();
		int start = nl + 1;
		while (nl >= 0 && start <= text.length()) {
			int end = text.indexOf('\n', start);
			String line = end < 0 ? text.substring(start) : text.substring(start, end);
			int eq = unescapedEquals(line);
			if (eq <= 0) {
				throw new IllegalArgumentException("not an item: field line without a name: " + line);
			}
			fields.put(unescape(line.substring(0, eq)), unescape(line.substring(eq + 1)));
			if (end < 0) {
				break;
			}
			start = end + 1;
		}
		return new ItemData(kind, fields);
	}

	private static void escapeTo(StringBuilder b, String s, boolean key) {
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '\\' -> b.append("\\\\");
				case '\n' -> b.append("\\n");
				case '\r' -> b.append("\\r");
				case '=' -> b.append(key ? "\\=" : "=");
				default -> b.append(c);
			}
		}
	}

	private static int unescapedEquals(String line) {
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			if (c == '\\') {
				i++;
			} else if (c == '=') {
				return i;
			}
		}
		return -1;
	}

	private static String unescape(String s) {
		if (s.indexOf('\\') < 0) {
			return s;
		}
		StringBuilder b = new StringBuilder(s.length());
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == '\\' && i + 1 < s.length()) {
				char n = s.charAt(++i);
				b.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
			} else {
				b.append(c);
			}
		}
		return b.toString();
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof ItemData d && d.kind == kind && d.fields.equals(fields);
	}

	@Override
	public int hashCode() {
		return kind.hashCode() * 31 + fields.hashCode();
	}

	@Override
	public String toString() {
		return kind + fields.toString();
	}
}
