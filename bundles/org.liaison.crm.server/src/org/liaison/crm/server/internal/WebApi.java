package org.liaison.crm.server.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.liaison.crm.server.internal.Db.Tx;
import org.liaison.crm.server.internal.Http.Req;
import org.liaison.crm.server.internal.Http.Res;
import org.liaison.crm.server.internal.Json.Payload;
import org.liaison.crm.server.internal.Records.Ref;
import org.liaison.crm.server.internal.Schema.Attr;
import org.liaison.crm.server.internal.Schema.Entity;
import org.liaison.crm.server.internal.Schema.Type;

/**
 * The Web API below {@code /api/data/v9.2/}: entity sets, records, queries, change tracking and the
 * functions and actions Liaison uses. Requests arrive already authenticated; batches pass their
 * own transaction so that a change set commits or rolls back whole.
 */
final class WebApi {

	static final int MAX_PAGE = 5000;
	private static final Pattern KEYED = Pattern.compile("([A-Za-z_]+)\\(([^)]*)\\)(?:/([A-Za-z_]+))?");
	private static final Pattern GUID = Pattern
			.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
	private static final DateTimeFormatter TOKEN_TIME = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss", Locale.ROOT);

	final Schema schema;
	final Db db;
	final Records records;
	private final String root;
	/** The service root as the client of the request in hand addressed it (its Host header), or null. */
	static final ThreadLocal<String> REQUEST_ROOT = new ThreadLocal<>();
	volatile long retentionMillis = 90L * 24 * 3600 * 1000;

	WebApi(Db db, String root) {
		this.db = db;
		this.schema = db.schema;
		this.records = new Records(schema);
		this.root = root;
	}

	/**
	 * The service root for links and contexts: as the client addressed the server (a proxy or a port
	 * forward in between keeps its links followable), else the server's own.
	 */
	String root() {
		String r = REQUEST_ROOT.get();
		return r != null ? r : root;
	}

	/** Work inside a transaction: the batch's own, or a new one committed at the end. */
	interface Work<T> {
		T run(Tx tx) throws SQLException;
	}

	<T> T inTx(Tx outer, Work<T> work) throws SQLException {
		if (outer != null) {
			return work.run(outer);
		}
		try (Tx tx = db.begin()) {
			T t = work.run(tx);
			tx.commit();
			return t;
		}
	}

	Res dispatch(Req req, Principal who, Tx tx, Map<String, String> contentIds) throws SQLException {
		String path = req.path();
		if (path.startsWith("$") && contentIds != null && contentIds.containsKey(path.replaceAll("/.*", ""))) {
			String id = path.replaceAll("/.*", "");
			path = contentIds.get(id) + path.substring(id.length());
		}
		if (path.isEmpty()) {
			return serviceDocument();
		}
		if (path.equals("WhoAmI") || path.equals("WhoAmI()")) {
			requireMethod(req, "GET");
			return whoAmI(who);
		}
		if (path.equals("DeliverIncomingEmail")) {
			requireMethod(req, "POST");
			return new Actions(this).deliver(req, who, tx);
		}
		if (path.startsWith("CheckIncomingEmail(")) {
			requireMethod(req, "GET");
			return new Actions(this).check(req, who, tx);
		}
		if (path.equals("$metadata")) {
			return Metadata.document(schema);
		}
		Matcher m = KEYED.matcher(path);
		if (m.matches()) {
			Entity e = entity(m.group(1));
			String key = m.group(2);
			if (!GUID.matcher(key).matches()) {
				throw ApiError.badRequest(ApiError.UNSUPPORTED, "Only records addressed by their id are supported by this"
						+ " server (" + e.set + "(00000000-0000-0000-0000-000000000000)); alternate keys such as " + key
						+ " are not");
			}
			String id = key.toLowerCase(Locale.ROOT);
			if (m.group(3) != null) {
				requireMethod(req, "GET");
				return navigation(e, id, m.group(3), req, who, tx);
			}
			return switch (req.method()) {
				case "GET" -> retrieve(e, id, req, who, tx);
				case "PATCH" -> upsert(e, id, req, who, tx, contentIds);
				case "DELETE" -> delete(e, id, req, who, tx);
				default -> throw new ApiError(405, ApiError.UNSUPPORTED,
						req.method() + " is not allowed on a record; use GET, PATCH or DELETE");
			};
		}
		if (path.indexOf('/') < 0 && path.indexOf('(') < 0) {
			Entity e = entity(path);
			return switch (req.method()) {
				case "GET" -> query(e, req, who, tx);
				case "POST" -> create(e, req, who, tx, contentIds);
				default -> throw new ApiError(405, ApiError.UNSUPPORTED,
						req.method() + " is not allowed on an entity set; use GET or POST");
			};
		}
		throw new ApiError(404, ApiError.UNSUPPORTED, "Resource not found for the segment '" + path + "'.");
	}

