package org.liaison.api.model;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers the domain records share to move values in and out of field maps. */
final class Fields {

	private Fields() {
	}

	static Map<String, String> map() {
		return new LinkedHashMap<>();
	}

	static String str(Object value) {
		return value == null ? null : value.toString();
	}

	static Instant instant(String value) {
		return value == null ? null : Instant.parse(value);
	}

	static LocalDate date(String value) {
		return value == null ? null : LocalDate.parse(value);
	}

	static Integer integer(String value) {
		return value == null ? null : Integer.valueOf(value);
	}

	static RecordRef ref(String value) {
		return value == null ? null : RecordRef.parse(value);
	}

	static void require(ItemData data, ItemKind kind) {
		if (data.kind() != kind) {
			throw new IllegalArgumentException("expected a " + kind + " item, got " + data.kind());
		}
	}
}
