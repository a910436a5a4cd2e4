package org.liaison.api.crm;

import java.util.List;

/**
 * The query options of a read: {@code $select}, {@code $filter}, {@code $orderby}, {@code $top},
 * {@code $expand} (activity parties), {@code $count}. Values put into {@code filter} must be escaped
 * by the caller ({@link #quote(String)}).
 */
public record CrmQuery(List<String> select, String filter, String orderBy, Integer top, String expand, boolean count) {

	public CrmQuery {
		select = select == null ? List.of() : List.copyOf(select);
	}

	public static CrmQuery all() {
		return new CrmQuery(List.of(), null, null, null, null, false);
	}

	public static CrmQuery select(String... attributes) {
		return new CrmQuery(List.of(attributes), null, null, null, null, false);
	}

	public CrmQuery filter(String f) {
		return new CrmQuery(select, f, orderBy, top, expand, count);
	}

	public CrmQuery orderBy(String o) {
		return new CrmQuery(select, filter, o, top, expand, count);
	}

	public CrmQuery top(int n) {
		return new CrmQuery(select, filter, orderBy, n, expand, count);
	}

	public CrmQuery expand(String e) {
		return new CrmQuery(select, filter, orderBy, top, e, count);
	}

	public CrmQuery withCount() {
		return new CrmQuery(select, filter, orderBy, top, expand, true);
	}

	/** An OData string literal: quoted, with quotes doubled. */
	public static String quote(String value) {
		return "'" + value.replace("'", "''") + "'";
	}
}
