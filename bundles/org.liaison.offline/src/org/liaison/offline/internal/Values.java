package org.liaison.offline.internal;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.liaison.api.crm.CrmRecord;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineException;
import org.liaison.offline.internal.Catalog.Column;
import org.liaison.offline.internal.Catalog.Type;

/**
 * Values between the Web API's JSON and the offline copy's text form (see
 * {@link org.liaison.api.offline.OfflineRecord}): one canonical text per value, so that equal values
 * compare equal in the 3-way merge whatever JSON type the server used for them.
 */
final class Values {

	static final ObjectMapper JSON = new ObjectMapper();
	private static final TypeReference<TreeMap<String, String>> FIELDS = new TypeReference<>() {
	};
	private static final TypeReference<List<Map<String, Object>>> PARTY_LIST = new TypeReference<>() {
	};
	private static final String LOGICAL = "@Microsoft.Dynamics.CRM.lookuplogicalname";

	private Values() {
	}

	// ---------------------------------------------------------------- from the CRM

	/** A record as the Web API gave it, in text form. */
	static TreeMap<String, String> fromCrm(OfflineEntity e, CrmRecord r) {
		TreeMap<String, String> out = new TreeMap<>();
		for (Column c : Catalog.columns(e)) {
			String v = switch (c.type()) {
				case LOOKUP -> lookup(c, r);
				case PARTIES -> parties(r.list(Catalog.partiesNav(e)));
				default -> text(c, r.values().get(c.property()));
			};
			if (v != null && !v.isEmpty()) {
				out.put(c.name(), v);
			}
		}
		return out;
	}

	private static String lookup(Column c, CrmRecord r) {
		String id = r.string(c.property());
		if (id == null) {
			return null;
		}
		String set = Catalog.setOf(r.string(c.property() + LOGICAL));
		if (set == null && c.targets().size() == 1) {
			set = c.targets().get(0);
		}
		return ref(set == null ? "unknown" : set, id);
	}

	static String ref(String set, String id) {
		return set + "(" + id.toLowerCase(java.util.Locale.ROOT) + ")";
	}

	private static String text(Column c, Object v) {
		if (v == null) {
			return null;
		}
		return switch (c.type()) {
			case INT -> v instanceof Number n ? Long.toString(n.longValue()) : v.toString();
			case DECIMAL -> decimal(v);
			case BOOL -> v instanceof Boolean b ? b.toString() : v.toString().toLowerCase(java.util.Locale.ROOT);
			case DATETIME -> instant(v.toString());
			default -> v.toString();
		};
	}

	private static String decimal(Object v) {
		BigDecimal d = v instanceof BigDecimal b ? b
				: v instanceof Double || v instanceof Float ? BigDecimal.valueOf(((Number) v).doubleValue())
						: new BigDecimal(v.toString());
		d = d.stripTrailingZeros();
		return d.signum() == 0 ? "0" : d.toPlainString();
	}

	private static String instant(String s) {
		if (canonicalUtc(s)) {
			// already what Instant.toString() makes of it (the Web API's usual form): parsing it costs more
			// than the rest of a record's conversion; a shape-right but impossible date stays as it is,
			// as the parse below would leave it
			return s;
		}
		try {
			return OffsetDateTime.parse(s).toInstant().toString();
		} catch (DateTimeParseException e) {
			return s;
		}
	}

	/** Whether {@code s} has the form {@code yyyy-MM-ddTHH:mm:ssZ}. */
	private static boolean canonicalUtc(String s) {
		if (s.length() != 20 || s.charAt(19) != 'Z') {
			return false;
		}
		for (int i = 0; i < 19; i++) {
			char ch = s.charAt(i);
			char want = i == 4 || i == 7 ? '-' : i == 10 ? 'T' : i == 13 || i == 16 ? ':' : '0';
			if (want == '0' ? ch < '0' || ch > '9' : ch != want) {
				return false;
			}
		}
		return true;
	}

