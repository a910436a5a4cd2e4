package org.liaison.crm.server.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.liaison.crm.server.internal.Db.Tx;
import org.liaison.crm.server.internal.Http.Req;
import org.liaison.crm.server.internal.Http.Res;
import org.liaison.crm.server.internal.Records.Ref;
import org.liaison.crm.server.internal.Schema.Entity;

/**
 * Email delivery for tracking, in the Dynamics shape: {@code DeliverIncomingEmail} makes one CRM
 * email per Message-ID (a second delivery returns the first), and {@code CheckIncomingEmail} says
 * whether a message would be taken, with the Dynamics ReasonCode values.
 */
final class Actions {

	static final int UNKNOWN = -1;
	static final int DUPLICATE = 0;
	static final int NO_CORRELATION_MATCH = 1;
	static final int CORRELATION_MATCH = 2;
	static final int NO_RECIPIENT_MATCH = 3;
	static final int INTERNAL_EMAIL_REJECT = 4;
	static final int SENDER_MATCH = 5;
	static final int ACCEPT_ALL = 6;
	static final int INVALID_SENDER = 7;

	private static final Pattern TOKEN = Pattern.compile("CRM:\\d{7,}");
	private static final Pattern PARAM = Pattern.compile("\\s*([A-Za-z]+)\\s*=\\s*('(?:[^']|'')*'|@[A-Za-z0-9_]+|null)\\s*");

	private final WebApi api;

	Actions(WebApi api) {
		this.api = api;
	}