	private static void requireMethod(Req req, String method) {
		if (!req.method().equals(method)) {
			throw new ApiError(405, ApiError.UNSUPPORTED, req.method() + " is not allowed here; use " + method);
		}
	}

	Entity entity(String set) {
		Entity e = schema.bySet(set);
		if (e == null) {
			throw new ApiError(404, ApiError.UNSUPPORTED, "Resource not found for the segment '" + set + "'.");
		}
		return e;
	}

	private Res serviceDocument() {
		return Http.json(200, Json.write(g -> {
			g.writeStartObject();
			g.writeStringField("@odata.context", root() + "$metadata");
			g.writeArrayFieldStart("value");
			for (String s : schema.sets()) {
				g.writeStartObject();
				g.writeStringField("name", s);
				g.writeStringField("kind", "EntitySet");
				g.writeStringField("url", s);
				g.writeEndObject();
			}
			g.writeEndArray();
			g.writeEndObject();
		}));
	}

	private Res whoAmI(Principal who) throws SQLException {
		String[] ids = inTx(null, tx -> new String[] { db.meta(tx.c, "organizationid"), db.meta(tx.c, "businessunitid") });
		return Http.json(200, Json.write(g -> {
			g.writeStartObject();
			g.writeStringField("@odata.context", root() + "$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse");
			g.writeStringField("BusinessUnitId", ids[1]);
			g.writeStringField("UserId", who.userId());
			g.writeStringField("OrganizationId", ids[0]);
			g.writeEndObject();
		}));
	}

	// ---------------------------------------------------------------- access

	String ownerOf(Entity e, Map<String, Object> row) {
		Object o = row.get("ownerid");
		return o instanceof Ref r ? r.id() : null;
	}

	void checkRead(Entity e, Map<String, Object> row, Principal who, Connection c) throws SQLException {
		if (who.admin() || e.orgRead) {
			return;
		}
		String owner;
		if (e.set.equals(Schema.PARTY_SET)) {
			Ref act = (Ref) row.get("activityid");
			Entity ae = schema.byLogical(act.logical());
			Map<String, Object> a = records.get(c, ae, act.id());
			owner = a == null ? null : ownerOf(ae, a);
		} else {
			owner = ownerOf(e, row);
		}
		if (!who.userId().equals(owner)) {
			throw denied(who, "read", e, (String) row.get(e.key));
		}
	}

	void checkWrite(Entity e, Map<String, Object> row, Principal who) {
		if (who.admin()) {
			return;
		}
		if (!e.userWritable || e.set.equals(Schema.PARTY_SET)) {
			throw denied(who, "write", e, row == null ? null : (String) row.get(e.key));
		}
		if (row != null && e.owned && !who.userId().equals(ownerOf(e, row))) {
			throw denied(who, "write", e, (String) row.get(e.key));
		}
	}

	static ApiError denied(Principal who, String what, Entity e, String id) {
		String priv = "prv" + (what.equals("read") ? "Read" : "Write") + Character.toUpperCase(e.logical.charAt(0))
				+ e.logical.substring(1);
		return new ApiError(403, ApiError.PRIVILEGE, "Principal user (Id=" + who.userId() + ", name=" + who.name()
				+ ") is missing " + priv + " privilege" + (id == null ? " on " + e.set
						: " on the record " + e.set + "(" + id + ")" + (e.owned ? ", which another user owns" : "")));
	}

	// ---------------------------------------------------------------- read

	private Res retrieve(Entity e, String id, Req req, Principal who, Tx outer) throws SQLException {
		Map<String, String> params = Http.params(req.query());
		Options o = Options.parse(schema, e, params, false);
		return inTx(outer, tx -> {
			Map<String, Object> row = records.get(tx.c, e, id);
			if (row == null) {
				throw ApiError.notFound(e.logical, id);
			}
			checkRead(e, row, who, tx.c);
			String inm = req.header("If-None-Match");
			if (inm != null && inm.equals(Json.etag((Long) row.get("versionnumber")))) {
				return Http.empty(304);
			}
			List<Map<String, Object>> parties = o.expandParties
					? records.parties(tx.c, List.of(id)).getOrDefault(id, List.of())
					: null;
			boolean types = lookupTypes(req);
			byte[] body = Json.write(g -> {
				Json.writeRecordWithContext(g, root() + "$metadata#" + e.set + "/$entity", e, row, o.select, types, parties,
						o.partySelect, schema.bySet(Schema.PARTY_SET));
			});
			return Http.json(200, body).header("ETag", Json.etag((Long) row.get("versionnumber")));
		});
	}

