package org.liaison.api.crm;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One write, on its own or inside a {@code $batch}.
 *
 * @param method POST (create), PATCH (upsert or update) or DELETE
 * @param entitySet the entity set
 * @param id the record (PATCH, DELETE; for POST the id may be in {@code fields})
 * @param fields the values (JSON types; lookups as {@code name@odata.bind})
 * @param ifMatch PATCH/DELETE only if the record is at this ETag ({@code *}: only if it exists), or null
 * @param createOnly PATCH only if the record does not exist (If-None-Match: *)
 */
public record CrmWrite(String method, String entitySet, UUID id, Map<String, Object> fields, String ifMatch,
		boolean createOnly) {

	public CrmWrite {
		Objects.requireNonNull(method, "method");
		Objects.requireNonNull(entitySet, "entitySet");
		fields = fields == null ? Map.of() : fields;
	}

	public static CrmWrite create(String entitySet, Map<String, Object> fields) {
		return new CrmWrite("POST", entitySet, null, fields, null, false);
	}

	/** Creates the record with a client-chosen id; fails with 412 if it exists (a repeated create is found, not duplicated). */
	public static CrmWrite createWithId(String entitySet, UUID id, Map<String, Object> fields) {
		return new CrmWrite("PATCH", entitySet, id, fields, null, true);
	}

	/** Updates the record if it is still at {@code etag}. */
	public static CrmWrite update(String entitySet, UUID id, Map<String, Object> fields, String etag) {
		return new CrmWrite("PATCH", entitySet, id, fields, etag == null ? "*" : etag, false);
	}

	/** Creates or updates, unconditionally. */
	public static CrmWrite upsert(String entitySet, UUID id, Map<String, Object> fields) {
		return new CrmWrite("PATCH", entitySet, id, fields, null, false);
	}

	public static CrmWrite delete(String entitySet, UUID id, String etag) {
		return new CrmWrite("DELETE", entitySet, id, null, etag, false);
	}
}
