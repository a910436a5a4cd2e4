package org.liaison.api.offline;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One record in the offline copy, as the user sees it now (the server's copy with the user's offline
 * changes on top). Values are text: strings as they are, numbers in plain notation, {@code true} /
 * {@code false}, date-times as ISO instants ({@code 2026-11-23T10:00:00Z}), dates as
 * {@code 2026-11-23}, lookups as {@code entityset(id)} (e.g. {@code accounts(3f2e...)}), an activity's
 * parties as JSON in the field {@value #PARTIES}. A missing field has no value.
 *
 * @param entity its type
 * @param id its CRM id (chosen by Liaison for records created offline)
 * @param fields the values by attribute name
 * @param etag the server's version the copy is at, or null for a record not yet in the CRM
 * @param scope why it is offline
 * @param state whether the user changed it offline
 */
public record OfflineRecord(OfflineEntity entity, UUID id, SortedMap<String, String> fields, String etag, Scope scope,
		State state) {

	/** The field holding an activity's parties (JSON). */
	public static final String PARTIES = "activityparties";

	/** Why a record is in the offline copy. */
	public enum Scope {
		/** Its offline filter selects it. */
		FILTER,
		/** A record in the copy points to it (a contact's account), though the filter does not select it. */
		REFERENCE
	}

	/** The user's offline work on it. */
	public enum State {
		/** As the server has it. */
		SYNCED,
		/** Created offline, not yet in the CRM. */
		CREATED,
		/** Changed offline, not yet replayed. */
		CHANGED,
		/** Deleted offline, not yet replayed (still listed so that it can be shown as deleted). */
		DELETED
	}

	public OfflineRecord {
		Objects.requireNonNull(entity, "entity");
		Objects.requireNonNull(id, "id");
		fields = Collections.unmodifiableSortedMap(new TreeMap<>(fields));
	}

	public String get(String field) {
		return fields.get(field);
	}

	/** The name to show: {@link #nameOf}, else the type and id. */
	public String displayName() {
		String n = nameOf(entity, fields);
		return n == null ? entity.logicalName() + " " + id : n;
	}

	/**
	 * A record's name: its primary name attribute, for people made offline (whose full name the CRM has
	 * not made yet) first and last name; null when there is none.
	 */
	public static String nameOf(OfflineEntity entity, Map<String, String> fields) {
		String n = fields.get(entity.primaryName());
		if ((n == null || n.isBlank()) && entity.primaryName().equals("fullname")) {
			n = (fields.getOrDefault("firstname", "") + " " + fields.getOrDefault("lastname", "")).trim();
		}
		return n == null || n.isBlank() ? null : n.trim();
	}

	/** A copy with other fields (used by callers composing changes). */
	public Map<String, String> copyOfFields() {
		return new TreeMap<>(fields);
	}
}
