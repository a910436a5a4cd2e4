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
