package org.liaison.api.model;

import java.util.Objects;
import java.util.UUID;

/**
 * A reference to a CRM record: the entity set it lives in (as the Web API names it, e.g.
 * {@code contacts}, {@code opportunities}) and its id (a GUID in Dynamics).
 *
 * @param entitySet the Web API entity set name, lower case
 * @param id the record's primary key
 */
public record RecordRef(String entitySet, UUID id) {

	public RecordRef {
		Objects.requireNonNull(entitySet, "entitySet");
		Objects.requireNonNull(id, "id");
		if (entitySet.isBlank()) {
			throw new IllegalArgumentException("entity set must not be blank");
		}
	}

	/** Parses the {@link #toString()} form {@code entitySet(id)}, as an OData key segment. */
	public static RecordRef parse(String text) {
		int open = text.indexOf('(');
		if (open <= 0 || !text.endsWith(")")) {
			throw new IllegalArgumentException("not a record reference: " + text);
		}
		return new RecordRef(text.substring(0, open), UUID.fromString(text.substring(open + 1, text.length() - 1)));
	}

	/** The OData key segment, {@code contacts(00000000-0000-0000-0000-000000000000)}. */
	@Override
	public String toString() {
		return entitySet + "(" + id + ")";
	}
}
