package org.liaison.crm.server.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.liaison.crm.server.internal.Records.Ref;
import org.liaison.crm.server.internal.Schema.Attr;
import org.liaison.crm.server.internal.Schema.Entity;
import org.liaison.crm.server.internal.Schema.Type;

/** Entity JSON in the Web API's shape, both ways, with the payload checks Dynamics makes. */
final class Json {

	static final ObjectMapper MAPPER;
	static {
		JsonFactory f = JsonFactory.builder()
				.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(4_000_000).build())
				.build();
		MAPPER = new ObjectMapper(f);
		MAPPER.enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
		MAPPER.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
	}

	/** A decoded payload: attribute values, and for activities the parties (null: not given). */
	record Payload(Map<String, Object> values, List<Map<String, Object>> parties) {
	}

	private Json() {
	}

	static ObjectNode object(byte[] body, String what) {
		if (body.length == 0) {
			throw ApiError.payload("The request body is empty; " + what + " needs a JSON object");
		}
		JsonNode n;
		try {
			n = MAPPER.readTree(body);
		} catch (IOException e) {
			String msg = e.getMessage();
			int cut = msg == null ? -1 : msg.indexOf("\n at [Source");
			throw ApiError.payload("The request body is not valid JSON: " + (cut > 0 ? msg.substring(0, cut) : msg));
		}
		if (!(n instanceof ObjectNode o)) {
			throw ApiError.payload("The request body must be a JSON object, not " + (n == null ? "nothing" : n.getNodeType()));
		}
		return o;
	}

	static String format(Instant t) {
		return t.truncatedTo(ChronoUnit.SECONDS).toString();
	}

	/** Decodes a create or update payload for {@code e}; {@code resolve} turns a bind value into a Ref. */
	static Payload decode(Schema schema, Entity e, ObjectNode body, Function<String, Ref> resolve, boolean create) {
		Map<String, Object> values = new LinkedHashMap<>();
		List<Map<String, Object>> parties = null;
		var it = body.fields();
		while (it.hasNext()) {
			var f = it.next();
			String name = f.getKey();
			JsonNode v = f.getValue();
			if (name.startsWith("@odata.") || name.equals("@odata.etag")) {
				continue;
			}
			if (name.endsWith("@odata.bind")) {
				Attr a = bindTarget(schema, e, name.substring(0, name.length() - "@odata.bind".length()));
				values.put(a.name, bindValue(a, v, resolve, name));
				continue;
			}
			if (name.contains("@")) {
				throw ApiError.payload("The annotation '" + name + "' is not accepted in a payload");
			}
			if (e.partiesNav != null && name.equals(e.partiesNav)) {
				parties = decodeParties(schema, v, resolve);
				continue;
			}
			if (name.startsWith("_") && name.endsWith("_value")) {
				String l = name.substring(1, name.length() - 6);
				throw ApiError.payload("An undeclared property '" + name + "' is in the payload: lookups are written as '"
						+ l + "@odata.bind' with a value such as \"/" + target(e, l) + "(00000000-0000-0000-0000-000000000000)\"");
			}
			Attr a = e.attr(name);
			if (a == null || a.type == Type.LOOKUP) {
				throw ApiError.payload("Error identified in Payload provided by the user for Entity :'" + e.set
						+ "': The property '" + name + "' does not exist on type 'Microsoft.Dynamics.CRM." + e.logical
						+ "'. Make sure to only use property names that are defined by the type.");
			}
			if (a.readOnly && !(create && a.name.equals(e.key))) {
				if (a.name.equals(e.key)) {
					values.put(a.name, guid(v, name));
					continue;
				}
				throw ApiError.payload("The property '" + name + "' of '" + e.logical + "' is read-only and cannot be set");
			}
			values.put(a.name, value(a, v));
		}
		return new Payload(values, parties);
	}

	private static String target(Entity e, String lookup) {
		Attr a = e.attr(lookup);
		return a == null || a.targets == null ? "entityset" : a.targets.get(0);
	}

	/** The lookup a bind property names: {@code x}, {@code x_target} or {@code x_target_entity}. */
	static Attr bindTarget(Schema schema, Entity e, String nav) {
		Attr a = e.attr(nav);
		if (a != null && a.type == Type.LOOKUP) {
			return a;
		}
		for (Attr l : e.attrs.values()) {
			if (l.type != Type.LOOKUP || !nav.startsWith(l.name + "_")) {
				continue;
			}
			String rest = nav.substring(l.name.length() + 1);
			for (String t : l.targets) {
				String logical = schema.bySet(t).logical;
				if (rest.equals(logical) || rest.equals(logical + "_" + e.logical)) {
					return l;
				}
			}
		}
		throw ApiError.payload("Error identified in Payload provided by the user for Entity :'" + e.set
				+ "': there is no navigation property '" + nav + "' on type 'Microsoft.Dynamics.CRM." + e.logical + "'");
	}

	private static Object bindValue(Attr a, JsonNode v, Function<String, Ref> resolve, String name) {
		if (v.isNull()) {
			return null;
		}
		if (!v.isTextual()) {
			throw ApiError.payload("The value of '" + name + "' must be a record URL such as \"/"
					+ a.targets.get(0) + "(id)\"");
		}
		Ref r = resolve.apply(v.asText());
		if (r == null) {
			throw ApiError.payload("The value of '" + name + "' is not a record URL: " + v.asText());
		}
		return r;
	}

	private static List<Map<String, Object>> decodeParties(Schema schema, JsonNode v, Function<String, Ref> resolve) {
		if (!v.isArray()) {
			throw ApiError.payload("Activity parties must be a JSON array of objects");
		}
		Entity p = schema.bySet(Schema.PARTY_SET);
		List<Map<String, Object>> out = new ArrayList<>();
		for (JsonNode n : v) {
			if (!(n instanceof ObjectNode o)) {
				throw ApiError.payload("Each activity party must be a JSON object");
			}
			Payload d = decode(schema, p, o, resolve, true);
			if (d.values.containsKey("activityid") || d.values.containsKey(p.key)) {
				throw ApiError.payload("An activity party inside an activity cannot name its activity or its own id");
			}
			if (!(d.values.get("participationtypemask") instanceof Integer)) {
				throw ApiError.payload("Each activity party needs a participationtypemask (1 sender, 2 to, 3 cc, 4 bcc,"
						+ " 5 required, 6 optional, 7 organizer, 8 regarding, 9 owner, 11 customer)");
			}
			if (d.values.get("partyid") == null && d.values.get("addressused") == null) {
				throw ApiError.payload("Each activity party needs a partyid_...@odata.bind or an addressused");
			}
			out.add(d.values);
		}
		return out;
	}

	private static String guid(JsonNode v, String name) {
		if (!v.isTextual()) {
			throw ApiError.payload("Cannot convert the literal '" + v + "' to the expected type 'Edm.Guid' of '" + name + "'");
		}
		try {
			return java.util.UUID.fromString(v.asText()).toString();
		} catch (IllegalArgumentException ex) {
			throw ApiError.payload("Cannot convert the literal '" + v.asText() + "' to the expected type 'Edm.Guid' of '"
					+ name + "'");
		}
	}

	static Object value(Attr a, JsonNode v) {
		if (v == null || v.isNull()) {
			return null;
		}
		switch (a.type) {
			case STRING, MEMO -> {
				if (!v.isTextual()) {
					throw wrong(a, v);
				}
				String s = v.asText();
				if (s.length() > a.max) {
					throw new ApiError(400, ApiError.LENGTH, "A validation error occurred. The length of the '" + a.name
							+ "' attribute of the '" + a.entity.logical + "' entity exceeded the maximum allowed length of '"
							+ a.max + "'.");
				}
				return s;
			}
			case GUID -> {
				return guid(v, a.name);
			}
			case INT, CHOICE -> {
				if (!v.isIntegralNumber() || !v.canConvertToInt()) {
					throw wrong(a, v);
				}
				int n = v.intValue();
				if (a.type == Type.CHOICE && !a.choices.contains(n)) {
					throw new ApiError(400, ApiError.CHOICE, n + " is not a valid value for the option set '" + a.name
							+ "' of '" + a.entity.logical + "' (valid: " + new java.util.TreeSet<>(a.choices) + ")");
				}
				return n;
			}
			case DECIMAL -> {
				if (!v.isNumber()) {
					throw wrong(a, v);
				}
				return v.decimalValue();
			}
			case BOOL -> {
				if (!v.isBoolean()) {
					throw wrong(a, v);
				}
				return v.booleanValue();
			}
			case DATETIME -> {
				if (!v.isTextual()) {
					throw wrong(a, v);
				}
				try {
					return OffsetDateTime.parse(v.asText()).toInstant().truncatedTo(ChronoUnit.SECONDS);
				} catch (DateTimeParseException ex) {
					try {
						return LocalDate.parse(v.asText()).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
					} catch (DateTimeParseException ex2) {
						throw wrong(a, v);
					}
				}
			}
			case DATE -> {
				if (!v.isTextual()) {
					throw wrong(a, v);
				}
				try {
					return LocalDate.parse(v.asText());
				} catch (DateTimeParseException ex) {
					throw wrong(a, v);
				}
			}
			default -> throw wrong(a, v);
		}
	}

	/** Built only when thrown: a value is converted for every attribute of every record written. */
	private static ApiError wrong(Attr a, JsonNode v) {
		return ApiError.payload("Cannot convert the literal '" + (v.isTextual() ? v.asText() : v.toString())
				+ "' to the expected type '" + a.type.edm + "' of the property '" + a.name + "' of '" + a.entity.logical + "'");
	}

	/** Writes one record; {@code select} null means all attributes. */
	static void writeRecord(JsonGenerator g, Entity e, Map<String, Object> row, Collection<Attr> select,
			boolean lookupTypes, List<Map<String, Object>> parties, Collection<Attr> partySelect, Entity partyEntity)
			throws IOException {
		writeRecordWithContext(g, null, e, row, select, lookupTypes, parties, partySelect, partyEntity);
	}

	static void writeRecordWithContext(JsonGenerator g, String context, Entity e, Map<String, Object> row,
			Collection<Attr> select, boolean lookupTypes, List<Map<String, Object>> parties, Collection<Attr> partySelect,
			Entity partyEntity) throws IOException {
		g.writeStartObject();
		if (context != null) {
			g.writeStringField("@odata.context", context);
		}
		g.writeStringField("@odata.etag", etag((Long) row.get("versionnumber")));
		boolean keyWritten = false;
		for (Attr a : select == null ? e.attrs.values() : select) {
			writeAttr(g, a, row.get(a.name), lookupTypes);
			keyWritten |= a.name.equals(e.key);
		}
		if (!keyWritten) {
			g.writeStringField(e.key, (String) row.get(e.key));
		}
		if (parties != null) {
			g.writeArrayFieldStart(e.partiesNav);
			for (Map<String, Object> p : parties) {
				g.writeStartObject();
				boolean pk = false;
				for (Attr a : partySelect == null ? partyEntity.attrs.values() : partySelect) {
					writeAttr(g, a, p.get(a.name), lookupTypes);
					pk |= a.name.equals(partyEntity.key);
				}
				if (!pk) {
					g.writeStringField(partyEntity.key, (String) p.get(partyEntity.key));
				}
				g.writeEndObject();
			}
			g.writeEndArray();
		}
		g.writeEndObject();
	}

	static String etag(Long version) {
		return "W/\"" + version + "\"";
	}

	private static void writeAttr(JsonGenerator g, Attr a, Object v, boolean lookupTypes) throws IOException {
		String p = a.property();
		if (v == null) {
			g.writeNullField(p);
			return;
		}
		switch (a.type) {
			case LOOKUP -> {
				Ref r = (Ref) v;
				g.writeStringField(p, r.id());
				if (lookupTypes) {
					g.writeStringField(p + "@Microsoft.Dynamics.CRM.lookuplogicalname", r.logical());
				}
			}
			case INT, CHOICE -> g.writeNumberField(p, (Integer) v);
			case BIGINT -> g.writeNumberField(p, (Long) v);
			case DECIMAL -> g.writeNumberField(p, (BigDecimal) v);
			case BOOL -> g.writeBooleanField(p, (Boolean) v);
			case DATETIME -> g.writeStringField(p, format((Instant) v));
			case DATE -> g.writeStringField(p, v.toString());
			default -> g.writeStringField(p, (String) v);
		}
	}

	/** A JSON document built by {@code body}. */
	static byte[] write(IoConsumer<JsonGenerator> body) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(512);
		try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
			body.accept(g);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return out.toByteArray();
	}

	interface IoConsumer<T> {
		void accept(T t) throws IOException;
	}

	static byte[] error(String code, String message) {
		return write(g -> {
			g.writeStartObject();
			g.writeObjectFieldStart("error");
			g.writeStringField("code", code);
			g.writeStringField("message", message);
			g.writeEndObject();
			g.writeEndObject();
		});
	}

	static String lower(String s) {
		return s == null ? null : s.toLowerCase(Locale.ROOT);
	}
}
