package org.liaison.crm.server.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.liaison.crm.server.internal.Schema.Attr;
import org.liaison.crm.server.internal.Schema.Entity;
import org.liaison.crm.server.internal.Schema.Type;

/**
 * OData {@code $filter} to SQL. The supported subset: {@code eq ne gt ge lt le}, {@code and or not},
 * parentheses, {@code contains startswith endswith}, {@code null}, lookups as {@code _x_value}, and
 * {@code any}/{@code all} over an activity's parties. Values become bind parameters, never SQL text.
 * Every condition is two-valued (a null attribute makes a comparison false, not unknown), so that
 * {@code not} means what OData says. Anything else is refused with a message naming it.
 */
final class Filter {

	/** SQL text with {@code ?} markers, and the values in order. */
	record Sql(String text, List<Object> params) {
	}

	private static final Pattern GUID = Pattern
			.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
	private static final Pattern DATETIME = Pattern
			.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})");
	private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
	private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([mMdDlL])?");
	private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
	private static final Pattern STRING = Pattern.compile("'(?:[^']|'')*'");

	private enum Kind {
		LPAREN, RPAREN, COMMA, SLASH, COLON, STRING, NUMBER, GUID, DATETIME, DATE, IDENT, END
	}

	private record Tok(Kind kind, String text, int pos) {
	}

	/** A literal with its OData kind. */
	private record Lit(Kind kind, Object value, String text) {
	}

	private final Schema schema;
	private final List<Tok> toks = new ArrayList<>();
	private final String source;
	private int i;
	private final List<Object> params = new ArrayList<>();

	/** Scope of names: the root entity as {@code t}, or a lambda's activity party as its alias. */
	private record Scope(Entity entity, String alias, String variable) {
	}

	private final List<Scope> scopes = new ArrayList<>();
	private int lambdas;

	private Filter(Schema schema, String source) {
		this.schema = schema;
		this.source = source;
	}

	static Sql parse(Schema schema, Entity root, String text) {
		Filter f = new Filter(schema, text);
		f.lex();
		f.scopes.add(new Scope(root, "t", null));
		String sql = f.or();
		if (f.peek().kind != Kind.END) {
			throw f.error("unexpected '" + f.peek().text + "'");
		}
		return new Sql(sql, f.params);
	}

	private ApiError error(String what) {
		Tok t = i < toks.size() ? toks.get(i) : null;
		return ApiError.query("Syntax error in $filter at position " + (t == null ? source.length() : t.pos) + ": "
				+ what + " (in \"" + source + "\")");
	}

	private void lex() {
		int p = 0;
		int n = source.length();
		while (p < n) {
			char c = source.charAt(p);
			if (Character.isWhitespace(c)) {
				p++;
				continue;
			}
			switch (c) {
				case '(' -> toks.add(new Tok(Kind.LPAREN, "(", p++));
				case ')' -> toks.add(new Tok(Kind.RPAREN, ")", p++));
				case ',' -> toks.add(new Tok(Kind.COMMA, ",", p++));
				case '/' -> toks.add(new Tok(Kind.SLASH, "/", p++));
				case ':' -> toks.add(new Tok(Kind.COLON, ":", p++));
				default -> {
					Kind k = null;
					int end = -1;
					for (Object[] cand : new Object[][] { { Kind.STRING, STRING }, { Kind.GUID, GUID },
							{ Kind.DATETIME, DATETIME }, { Kind.DATE, DATE }, { Kind.NUMBER, NUMBER },
							{ Kind.IDENT, IDENT } }) {
						Matcher m = ((Pattern) cand[1]).matcher(source).region(p, n);
						if (m.lookingAt()) {
							int e = m.end();
							// a GUID, date or number must not run on into an identifier
							if (cand[0] != Kind.IDENT && cand[0] != Kind.STRING && e < n
									&& (Character.isLetterOrDigit(source.charAt(e)) || source.charAt(e) == '_')) {
								continue;
							}
							k = (Kind) cand[0];
							end = e;
							break;
						}
					}
					if (k == null) {
						throw ApiError.query("Syntax error in $filter at position " + p + ": unexpected character '"
								+ c + "'" + (c == '\'' ? " (an unterminated string)" : "") + " (in \"" + source + "\")");
					}
					toks.add(new Tok(k, source.substring(p, end), p));
					p = end;
				}
			}
		}
		toks.add(new Tok(Kind.END, "end of input", n));
	}

	private Tok peek() {
		return toks.get(i);
	}

	private Tok next() {
		return toks.get(i++);
	}

	private boolean word(String w) {
		Tok t = peek();
		if (t.kind == Kind.IDENT && t.text.equals(w)) {
			i++;
			return true;
		}
		return false;
	}

	private void expect(Kind k) {
		if (peek().kind != k) {
			throw error("expected " + k.name().toLowerCase(Locale.ROOT) + " but found '" + peek().text + "'");
		}
		i++;
	}

	/**
	 * The column of the last term parsed when it was a plain {@code column eq literal}, else null: a chain
	 * of such terms on one column joined by {@code or} becomes one {@code IN}, which Derby answers from
	 * the index (an id list of 50 records, as the connector asks, must not scan the table).
	 */
	private String simpleEq;
	private String simpleMark;

	private String or() {
		String left = and();
		String column = simpleEq;
		int terms = 1;
		StringBuilder chain = new StringBuilder(left);
		while (word("or")) {
			String right = and();
			if (column != null && !column.equals(simpleEq)) {
				column = null;
			}
			chain.insert(0, "(").append(" OR ").append(right).append(")");
			terms++;
		}
		if (terms > 1 && column != null) {
			simpleEq = null;
			return "(" + column + " IS NOT NULL AND " + column + " IN (" + (simpleMark + ", ").repeat(terms - 1)
					+ simpleMark + "))";
		}
		if (terms > 1) {
			simpleEq = null;
		}
		return chain.toString();
	}

	private String and() {
		String left = not();
		while (word("and")) {
			left = "(" + left + " AND " + not() + ")";
			simpleEq = null;
		}
		return left;
	}

	private String not() {
		if (word("not")) {
			String inner = "(NOT " + not() + ")";
			simpleEq = null;
			return inner;
		}
		return primary();
	}

	private String primary() {
		simpleEq = null;
		Tok t = peek();
		if (t.kind == Kind.LPAREN) {
			i++;
			String inner = or();
			expect(Kind.RPAREN);
			return inner;
		}
		if (t.kind == Kind.IDENT && toks.get(i + 1).kind == Kind.LPAREN) {
			return function(next().text);
		}
		if (t.kind == Kind.IDENT && toks.get(i + 1).kind == Kind.SLASH && toks.get(i + 2).kind == Kind.IDENT
				&& (toks.get(i + 2).text.equals("any") || toks.get(i + 2).text.equals("all"))) {
			return lambda();
		}
		return comparison();
	}

	private String function(String name) {
		expect(Kind.LPAREN);
		String like = switch (name) {
			case "contains" -> "%%%s%%";
			case "startswith" -> "%s%%";
			case "endswith" -> "%%%s";
			default -> throw ApiError.query("The function '" + name + "' is not supported in $filter by this server"
					+ " (supported: contains, startswith, endswith, any, all)");
		};
		Attr a = property();
		String col = column(a);
		expect(Kind.COMMA);
		Tok v = next();
		if (v.kind != Kind.STRING) {
			throw error(name + "() needs a string literal as its second argument, found '" + v.text + "'");
		}
		expect(Kind.RPAREN);
		if (a.type != Type.STRING && a.type != Type.MEMO) {
			throw ApiError.query(name + "() applies to text attributes; '" + a.property() + "' is " + a.type.edm);
		}
		params.add(String.format(like, escapeLike(unquote(v.text))));
		if (a.type == Type.MEMO) {
			return "(" + col + " IS NOT NULL AND " + col + " LIKE ? ESCAPE '\\')";
		}
		String lower = text(a);
		return "(" + col + " IS NOT NULL AND " + lower + " LIKE LOWER(?) ESCAPE '\\')";
	}

	private static String escapeLike(String s) {
		return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
	}

	private String lambda() {
		Tok nav = next();
		expect(Kind.SLASH);
		boolean any = next().text.equals("any");
		Scope root = scopes.get(scopes.size() - 1);
		if (scopes.size() > 1 || !nav.text.equals(root.entity.partiesNav)) {
			throw ApiError.query("any/all is supported only over an activity's parties ("
					+ (root.entity.partiesNav == null ? "this entity has none" : root.entity.partiesNav) + "), not over '"
					+ nav.text + "'");
		}
		expect(Kind.LPAREN);
		Tok var = next();
		if (var.kind != Kind.IDENT) {
			throw error("expected a lambda variable");
		}
		expect(Kind.COLON);
		Entity party = schema.bySet(Schema.PARTY_SET);
		String alias = "ap" + (lambdas++);
		scopes.add(new Scope(party, alias, var.text));
		String cond = or();
		scopes.remove(scopes.size() - 1);
		expect(Kind.RPAREN);
		String sub = "SELECT 1 FROM " + party.table() + " " + alias + " WHERE " + alias + "."
				+ Db.q(party.attr("activityid").column()) + " = " + root.alias + "." + Db.q(root.entity.key);
		return any ? "EXISTS (" + sub + " AND " + cond + ")" : "NOT EXISTS (" + sub + " AND NOT " + cond + ")";
	}

	private Attr property() {
		Tok t = next();
		if (t.kind != Kind.IDENT) {
			throw error("expected a property name but found '" + t.text + "'");
		}
		Scope s = scopes.get(scopes.size() - 1);
		String name = t.text;
		if (s.variable != null) {
			if (!name.equals(s.variable) || peek().kind != Kind.SLASH) {
				throw error("inside the lambda, properties are written " + s.variable + "/name");
			}
			next();
			Tok p = next();
			if (p.kind != Kind.IDENT) {
				throw error("expected a property name after " + s.variable + "/");
			}
			name = p.text;
		} else if (peek().kind == Kind.SLASH) {
			throw ApiError.query("Navigation paths such as '" + name + "/...' are not supported in $filter by this"
					+ " server; filter on the lookup's _" + name + "_value instead");
		}
		Attr a = s.entity.byProperty(name);
		if (a == null) {
			throw ApiError.query("Could not find a property named '" + name + "' on type 'Microsoft.Dynamics.CRM."
					+ s.entity.logical + "'.");
		}
		return a;
	}

	private String column(Attr a) {
		return scopes.get(scopes.size() - 1).alias + "." + Db.q(a.column());
	}

	/** The case-insensitive form of a text attribute: its lower-cased indexed column, or LOWER(column). */
	private String text(Attr a) {
		String alias = scopes.get(scopes.size() - 1).alias;
		return a.lookedUp() ? alias + "." + Db.q(a.lowerColumn()) : "LOWER(" + alias + "." + Db.q(a.column()) + ")";
	}

	private Lit literal() {
		Tok t = next();
		return switch (t.kind) {
			case STRING -> new Lit(Kind.STRING, unquote(t.text), t.text);
			case GUID -> new Lit(Kind.GUID, t.text.toLowerCase(Locale.ROOT), t.text);
			case DATETIME -> {
				try {
					yield new Lit(Kind.DATETIME, OffsetDateTime.parse(t.text).toInstant(), t.text);
				} catch (DateTimeParseException e) {
					throw error("not a date and time: " + t.text);
				}
			}
			case DATE -> {
				try {
					yield new Lit(Kind.DATE, LocalDate.parse(t.text), t.text);
				} catch (DateTimeParseException e) {
					throw error("not a date: " + t.text);
				}
			}
			case NUMBER -> new Lit(Kind.NUMBER, new BigDecimal(t.text.replaceAll("[mMdDlL]$", "")), t.text);
			case IDENT -> switch (t.text) {
				case "null" -> new Lit(Kind.IDENT, null, "null");
				case "true" -> new Lit(Kind.IDENT, Boolean.TRUE, "true");
				case "false" -> new Lit(Kind.IDENT, Boolean.FALSE, "false");
				default -> throw ApiError.query("Comparing two properties ('" + t.text
						+ "') is not supported in $filter by this server; compare a property with a literal");
			};
			default -> throw error("expected a literal but found '" + t.text + "'");
		};
	}

	private static String unquote(String s) {
		return s.substring(1, s.length() - 1).replace("''", "'");
	}

	private boolean isLiteralStart() {
		Tok t = peek();
		return switch (t.kind) {
			case STRING, GUID, DATETIME, DATE, NUMBER -> true;
			case IDENT -> t.text.equals("null") || t.text.equals("true") || t.text.equals("false");
			default -> false;
		};
	}

	private String comparison() {
		Attr a;
		String op;
		Lit v;
		if (isLiteralStart()) {
			v = literal();
			op = operator();
			a = property();
			op = switch (op) {
				case "gt" -> "lt";
				case "lt" -> "gt";
				case "ge" -> "le";
				case "le" -> "ge";
				default -> op;
			};
		} else {
			a = property();
			op = operator();
			v = literal();
		}
		String col = column(a);
		if (v.value == null) {
			return switch (op) {
				case "eq" -> "(" + col + " IS NULL)";
				case "ne" -> "(" + col + " IS NOT NULL)";
				default -> throw ApiError.query("'" + op + " null' is not meaningful; use eq null or ne null");
			};
		}
		if (a.type == Type.MEMO) {
			throw ApiError.query("The memo attribute '" + a.property() + "' can be filtered only with contains(),"
					+ " startswith(), endswith() or a null check");
		}
		params.add(value(a, v));
		String sqlOp = switch (op) {
			case "eq" -> "=";
			case "ne" -> "<>";
			case "gt" -> ">";
			case "ge" -> ">=";
			case "lt" -> "<";
			default -> "<=";
		};
		String cmp = a.type == Type.STRING ? text(a) : col;
		String mark = a.type == Type.STRING ? "LOWER(?)" : "?";
		if (op.equals("ne")) {
			return "(" + col + " IS NULL OR " + cmp + " <> " + mark + ")";
		}
		String sql = "(" + col + " IS NOT NULL AND " + cmp + " " + sqlOp + " " + mark + ")";
		simpleEq = op.equals("eq") ? cmp : null;
		simpleMark = mark;
		return sql;
	}

	private String operator() {
		Tok t = next();
		if (t.kind == Kind.IDENT) {
			switch (t.text) {
				case "eq", "ne", "gt", "ge", "lt", "le" -> {
					return t.text;
				}
				case "has", "in", "add", "sub", "mul", "div", "mod" -> throw ApiError
						.query("The operator '" + t.text + "' is not supported in $filter by this server");
				default -> {
					// fall through to the error below
				}
			}
		}
		throw error("expected a comparison operator (eq ne gt ge lt le) but found '" + t.text + "'");
	}

	private static ApiError mismatch(Attr a, Lit v) {
		return ApiError.query("A binary operator with incompatible types was detected: '" + a.property() + "' is "
				+ a.type.edm + " but " + v.text + " is not");
	}

	/** The literal as the attribute's stored form, or a clear error when its type does not fit. */
	private static Object value(Attr a, Lit v) {
		switch (a.type) {
			case STRING -> {
				if (v.kind != Kind.STRING) {
					throw mismatch(a, v);
				}
				return v.value;
			}
			case GUID, LOOKUP -> {
				if (v.kind == Kind.GUID) {
					return v.value;
				}
				if (v.kind == Kind.STRING && GUID.matcher((String) v.value).matches()) {
					return ((String) v.value).toLowerCase(Locale.ROOT);
				}
				throw mismatch(a, v);
			}
			case INT, CHOICE -> {
				if (v.kind != Kind.NUMBER) {
					throw mismatch(a, v);
				}
				try {
					return ((BigDecimal) v.value).intValueExact();
				} catch (ArithmeticException e) {
					throw mismatch(a, v);
				}
			}
			case BIGINT -> {
				if (v.kind != Kind.NUMBER) {
					throw mismatch(a, v);
				}
				try {
					return ((BigDecimal) v.value).longValueExact();
				} catch (ArithmeticException e) {
					throw mismatch(a, v);
				}
			}
			case DECIMAL -> {
				if (v.kind != Kind.NUMBER) {
					throw mismatch(a, v);
				}
				return v.value;
			}
			case BOOL -> {
				if (!(v.value instanceof Boolean)) {
					throw mismatch(a, v);
				}
				return v.value;
			}
			case DATETIME -> {
				if (v.kind == Kind.DATETIME) {
					return ((Instant) v.value).toEpochMilli();
				}
				if (v.kind == Kind.DATE) {
					return ((LocalDate) v.value).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli();
				}
				throw mismatch(a, v);
			}
			case DATE -> {
				if (v.kind != Kind.DATE) {
					throw mismatch(a, v);
				}
				return (int) ((LocalDate) v.value).toEpochDay();
			}
			default -> throw mismatch(a, v);
		}
	}
}