	/** An activity's parties as canonical JSON: sorted, with the party as {@code set(id)}. */
	static String parties(List<Map<String, Object>> list) {
		if (list.isEmpty()) {
			return null;
		}
		List<Map<String, Object>> out = new ArrayList<>();
		for (Map<String, Object> p : list) {
			Map<String, Object> m = new LinkedHashMap<>();
			Object mask = p.get("participationtypemask");
			m.put("participationtypemask", mask instanceof Number n ? n.intValue() : mask);
			Object party = p.get("_partyid_value");
			if (party != null) {
				String set = Catalog.setOf((String) p.get("_partyid_value" + LOGICAL));
				m.put("partyid", ref(set == null ? "unknown" : set, party.toString()));
			}
			if (p.get("addressused") != null) {
				m.put("addressused", p.get("addressused"));
			}
			out.add(m);
		}
		out.sort(Comparator.comparing((Map<String, Object> m) -> String.valueOf(m.get("participationtypemask")))
				.thenComparing(m -> String.valueOf(m.get("partyid"))).thenComparing(m -> String.valueOf(m.get("addressused"))));
		return write(out);
	}

	// ---------------------------------------------------------------- checks of offline input

	/** Checks a value the user set offline; returns its canonical form (null: no value). */
	static String check(OfflineEntity e, String field, String value) throws OfflineException {
		Column c = Catalog.column(e, field);
		if (c == null) {
			throw new OfflineException("a " + e.logicalName() + " has no field '" + field + "' offline");
		}
		if (c.readOnly()) {
			throw new OfflineException("the field '" + field + "' of a " + e.logicalName() + " is set by the CRM");
		}
		if (value == null || value.isEmpty()) {
			return null;
		}
		String v = value;
		try {
			return switch (c.type()) {
				case STRING, MEMO -> v;
				case INT -> Long.toString(Long.parseLong(v.trim()));
				case DECIMAL -> decimal(new BigDecimal(v.trim()));
				case BOOL -> {
					String b = v.trim().toLowerCase(java.util.Locale.ROOT);
					if (!b.equals("true") && !b.equals("false")) {
						throw new IllegalArgumentException("true or false");
					}
					yield b;
				}
				case DATETIME -> {
					try {
						yield Instant.parse(v.trim()).toString();
					} catch (DateTimeParseException x) {
						yield OffsetDateTime.parse(v.trim()).toInstant().toString();
					}
				}
				case DATE -> LocalDate.parse(v.trim()).toString();
				case LOOKUP -> {
					String[] r = parseRef(v.trim());
					if (r == null || !c.targets().contains(r[0])) {
						throw new IllegalArgumentException("a reference such as " + c.targets().get(0)
								+ "(00000000-0000-0000-0000-000000000000) to one of " + c.targets());
					}
					yield ref(r[0], r[1]);
				}
				case PARTIES -> {
					List<Map<String, Object>> parsed = JSON.readValue(v, PARTY_LIST);
					List<Map<String, Object>> norm = new ArrayList<>();
					for (Map<String, Object> p : parsed) {
						Map<String, Object> m = new LinkedHashMap<>();
						m.put("participationtypemask", p.get("participationtypemask"));
						if (p.get("partyid") != null) {
							String[] r = parseRef(p.get("partyid").toString());
							if (r == null || !c.targets().contains(r[0])) {
								throw new IllegalArgumentException("parties point to " + c.targets());
							}
							m.put("_partyid_value", r[1]);
							m.put("_partyid_value" + LOGICAL, Catalog.logicalOf(r[0]));
						}
						m.put("addressused", p.get("addressused"));
						norm.add(m);
					}
					yield parties(norm);
				}
			};
		} catch (IOException | RuntimeException x) {
			throw new OfflineException("'" + value + "' is not a value for the field '" + field + "' of a "
					+ e.logicalName() + " (" + c.type().name().toLowerCase(java.util.Locale.ROOT) + "): "
					+ (x.getMessage() == null ? x.toString() : x.getMessage()), x);
		}
	}

	/** {@code set(id)} as {set, id}, or null. */
	static String[] parseRef(String v) {
		int open = v.indexOf('(');
		if (open <= 0 || !v.endsWith(")")) {
			return null;
		}
		try {
			String id = UUID.fromString(v.substring(open + 1, v.length() - 1)).toString();
			return new String[] { v.substring(0, open), id };
		} catch (IllegalArgumentException e) {
			return null;
		}
	}

