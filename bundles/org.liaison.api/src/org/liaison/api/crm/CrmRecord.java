package org.liaison.api.crm;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A CRM record as read: its entity set, id, ETag and values as JSON types (String, Number, Boolean,
 * null, List, Map). Lookups appear as {@code _name_value}.
 */
public record CrmRecord(String entitySet, UUID id, String etag, Map<String, Object> values) {

	public CrmRecord {
		values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
	}

	public String string(String name) {
		Object v = values.get(name);
		return v == null ? null : v.toString();
	}

	public Integer integer(String name) {
		Object v = values.get(name);
		return v instanceof Number n ? n.intValue() : null;
	}

	public Boolean bool(String name) {
		Object v = values.get(name);
		return v instanceof Boolean b ? b : null;
	}

	public Instant instant(String name) {
		String s = string(name);
		return s == null ? null : OffsetDateTime.parse(s).toInstant();
	}

	/** The id a lookup points to ({@code name} without the {@code _..._value} decoration), or null. */
	public UUID lookup(String name) {
		String s = string("_" + name + "_value");
		return s == null ? null : UUID.fromString(s);
	}

	/** The logical name of the record a lookup points to, when the server said (annotations asked for). */
	public String lookupType(String name) {
		return string("_" + name + "_value@Microsoft.Dynamics.CRM.lookuplogicalname");
	}

	/** A collection-valued property (activity parties), as maps. */
	@SuppressWarnings("unchecked")
	public List<Map<String, Object>> list(String name) {
		Object v = values.get(name);
		return v instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
	}
}