	/** The record an address resolves to, in the order users, contacts, accounts, leads; null if none or ambiguous. */
	Ref resolve(Connection c, String address) throws SQLException {
		if (address == null || address.isBlank()) {
			return null;
		}
		String a = address.trim().toLowerCase(Locale.ROOT);
		String[][] order = { { "systemusers", "internalemailaddress" },
				{ "contacts", "emailaddress1", "emailaddress2", "emailaddress3" }, { "accounts", "emailaddress1" },
				{ "leads", "emailaddress1" } };
		for (String[] o : order) {
			Entity e = api.schema.bySet(o[0]);
			StringBuilder where = new StringBuilder();
			for (int i = 1; i < o.length; i++) {
				where.append(i == 1 ? "" : " OR ").append(Db.q(o[i] + "_lc")).append(" = ?");
			}
			List<String> ids = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT " + Db.q(e.key) + " FROM " + e.table() + " WHERE " + where + " FETCH FIRST 2 ROWS ONLY")) {
				for (int i = 1; i < o.length; i++) {
					ps.setString(i, a);
				}
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						ids.add(rs.getString(1));
					}
				}
			}
			if (ids.size() == 1) {
				return new Ref(e.logical, ids.get(0));
			}
			if (ids.size() > 1) {
				return null;
			}
		}
		return null;
	}

	private String emailByMessageId(Connection c, String messageId) throws SQLException {
		return firstId(c, "emails", "messageid", messageId);
	}

	private String firstId(Connection c, String set, String column, String value) throws SQLException {
		Entity e = api.schema.bySet(set);
		try (PreparedStatement ps = c.prepareStatement("SELECT " + Db.q(e.key) + " FROM " + e.table() + " WHERE "
				+ Db.q(column + "_lc") + " = ? ORDER BY seq FETCH FIRST 1 ROWS ONLY")) {
			ps.setString(1, value.toLowerCase(Locale.ROOT));
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() ? rs.getString(1) : null;
			}
		}
	}

	static List<String> addresses(String list) {
		List<String> out = new ArrayList<>();
		if (list == null) {
			return out;
		}
		for (String s : list.split("[;,]")) {
			String t = s.trim();
			int lt = t.indexOf('<');
			if (lt >= 0 && t.endsWith(">")) {
				t = t.substring(lt + 1, t.length() - 1).trim();
			}
			if (!t.isEmpty()) {
				out.add(t);
			}
		}
		return out;
	}

	private static String text(ObjectNode b, String name) {
		JsonNode n = b.get(name);
		if (n == null || n.isNull()) {
			return null;
		}
		if (!n.isTextual()) {
			throw ApiError.payload("The parameter '" + name + "' must be a string");
		}
		return n.asText();
	}

	Res deliver(Req req, Principal who, Tx outer) throws SQLException {
		ObjectNode b = Json.object(req.body(), "DeliverIncomingEmail");
		for (var it = b.fieldNames(); it.hasNext();) {
			String f = it.next();
			if (!List.of("MessageId", "Subject", "From", "To", "Cc", "Bcc", "ReceivedOn", "SubmittedBy", "Importance",
					"Body", "Attachments", "ExtraProperties", "ValidateBeforeCreate").contains(f)) {
				throw ApiError.payload("DeliverIncomingEmail has no parameter '" + f + "'");
			}
		}
		String messageId = text(b, "MessageId");
		if (messageId == null || messageId.isBlank()) {
			throw ApiError.payload("DeliverIncomingEmail needs a MessageId");
		}
		String subject = text(b, "Subject");
		String received = text(b, "ReceivedOn");
		Instant on;
		try {
			on = received == null ? Instant.now() : OffsetDateTime.parse(received).toInstant();
		} catch (RuntimeException e) {
			throw ApiError.payload("ReceivedOn is not a date and time: " + received);
		}
		String body = text(b, "Body");
		Entity email = api.schema.bySet("emails");
		if (subject != null && subject.length() > email.attr("subject").max) {
			subject = subject.substring(0, email.attr("subject").max);
		}
		String subj = subject;
		String id = api.inTx(outer, tx -> {
			tx.forWrite();
			String existing = emailByMessageId(tx.c, messageId);
			if (existing != null) {
				return existing;
			}
			String newId = UUID.randomUUID().toString();
			long version = tx.nextVersion();
			Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
			Ref me = new Ref("systemuser", who.userId());
			Map<String, Object> v = new LinkedHashMap<>();
			v.put("activityid", newId);
			v.put("subject", subj);
			v.put("description", body);
			v.put("messageid", messageId);
			v.put("senton", on.truncatedTo(ChronoUnit.SECONDS));
			v.put("directioncode", Boolean.FALSE);
			v.put("statecode", 1);
			v.put("statuscode", 4);
			v.put("trackingtoken", String.format(Locale.ROOT, "CRM:%07d", version));
			v.put("ownerid", me);
			v.put("versionnumber", version);
			v.put("createdon", now);
			v.put("modifiedon", now);
			v.put("createdby", me);
			v.put("modifiedby", me);
			Matcher m = subj == null ? null : TOKEN.matcher(subj);
			if (m != null && m.find()) {
				String related = firstId(tx.c, "emails", "trackingtoken", m.group());
				if (related != null) {
					Object reg = api.records.get(tx.c, email, related).get("regardingobjectid");
					if (reg != null) {
						v.put("regardingobjectid", reg);
					}
				}
			}
			api.records.insert(tx.c, email, v);
			List<Map<String, Object>> parties = new ArrayList<>();
			addParties(tx.c, parties, text(b, "From"), 1);
			addParties(tx.c, parties, text(b, "To"), 2);
			addParties(tx.c, parties, text(b, "Cc"), 3);
			addParties(tx.c, parties, text(b, "Bcc"), 4);
			api.writeParties(tx, email, newId, parties, version, now, me);
			return newId;
		});
		return Http.json(200, Json.write(g -> {
			g.writeStartObject();
			g.writeStringField("@odata.context", api.root() + "$metadata#Microsoft.Dynamics.CRM.DeliverIncomingEmailResponse");
			g.writeStringField("EmailId", id);
			g.writeEndObject();
		}));
	}

	private void addParties(Connection c, List<Map<String, Object>> parties, String list, int mask) throws SQLException {
		for (String a : addresses(list)) {
			Map<String, Object> p = new LinkedHashMap<>();
			p.put("addressused", a);
			p.put("participationtypemask", mask);
			Ref r = resolve(c, a);
			if (r != null) {
				p.put("partyid", r);
			}
			parties.add(p);
		}
	}

	Res check(Req req, Principal who, Tx outer) throws SQLException {
		String path = req.path();
		Map<String, String> query = Http.params(req.query());
		String inner = path.substring("CheckIncomingEmail(".length());
		if (!inner.endsWith(")")) {
			throw ApiError.query("Syntax error in the CheckIncomingEmail call: " + path);
		}
		inner = Http.decode(inner.substring(0, inner.length() - 1));
		Map<String, String> args = new LinkedHashMap<>();
		Matcher m = PARAM.matcher(inner);
		int pos = 0;
		while (pos < inner.length()) {
			if (!m.find(pos) || m.start() != pos) {
				throw ApiError.query("Syntax error in the CheckIncomingEmail parameters at: " + inner.substring(pos));
			}
			String v = m.group(2);
			if (v.startsWith("@")) {
				String alias = query.get(v);
				if (alias == null) {
					throw ApiError.query("The parameter alias " + v + " has no value in the query string");
				}
				v = alias.trim();
			}
			args.put(m.group(1), v.equals("null") ? null : v.startsWith("'") && v.endsWith("'") && v.length() >= 2
					? v.substring(1, v.length() - 1).replace("''", "'") : v);
			pos = m.end();
			if (pos < inner.length()) {
				if (inner.charAt(pos) != ',') {
					throw ApiError.query("Syntax error in the CheckIncomingEmail parameters at: " + inner.substring(pos));
				}
				pos++;
			}
		}
		for (String k : args.keySet()) {
			if (!List.of("MessageId", "Subject", "From", "To", "Cc", "Bcc", "ExtraProperties").contains(k)) {
				throw ApiError.query("CheckIncomingEmail has no parameter '" + k + "'");
			}
		}
		int[] result = api.inTx(outer, tx -> decide(tx.c, args));
		return Http.json(200, Json.write(g -> {
			g.writeStartObject();
			g.writeStringField("@odata.context", api.root() + "$metadata#Microsoft.Dynamics.CRM.CheckIncomingEmailResponse");
			g.writeNumberField("ReasonCode", result[1]);
			g.writeBooleanField("ShouldDeliver", result[0] == 1);
			g.writeEndObject();
		}));
	}

	private int[] decide(Connection c, Map<String, String> args) throws SQLException {
		String messageId = args.get("MessageId");
		if (messageId != null && emailByMessageId(c, messageId) != null) {
			return new int[] { 0, DUPLICATE };
		}
		List<String> from = addresses(args.get("From"));
		if (from.size() != 1 || !from.get(0).contains("@")) {
			return new int[] { 0, INVALID_SENDER };
		}
		String subject = args.get("Subject");
		boolean tokenUnmatched = false;
		Matcher m = subject == null ? null : TOKEN.matcher(subject);
		if (m != null && m.find()) {
			if (firstId(c, "emails", "trackingtoken", m.group()) != null) {
				return new int[] { 1, CORRELATION_MATCH };
			}
			tokenUnmatched = true;
		}
		List<String> recipients = new ArrayList<>(addresses(args.get("To")));
		recipients.addAll(addresses(args.get("Cc")));
		recipients.addAll(addresses(args.get("Bcc")));
		List<String> users = new ArrayList<>();
		boolean allUsers = true;
		for (String r : recipients) {
			Ref ref = resolve(c, r);
			if (ref != null && ref.logical().equals("systemuser")) {
				users.add(ref.id());
			} else {
				allUsers = false;
			}
		}
		if (users.isEmpty()) {
			return new int[] { 0, NO_RECIPIENT_MATCH };
		}
		Ref sender = resolve(c, from.get(0));
		if (sender != null && sender.logical().equals("systemuser") && allUsers) {
			return new int[] { 0, INTERNAL_EMAIL_REJECT };
		}
		Entity mb = api.schema.bySet("mailboxes");
		boolean senderMatters = false;
		for (String u : users) {
			try (PreparedStatement ps = c.prepareStatement("SELECT " + Db.q("incomingemailfilteringmethod") + " FROM "
					+ mb.table() + " WHERE " + Db.q("regardingobjectid_v") + " = ?")) {
				ps.setString(1, u);
				try (ResultSet rs = ps.executeQuery()) {
					if (rs.next()) {
						int method = rs.getInt(1);
						if (method == 0) {
							return new int[] { 1, ACCEPT_ALL };
						}
						senderMatters |= method == 2 || method == 3;
					}
				}
			}
		}
		if (senderMatters && sender != null && !sender.logical().equals("systemuser")) {
			return new int[] { 1, SENDER_MATCH };
		}
		return new int[] { 0, tokenUnmatched ? NO_CORRELATION_MATCH : UNKNOWN };
	}
}