	// ---------------------------------------------------------------- to the CRM

	/**
	 * The JSON payload writing {@code fields} (text form; a missing value clears the field). {@code before}
	 * gives the old value of cleared polymorphic lookups, whose navigation property names the old target.
	 */
	static Map<String, Object> toCrm(OfflineEntity e, Map<String, String> fields, Map<String, String> before) {
		Map<String, Object> out = new LinkedHashMap<>();
		for (Map.Entry<String, String> f : fields.entrySet()) {
			Column c = Catalog.column(e, f.getKey());
			if (c == null || c.readOnly()) {
				continue;
			}
			String v = f.getValue();
			if (c.type() == Type.LOOKUP) {
				String[] r = parseRef(v == null ? String.valueOf(before.get(c.name())) : v);
				String target = r == null ? c.targets().get(0) : r[0];
				out.put(nav(e, c, target) + "@odata.bind", v == null ? null : "/" + r[0] + "(" + r[1] + ")");
				continue;
			}
			if (c.type() == Type.PARTIES) {
				out.put(Catalog.partiesNav(e), v == null ? List.of() : partiesToCrm(v));
				continue;
			}
			out.put(c.name(), v == null ? null : switch (c.type()) {
				case INT -> Long.parseLong(v);
				case DECIMAL -> new BigDecimal(v);
				case BOOL -> Boolean.parseBoolean(v);
				default -> v;
			});
		}
		return out;
	}

	/** The navigation property of a lookup: {@code x}, or for lookups to several types {@code x_target[_entity]}. */
	private static String nav(OfflineEntity e, Column c, String targetSet) {
		if (c.targets().size() == 1) {
			return c.name();
		}
		String logical = Catalog.logicalOf(targetSet);
		return c.name().equals("regardingobjectid") ? c.name() + "_" + logical + "_" + e.logicalName()
				: c.name() + "_" + logical;
	}

	private static List<Map<String, Object>> partiesToCrm(String json) {
		List<Map<String, Object>> out = new ArrayList<>();
		try {
			for (Map<String, Object> p : JSON.readValue(json, PARTY_LIST)) {
				Map<String, Object> m = new LinkedHashMap<>();
				m.put("participationtypemask", p.get("participationtypemask"));
				if (p.get("addressused") != null) {
					m.put("addressused", p.get("addressused"));
				}
				String[] r = p.get("partyid") == null ? null : parseRef(p.get("partyid").toString());
				if (r != null) {
					m.put("partyid_" + Catalog.logicalOf(r[0]) + "@odata.bind", "/" + r[0] + "(" + r[1] + ")");
				}
				out.add(m);
			}
		} catch (IOException ex) {
			throw new IllegalStateException("the parties kept offline are not JSON: " + ex.getMessage(), ex);
		}
		return out;
	}

	// ---------------------------------------------------------------- storage

	static String write(Object o) {
		try {
			return JSON.writeValueAsString(o);
		} catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	static TreeMap<String, String> readFields(String json) {
		if (json == null) {
			return null;
		}
		try {
			return JSON.readValue(json, FIELDS);
		} catch (IOException e) {
			throw new IllegalStateException("a record in the offline store is not readable: " + e.getMessage(), e);
		}
	}

	/** The entity sets and ids a record points to (its lookups and parties), as {@code set(id)}. */
	static List<String> references(OfflineEntity e, SortedMap<String, String> fields) {
		List<String> out = new ArrayList<>();
		for (Column c : Catalog.columns(e)) {
			String v = fields.get(c.name());
			if (v == null || c.readOnly()) {
				continue;
			}
			if (c.type() == Type.LOOKUP) {
				out.add(v);
			} else if (c.type() == Type.PARTIES) {
				try {
					for (Map<String, Object> p : JSON.readValue(v, PARTY_LIST)) {
						Object party = p.get("partyid");
						if (party != null) {
							out.add(party.toString());
						}
					}
				} catch (IOException ex) {
					// not JSON: no references
				}
			}
		}
		return out;
	}
}