	static boolean lookupTypes(Req req) {
		String a = req.preference("odata.include-annotations");
		return a != null && (a.equals("*") || a.contains("Microsoft.Dynamics.CRM.lookuplogicalname")
				|| a.contains("Microsoft.Dynamics.CRM.*"));
	}

	private Res navigation(Entity e, String id, String nav, Req req, Principal who, Tx outer) throws SQLException {
		if (!nav.equals(e.partiesNav)) {
			throw new ApiError(400, ApiError.UNSUPPORTED, "The navigation property '" + nav + "' is not supported on "
					+ e.set + " by this server" + (e.partiesNav == null ? "" : " (only " + e.partiesNav + ")"));
		}
		return inTx(outer, tx -> {
			Map<String, Object> row = records.get(tx.c, e, id);
			if (row == null) {
				throw ApiError.notFound(e.logical, id);
			}
			checkRead(e, row, who, tx.c);
			List<Map<String, Object>> parties = records.parties(tx.c, List.of(id)).getOrDefault(id, List.of());
			Entity pe = schema.bySet(Schema.PARTY_SET);
			boolean types = lookupTypes(req);
			return Http.json(200, Json.write(g -> {
				g.writeStartObject();
				g.writeStringField("@odata.context", root() + "$metadata#" + Schema.PARTY_SET);
				g.writeArrayFieldStart("value");
				for (Map<String, Object> p : parties) {
					p.putIfAbsent("versionnumber", row.get("versionnumber"));
					Json.writeRecord(g, pe, p, null, types, null, null, null);
				}
				g.writeEndArray();
				g.writeEndObject();
			}));
		});
	}

	/** Paging state carried in $skiptoken: keyset by sequence, or offset when ordered. */
	private record Cursor(char mode, long position, long since, long upto, long tombPosition, long remaining) {
		String encode() {
			String s = mode + ":" + position + ":" + since + ":" + upto + ":" + tombPosition + ":" + remaining;
			return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
		}

