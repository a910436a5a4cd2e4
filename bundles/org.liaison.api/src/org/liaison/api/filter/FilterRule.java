package org.liaison.api.filter;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A small rule model for user-defined sync filters that compiles to an OData {@code $filter}: a list
 * of conditions joined by {@code and} or {@code or}. Values are escaped, so user input can never
 * change the shape of the query.
 *
 * @param all true: every condition must hold (and); false: any (or)
 * @param conditions the conditions
 */
public record FilterRule(boolean all, List<Condition> conditions) {

	private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)?");

	/** Comparison operators. */
	public enum Op {
		EQ("eq"), NE("ne"), GT("gt"), GE("ge"), LT("lt"), LE("le"), CONTAINS("contains"), STARTS_WITH("startswith"),
		IS_NULL("null"), NOT_NULL("notnull");

		final String odata;

		Op(String odata) {
			this.odata = odata;
		}
	}

	/**
	 * One condition: {@code field op value}. The value is typed by its form: a UUID, a number, true
	 * or false, an ISO date-time, else a string.
	 */
	public record Condition(String field, Op op, String value) {
		public Condition {
			Objects.requireNonNull(field, "field");
			Objects.requireNonNull(op, "op");
			if (!FIELD.matcher(field).matches()) {
				throw new IllegalArgumentException("not a field name: " + field);
			}
		}

		String compile() {
			return switch (op) {
				case IS_NULL -> field + " eq null";
				case NOT_NULL -> field + " ne null";
				case CONTAINS, STARTS_WITH -> op.odata + "(" + field + "," + quote(value) + ")";
				default -> field + " " + op.odata + " " + literal(value);
			};
		}
	}

	public FilterRule {
		conditions = List.copyOf(conditions);
		if (conditions.isEmpty()) {
			throw new IllegalArgumentException("a filter needs at least one condition");
		}
	}

	/** The OData {@code $filter} expression. */
	public String toOData() {
		StringBuilder b = new StringBuilder();
		for (Condition c : conditions) {
			if (b.length() > 0) {
				b.append(all ? " and " : " or ");
			}
			b.append(conditions.size() > 1 ? "(" + c.compile() + ")" : c.compile());
		}
		return b.toString();
	}

	static String quote(String s) {
		return "'" + (s == null ? "" : s.replace("'", "''")) + "'";
	}

	static String literal(String v) {
		if (v == null) {
			return "null";
		}
		String t = v.trim();
		String lower = t.toLowerCase(Locale.ROOT);
		if (lower.equals("true") || lower.equals("false")) {
			return lower;
		}
		if (t.matches("-?\\d+(\\.\\d+)?")) {
			return t;
		}
		if (t.matches("\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+(Z|[+-]\\d{2}:\\d{2}))?")) {
			return t;
		}
		try {
			return UUID.fromString(t).toString();
		} catch (IllegalArgumentException notUuid) {
			return quote(v);
		}
	}
}