		static Cursor decode(String token) {
			try {
				String[] p = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
				return new Cursor(p[0].charAt(0), Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]),
						Long.parseLong(p[4]), Long.parseLong(p[5]));
			} catch (RuntimeException e) {
				throw ApiError.query("The $skiptoken '" + token + "' is not one this server gave out");
			}
		}
	}

	private Res query(Entity e, Req req, Principal who, Tx outer) throws SQLException {
		Map<String, String> params = Http.params(req.query());
		String deltaToken = params.get("$deltatoken");
		boolean track = req.prefers("odata.track-changes");
		Options o = Options.parse(schema, e, params, deltaToken != null || track);
		int pageSize = pageSize(req);
		Cursor cursor = o.skipToken == null ? null : Cursor.decode(o.skipToken);
		if (cursor != null && cursor.mode == 'd') {
			return delta(e, req, who, outer, o, params, pageSize, cursor);
		}
		if (deltaToken != null) {
			long since = parseDeltaToken(deltaToken);
			if (cursor == null) {
				cursor = new Cursor('d', 0, since, db.committedVersion(), 0, -1);
			}
			return delta(e, req, who, outer, o, params, pageSize, cursor);
		}
		if (track && cursor == null) {
			cursor = new Cursor('k', 0, -1, db.committedVersion(), 0, -1);
		}
		return select(e, req, who, outer, o, params, pageSize, cursor);
	}

	private static int pageSize(Req req) {
		String p = req.preference("odata.maxpagesize");
		if (p == null) {
			return MAX_PAGE;
		}
		try {
			int n = Integer.parseInt(p);
			if (n < 1) {
				throw new NumberFormatException();
			}
			return Math.min(n, MAX_PAGE);
		} catch (NumberFormatException ex) {
			throw ApiError.query("odata.maxpagesize must be a positive whole number, not " + p);
		}
	}

	private String accessCondition(Entity e, Principal who, List<Object> params) {
		if (who.admin() || e.orgRead) {
			return null;
		}
		if (e.set.equals(Schema.PARTY_SET)) {
			StringBuilder b = new StringBuilder("(");
			String col = "t." + Db.q(e.attr("activityid").column());
			boolean first = true;
			for (Entity a : schema.entities()) {
				if (a.activity()) {
					b.append(first ? "" : " OR ").append(col).append(" IN (SELECT ").append(Db.q(a.key)).append(" FROM ")
							.append(a.table()).append(" WHERE ").append(Db.q("ownerid_v")).append(" = ?)");
					params.add(who.userId());
					first = false;
				}
			}
			return b.append(')').toString();
		}
		params.add(who.userId());
		return "t." + Db.q("ownerid_v") + " = ?";
	}

	private Res select(Entity e, Req req, Principal who, Tx outer, Options o, Map<String, String> params, int pageSize,
			Cursor cursor) throws SQLException {
		boolean track = cursor != null && cursor.upto >= 0 && cursor.mode == 'k' && cursor.since < 0;
		List<Object> args = new ArrayList<>();
		List<String> where = new ArrayList<>();
		String access = accessCondition(e, who, args);
		if (access != null) {
			where.add(access);
		}
		if (o.filter != null) {
			where.add(o.filter.text());
			args.addAll(o.filter.params());
		}
		long remaining = cursor != null ? cursor.remaining : o.top == null ? -1 : o.top;
		int limit = remaining >= 0 ? (int) Math.min(pageSize, remaining) : pageSize;
		boolean ordered = !o.orderBy.isEmpty();
		String countSql = null;
		List<Object> countArgs = new ArrayList<>(args);
		if (o.count && cursor == null) {
			countSql = "SELECT COUNT(*) FROM " + e.table() + " t" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
		}
		if (!ordered && cursor != null) {
			where.add("t.seq > ?");
			args.add(cursor.position);
		}
		Collection<Attr> cols = o.select == null ? e.attrs.values() : withSystem(e, o.select);
		StringBuilder sql = new StringBuilder("SELECT ").append(Records.columns(e, cols, "t")).append(" FROM ")
				.append(e.table()).append(" t");
		String lookedUp = o.filter == null ? null : lookedUpIn(e, o.filter.text());
		if (lookedUp != null) {
			// a list of values looked up (Message-IDs, addresses) is answered from their index; left to
			// itself, Derby at times walks the whole table in seq order (the ORDER BY) to test each row
			sql.append(" --DERBY-PROPERTIES index=").append(e.table()).append('_')
					.append(lookedUp.toUpperCase(Locale.ROOT)).append('\n');
		}
		if (!where.isEmpty()) {
			sql.append(" WHERE ").append(String.join(" AND ", where));
		}
		sql.append(" ORDER BY ");
		for (String ob : o.orderBy) {
			sql.append(ob).append(", ");
		}
		sql.append("t.seq");
		long offset = ordered && cursor != null ? cursor.position : 0;
		if (offset > 0) {
			sql.append(" OFFSET ").append(offset).append(" ROWS");
		}
		sql.append(" FETCH NEXT ").append(limit + 1).append(" ROWS ONLY");
		final String countQuery = countSql;
		final Cursor cur = cursor;
		return inTx(outer, tx -> {
			long total = -1;
			if (countQuery != null) {
				try (PreparedStatement ps = tx.c.prepareStatement(countQuery)) {
					bindAll(ps, countArgs);
					try (ResultSet rs = ps.executeQuery()) {
						rs.next();
						total = rs.getLong(1);
					}
				}
			}
			List<Map<String, Object>> rows = new ArrayList<>();
			boolean more;
			try (PreparedStatement ps = tx.c.prepareStatement(sql.toString())) {
				bindAll(ps, args);
				try (ResultSet rs = ps.executeQuery()) {
					while (rows.size() < limit && rs.next()) {
						rows.add(records.read(rs, cols));
					}
					more = rs.next();
				}
			}
			boolean moreWanted = more && (remaining < 0 || remaining > rows.size());
			String next = null;
			String deltaLink = null;
			if (moreWanted) {
				long pos = ordered ? offset + rows.size() : (Long) rows.get(rows.size() - 1).get("@seq");
				Cursor c = new Cursor('k', pos, cur == null ? -1 : cur.since, cur == null ? -1 : cur.upto, 0,
						remaining < 0 ? -1 : remaining - rows.size());
				next = link(e, params, "$skiptoken", c.encode());
			} else if (track) {
				deltaLink = deltaLink(e, params, cur.upto);
			}
			return page(e, req, o, tx, rows, total, next, deltaLink, List.of());
		});
	}

	private static Collection<Attr> withSystem(Entity e, Collection<Attr> select) {
		List<Attr> out = new ArrayList<>(select);
		for (String s : new String[] { e.key, "versionnumber", "ownerid" }) {
			Attr a = e.attr(s);
			if (a != null && !out.contains(a)) {
				out.add(a);
			}
		}
		return out;
	}

	private static void bindAll(PreparedStatement ps, List<Object> args) throws SQLException {
		for (int i = 0; i < args.size(); i++) {
			Records.bindParam(ps, i + 1, args.get(i));
		}
	}

	private String link(Entity e, Map<String, String> params, String key, String value) {
		StringBuilder b = new StringBuilder(root()).append(e.set).append('?');
		for (Map.Entry<String, String> p : params.entrySet()) {
			if (p.getKey().equals("$skiptoken") || p.getKey().equals("$deltatoken") || p.getKey().equals("$count")) {
				continue;
			}
			b.append(Http.encode(p.getKey())).append('=').append(Http.encode(p.getValue())).append('&');
		}
		return b.append(key).append('=').append(Http.encode(value)).toString();
	}

	private String deltaLink(Entity e, Map<String, String> params, long upto) {
		String token = upto + "!" + LocalDateTime.now(ZoneOffset.UTC).format(TOKEN_TIME);
		return link(e, params, "$deltatoken", token);
	}

	long parseDeltaToken(String token) throws SQLException {
		int bang = token.indexOf('!');
		long since;
		LocalDateTime when;
		try {
			since = Long.parseLong(bang < 0 ? token : token.substring(0, bang));
			when = bang < 0 ? null : LocalDateTime.parse(token.substring(bang + 1), TOKEN_TIME);
		} catch (RuntimeException ex) {
			throw new ApiError(400, ApiError.EXPIRED_VERSION,
					"The delta token '" + token + "' is not valid: it is not one this organization gave out. Please perform a full sync.");
		}
		long floor = inTx(null, tx -> {
			String f = db.meta(tx.c, "version.floor");
			return f == null ? 0L : Long.parseLong(f);
		});
		boolean old = when != null
				&& when.toInstant(ZoneOffset.UTC).isBefore(Instant.now().minusMillis(retentionMillis));
		if (since < floor || old) {
			throw new ApiError(400, ApiError.EXPIRED_VERSION,
					"Version stamp associated with the client has expired. Please perform a full sync.");
		}
		if (since > db.committedVersion() || since < 0) {
			throw new ApiError(400, ApiError.EXPIRED_VERSION, "The delta token '" + token
					+ "' is not valid for this organization. Please perform a full sync.");
		}
		return since;
	}

	private Res delta(Entity e, Req req, Principal who, Tx outer, Options o, Map<String, String> params, int pageSize,
			Cursor cur) throws SQLException {
		Collection<Attr> cols = o.select == null ? e.attrs.values() : withSystem(e, o.select);
		return inTx(outer, tx -> {
			List<Map<String, Object>> rows = new ArrayList<>();
			List<String> deleted = new ArrayList<>();
			long pos = cur.position;
			long tomb = cur.tombPosition;
			boolean more = false;
			List<Object> args = new ArrayList<>();
			List<String> where = new ArrayList<>();
			String access = accessCondition(e, who, args);
			if (access != null) {
				where.add(access);
			}
			where.add("t." + Db.q("versionnumber") + " > ?");
			args.add(Math.max(cur.since, pos));
			where.add("t." + Db.q("versionnumber") + " <= ?");
			args.add(cur.upto);
			String sql = "SELECT " + Records.columns(e, cols, "t") + " FROM " + e.table() + " t WHERE "
					+ String.join(" AND ", where) + " ORDER BY t." + Db.q("versionnumber") + " FETCH NEXT "
					+ (pageSize + 1) + " ROWS ONLY";
			try (PreparedStatement ps = tx.c.prepareStatement(sql)) {
				bindAll(ps, args);
				try (ResultSet rs = ps.executeQuery()) {
					while (rows.size() < pageSize && rs.next()) {
						rows.add(records.read(rs, cols));
					}
					more = rs.next();
				}
			}
			if (!rows.isEmpty()) {
				pos = (Long) rows.get(rows.size() - 1).get("versionnumber");
			}
			if (!more) {
				pos = cur.upto;
				int room = pageSize - rows.size();
				String ownerCond = who.admin() || e.orgRead ? "" : " AND d.ownerid = ?";
				String tsql = "SELECT d.id, d.versionnumber FROM TOMBSTONE d WHERE d.entityset = ? AND d.versionnumber > ?"
						+ " AND d.versionnumber <= ?" + ownerCond + " AND NOT EXISTS (SELECT 1 FROM " + e.table()
						+ " x WHERE x." + Db.q(e.key) + " = d.id) ORDER BY d.versionnumber FETCH NEXT " + (room + 1)
						+ " ROWS ONLY";
				try (PreparedStatement ps = tx.c.prepareStatement(tsql)) {
					ps.setString(1, e.set);
					ps.setLong(2, Math.max(cur.since, tomb));
					ps.setLong(3, cur.upto);
					if (!ownerCond.isEmpty()) {
						ps.setString(4, who.userId());
					}
					try (ResultSet rs = ps.executeQuery()) {
						while (deleted.size() < room && rs.next()) {
							deleted.add(rs.getString(1));
							tomb = rs.getLong(2);
						}
						more = rs.next();
					}
				}
			}
			String next = null;
			String dl = null;
			if (more) {
				next = link(e, params, "$skiptoken", new Cursor('d', pos, cur.since, cur.upto, tomb, -1).encode());
			} else {
				dl = deltaLink(e, params, cur.upto);
			}
			return page(e, req, o, tx, rows, -1, next, dl, deleted);
		});
	}

	private Res page(Entity e, Req req, Options o, Tx tx, List<Map<String, Object>> rows, long total, String next,
			String deltaLink, List<String> deleted) throws SQLException {
		Map<String, List<Map<String, Object>>> parties = null;
		if (o.expandParties) {
			List<String> ids = new ArrayList<>();
			for (Map<String, Object> r : rows) {
				ids.add((String) r.get(e.key));
			}
			parties = records.parties(tx.c, ids);
		}
		final Map<String, List<Map<String, Object>>> ps = parties;
		boolean types = lookupTypes(req);
		Entity pe = schema.bySet(Schema.PARTY_SET);
		String ctx = root() + "$metadata#" + e.set + (o.selectText == null ? "" : "(" + o.selectText + ")")
				+ (deltaLink != null || !deleted.isEmpty() ? "/$delta" : "");
		return Http.json(200, Json.write(g -> {
			g.writeStartObject();
			g.writeStringField("@odata.context", ctx);
			if (total >= 0) {
				g.writeNumberField("@odata.count", total);
			}
			g.writeArrayFieldStart("value");
			for (Map<String, Object> r : rows) {
				Json.writeRecord(g, e, r, o.select, types,
						ps == null ? null : ps.getOrDefault((String) r.get(e.key), List.of()), o.partySelect, pe);
			}
			for (String id : deleted) {
				g.writeStartObject();
				g.writeStringField("@odata.context", root() + "$metadata#" + e.set + "/$deletedEntity");
				g.writeStringField("id", id);
				g.writeStringField("reason", "deleted");
				g.writeEndObject();
			}
			g.writeEndArray();
			if (next != null) {
				g.writeStringField("@odata.nextLink", next);
			}
			if (deltaLink != null) {
				g.writeStringField("@odata.deltaLink", deltaLink);
			}
			g.writeEndObject();
		}));
	}

	// ---------------------------------------------------------------- write

	/** Resolves a bind value ("/contacts(id)", an absolute URL, or "$1") to a Ref. */
	Ref resolveBind(String value, Map<String, String> contentIds) {
		String v = value;
		if (v.startsWith("$") && contentIds != null && contentIds.containsKey(v)) {
			v = contentIds.get(v);
		}
		int api = v.indexOf("/api/data/");
		if (api >= 0) {
			v = v.substring(v.indexOf('/', api + "/api/data/".length()) + 1);
		}
		if (v.startsWith("/")) {
			v = v.substring(1);
		}
		Matcher m = KEYED.matcher(v);
		if (!m.matches() || m.group(3) != null || !GUID.matcher(m.group(2)).matches()) {
			return null;
		}
		Entity t = schema.bySet(m.group(1));
		if (t == null) {
			throw ApiError.payload("The entity set '" + m.group(1) + "' in the reference " + value + " does not exist");
		}
		return new Ref(t.logical, m.group(2).toLowerCase(Locale.ROOT));
	}

	private Payload payload(Entity e, Req req, Map<String, String> contentIds, boolean create) {
		ObjectNode body = Json.object(req.body(), (create ? "creating " : "updating ") + "a " + e.logical);
		return Json.decode(schema, e, body, v -> resolveBind(v, contentIds), create);
	}

	/** Checks lookups: the target set is allowed and the record exists. */
	private void checkRefs(Entity e, Map<String, Object> values, Tx tx) throws SQLException {
		for (Map.Entry<String, Object> v : values.entrySet()) {
			Attr a = e.attr(v.getKey());
			if (a.type != Type.LOOKUP || v.getValue() == null) {
				continue;
			}
			Ref r = (Ref) v.getValue();
			Entity t = schema.byLogical(r.logical());
			if (!a.targets.contains(t.set)) {
				throw ApiError.payload("'" + a.name + "' of '" + e.logical + "' cannot point to a " + r.logical()
						+ " (it takes " + String.join(", ", a.targets) + ")");
			}
			if (tx.known.contains(t.set + r.id())) {
				continue;
			}
			if (!records.exists(tx.c, t, r.id())) {
				throw new ApiError(400, ApiError.NOT_FOUND, "The " + t.logical + " that '" + a.name + "' points to, "
						+ t.set + "(" + r.id() + "), does not exist");
			}
			tx.known.add(t.set + r.id());
		}
	}

	private void computed(Entity e, Map<String, Object> values, Map<String, Object> current) {
		if (e.attr("fullname") != null && (values.containsKey("firstname") || values.containsKey("lastname"))) {
			Object f = values.containsKey("firstname") ? values.get("firstname") : current == null ? null : current.get("firstname");
			Object l = values.containsKey("lastname") ? values.get("lastname") : current == null ? null : current.get("lastname");
			String full = ((f == null ? "" : f) + " " + (l == null ? "" : l)).trim();
			values.put("fullname", full.isEmpty() ? null : full);
		}
	}

	private Res create(Entity e, Req req, Principal who, Tx outer, Map<String, String> contentIds) throws SQLException {
		Payload p = payload(e, req, contentIds, true);
		String id = p.values().containsKey(e.key) ? (String) p.values().get(e.key) : Guids.next();
		return write(e, id, req, who, outer, p, null, contentIds);
	}

	private Res upsert(Entity e, String id, Req req, Principal who, Tx outer, Map<String, String> contentIds)
			throws SQLException {
		String ifMatch = req.header("If-Match");
		String ifNoneMatch = req.header("If-None-Match");
		Payload p = payload(e, req, contentIds, true);
		Object bodyKey = p.values().get(e.key);
		if (bodyKey != null && !id.equals(bodyKey)) {
			throw ApiError.payload("The id in the body (" + bodyKey + ") differs from the id in the URL (" + id + ")");
		}
		return write(e, id, req, who, outer, p, new String[] { ifMatch, ifNoneMatch }, contentIds);
	}

	/** Create (conditions null: POST) or upsert (PATCH with its If-Match / If-None-Match). */
	private Res write(Entity e, String id, Req req, Principal who, Tx outer, Payload p, String[] conditions,
			Map<String, String> contentIds) throws SQLException {
		Map<String, Object> written = new LinkedHashMap<>();
		Res res = inTx(outer, tx -> {
			tx.forWrite();
			boolean post = conditions == null;
			String ifMatch = post ? null : conditions[0];
			String ifNoneMatch = post ? null : conditions[1];
			// create-only (If-None-Match: *, what a client choosing its ids sends): the insert itself tells
			// whether the record exists (its key is unique), so the usual case costs no lookup
			boolean createOnly = !post && "*".equals(ifNoneMatch) && ifMatch == null && !Rules.applies(e);
			// a POST without an id gets a new one: nothing to look up
			Map<String, Object> current = createOnly || post && !p.values().containsKey(e.key) ? null
					: records.get(tx.c, e, id);
			boolean[] inserted = { false };
			try {
				if (current != null && (post || "*".equals(ifNoneMatch))) {
					throw new ApiError(412, ApiError.DUPLICATE, "A record with matching key values already exists: "
							+ e.set + "(" + id + ")" + (post ? "" : " (If-None-Match: * asked to create only)"));
				}
				if (current == null && ifMatch != null) {
					throw ApiError.notFound(e.logical, id);
				}
				if (current != null && ifMatch != null && !ifMatch.equals("*")
						&& !ifMatch.equals(Json.etag((Long) current.get("versionnumber")))) {
					throw new ApiError(412, ApiError.VERSION_MISMATCH, "The version of the existing record doesn't match the"
							+ " RowVersion property provided: " + e.set + "(" + id + ") is at "
							+ Json.etag((Long) current.get("versionnumber")) + ", the request named " + ifMatch);
				}
				Map<String, Object> values = new LinkedHashMap<>(p.values());
				values.remove(e.key);
				long version = tx.nextVersion();
				Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
				Ref me = new Ref("systemuser", who.userId());
				boolean created = current == null;
				if (created) {
					checkWrite(e, null, who);
					if (e.owned) {
						Object owner = values.get("ownerid");
						if (owner == null) {
							values.put("ownerid", me);
						} else if (!who.admin() && !((Ref) owner).id().equals(who.userId())) {
							throw denied(who, "assign", e, id);
						}
					}
					if (e.attr("statecode") != null && !values.containsKey("statecode")) {
						values.put("statecode", 0);
					}
					if (e.attr("statuscode") != null && !values.containsKey("statuscode")) {
						values.put("statuscode", e.logical.equals("task") ? 2 : 1);
					}
					if (e.logical.equals("email") && values.get("trackingtoken") == null) {
						values.put("trackingtoken", String.format(Locale.ROOT, "CRM:%07d", version));
					}
				} else {
					checkWrite(e, current, who);
					Object owner = values.get("ownerid");
					if (owner != null && !who.admin() && !((Ref) owner).id().equals(who.userId())) {
						throw denied(who, "assign", e, id);
					}
				}
				computed(e, values, current);
				checkRefs(e, values, tx);
				Rules.check(this, tx, e, id, values, current, who);
				values.put("versionnumber", version);
				values.put("modifiedon", now);
				values.put("modifiedby", me);
				if (created) {
					values.put(e.key, id);
					values.put("createdon", now);
					values.put("createdby", me);
					try {
						records.insert(tx, e, values);
					} catch (SQLException x) {
						if (createOnly && "23505".equals(x.getSQLState())) {
							throw existsAlready(e, id);
						}
						throw x;
					}
					inserted[0] = true;
				} else {
					records.update(tx.c, e, id, values);
				}
				if (e.activity() && p.parties() != null) {
					if (!created) {
						records.deleteParties(tx.c, id);
					}
					writeParties(tx, e, id, p.parties(), version, now, me);
				}
				written.putAll(values);
				return Http.empty(created ? 201 : 200);
			} catch (ApiError refused) {
				// a create-only write refused before its insert answers 412, as with a lookup first, if the
				// record exists
				if (createOnly && !inserted[0] && refused.status != 412 && records.exists(tx.c, e, id)) {
					throw existsAlready(e, id);
				}
				throw refused;
			}
		});
		String location = root() + e.set + "(" + id + ")";
		if (contentIds != null) {
			String cid = req.header("Content-ID");
			if (cid != null) {
				contentIds.put("$" + cid, "/" + e.set + "(" + id + ")");
			}
		}
		if (req.prefers("return=representation")) {
			Map<String, String> params = Http.params(req.query());
			Options o = Options.parse(schema, e, params, false);
			Collection<Attr> cols = o.select == null ? e.attrs.values() : withSystem(e, o.select);
			boolean known = o.select != null && written.containsKey(e.key);
			for (Attr a : cols) {
				known &= written.containsKey(a.name) || a.name.equals("ownerid") && !e.owned;
			}
			// what was just written answers a narrow $select; anything else is read back
			Map<String, Object> row = known ? written : inTx(outer, tx -> records.get(tx.c, e, id, cols));
			List<Map<String, Object>> parties = o.expandParties
					? inTx(outer, tx -> records.parties(tx.c, List.of(id)).getOrDefault(id, List.of()))
					: null;
			boolean types = lookupTypes(req);
			byte[] body = Json.write(g -> Json.writeRecordWithContext(g, root() + "$metadata#" + e.set + "/$entity", e, row,
					o.select, types, parties, o.partySelect, schema.bySet(Schema.PARTY_SET)));
			return Http.json(conditions == null || res.status() == 201 ? 201 : 200, body)
					.header("Preference-Applied", "return=representation").header("OData-EntityId", location)
					.header("ETag", Json.etag((Long) row.get("versionnumber")));
		}
		return Http.empty(204).header("OData-EntityId", location);
	}

	private static final Pattern LOOKED_UP_IN = Pattern.compile("\\(t\\.\"(\\w+)\" IS NOT NULL AND t\\.\"\\1\" IN \\(");

	/** The indexed lower-cased column of a filter that is just a list of values of it, else null. */
	static String lookedUpIn(Entity e, String filter) {
		Matcher m = LOOKED_UP_IN.matcher(filter);
		if (!m.lookingAt() || !filter.endsWith("LOWER(?)))")) {
			return null;
		}
		String marks = filter.substring(m.end(), filter.length() - 2);
		if (!marks.replace("LOWER(?), ", "").equals("LOWER(?)")) {
			return null;
		}
		for (Attr a : e.attrs.values()) {
			if (a.lookedUp() && a.lowerColumn().equals(m.group(1))) {
				return m.group(1);
			}
		}
		return null;
	}

	private static ApiError existsAlready(Entity e, String id) {
		return new ApiError(412, ApiError.DUPLICATE, "A record with matching key values already exists: " + e.set + "("
				+ id + ") (If-None-Match: * asked to create only)");
	}

	void writeParties(Tx tx, Entity e, String id, List<Map<String, Object>> parties, long version, Instant now, Ref me)
			throws SQLException {
		Entity pe = schema.bySet(Schema.PARTY_SET);
		for (Map<String, Object> p : parties) {
			Map<String, Object> v = new LinkedHashMap<>(p);
			checkRefs(pe, v, tx);
			v.put(pe.key, Guids.next());
			v.put("activityid", new Ref(e.logical, id));
			v.put("versionnumber", version);
			v.put("createdon", now);
			v.put("modifiedon", now);
			v.put("createdby", me);
			v.put("modifiedby", me);
			records.insert(tx, pe, v);
		}
	}

	private Res delete(Entity e, String id, Req req, Principal who, Tx outer) throws SQLException {
		String ifMatch = req.header("If-Match");
		return inTx(outer, tx -> {
			tx.forWrite();
			Map<String, Object> current = records.get(tx.c, e, id);
			if (current == null) {
				throw ApiError.notFound(e.logical, id);
			}
			checkWrite(e, current, who);
			if (ifMatch != null && !ifMatch.equals("*")
					&& !ifMatch.equals(Json.etag((Long) current.get("versionnumber")))) {
				throw new ApiError(412, ApiError.VERSION_MISMATCH, "The version of the existing record doesn't match the"
						+ " RowVersion property provided: " + e.set + "(" + id + ") is at "
						+ Json.etag((Long) current.get("versionnumber")) + ", the request named " + ifMatch);
			}
			Rules.checkDelete(this, tx, e, id, current, who);
			records.delete(tx.c, e, id, ownerOf(e, current), tx.nextVersion());
			return Http.empty(204);
		});
	}
}
