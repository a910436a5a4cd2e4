package org.liaison.crm.server.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.liaison.crm.server.internal.Schema.Attr;
import org.liaison.crm.server.internal.Schema.Entity;
import org.liaison.crm.server.internal.Schema.Type;

/** The system query options of one request, checked against the entity; unsupported ones are refused. */
final class Options {

	List<Attr> select;
	String selectText;
	Filter.Sql filter;
	final List<String> orderBy = new ArrayList<>();
	Integer top;
	boolean count;
	boolean expandParties;
	List<Attr> partySelect;
	String skipToken;

	private static final Set<String> KNOWN = Set.of("$select", "$filter", "$orderby", "$top", "$count", "$expand",
			"$skiptoken", "$deltatoken");

	static Options parse(Schema schema, Entity e, Map<String, String> params, boolean tracking) {
		Options o = new Options();
		for (String k : params.keySet()) {
			if (k.startsWith("$") && !KNOWN.contains(k)) {
				throw ApiError.badRequest(ApiError.UNSUPPORTED, "The query option '" + k + "' is not supported"
						+ (k.equals("$skip") ? " (the Web API pages with @odata.nextLink; use Prefer: odata.maxpagesize)" : "")
						+ "; this server supports " + String.join(", ", new java.util.TreeSet<>(KNOWN)));
			}
		}
		if (tracking) {
			for (String k : List.of("$filter", "$orderby", "$top", "$expand", "$count")) {
				if (params.containsKey(k)) {
					throw ApiError.badRequest(ApiError.UNSUPPORTED, "Change tracking (Prefer: odata.track-changes or"
							+ " $deltatoken) supports only $select, as Dynamics 365 does; remove " + k);
				}
			}
		}
		String sel = params.get("$select");
		if (sel != null) {
			o.select = select(e, sel);
			o.selectText = sel;
		}
		String f = params.get("$filter");
		if (f != null) {
			if (f.isBlank()) {
				throw ApiError.query("$filter is empty");
			}
			o.filter = Filter.parse(schema, e, f);
		}
		String ob = params.get("$orderby");
		if (ob != null) {
			for (String part : ob.split(",")) {
				String[] w = part.trim().split("\\s+");
				if (w.length == 0 || w.length > 2 || w[0].isEmpty()) {
					throw ApiError.query("Syntax error in $orderby: '" + part + "'");
				}
				Attr a = e.byProperty(w[0]);
				if (a == null) {
					throw ApiError.query("Could not find a property named '" + w[0] + "' on type 'Microsoft.Dynamics.CRM."
							+ e.logical + "'.");
				}
				if (a.type == Type.MEMO) {
					throw ApiError.query("Ordering by the memo attribute '" + a.name + "' is not supported");
				}
				String dir = w.length == 2 ? w[1].toLowerCase(java.util.Locale.ROOT) : "asc";
				if (!dir.equals("asc") && !dir.equals("desc")) {
					throw ApiError.query("Syntax error in $orderby: expected asc or desc after " + w[0] + ", found " + w[1]);
				}
				String col = a.type == Type.STRING ? "LOWER(t." + Db.q(a.column()) + ")" : "t." + Db.q(a.column());
				o.orderBy.add(col + (dir.equals("desc") ? " DESC" : " ASC"));
			}
		}
		String top = params.get("$top");
		if (top != null) {
			try {
				o.top = Integer.parseInt(top.trim());
			} catch (NumberFormatException ex) {
				throw ApiError.query("$top must be a whole number, not '" + top + "'");
			}
			if (o.top < 0 || o.top > WebApi.MAX_PAGE) {
				throw ApiError.query("$top must be between 0 and " + WebApi.MAX_PAGE + ", not " + o.top);
			}
		}
		String count = params.get("$count");
		if (count != null) {
			if (!count.equals("true") && !count.equals("false")) {
				throw ApiError.query("$count must be true or false, not '" + count + "'");
			}
			o.count = count.equals("true");
		}
		String ex = params.get("$expand");
		if (ex != null) {
			expand(schema, e, ex.trim(), o);
		}
		o.skipToken = params.get("$skiptoken");
		return o;
	}

	private static List<Attr> select(Entity e, String text) {
		Set<Attr> out = new LinkedHashSet<>();
		for (String p : text.split(",")) {
			String name = p.trim();
			if (name.isEmpty()) {
				throw ApiError.query("$select has an empty entry: '" + text + "'");
			}
			Attr a = e.byProperty(name);
			if (a == null) {
				throw ApiError.query("Could not find a property named '" + name + "' on type 'Microsoft.Dynamics.CRM."
						+ e.logical + "'." + (e.attr(name) != null ? " Lookups are selected as _" + name + "_value." : ""));
			}
			out.add(a);
		}
		return new ArrayList<>(out);
	}

	private static void expand(Schema schema, Entity e, String text, Options o) {
		String nav = text;
		String inner = null;
		int open = text.indexOf('(');
		if (open > 0) {
			if (!text.endsWith(")")) {
				throw ApiError.query("Syntax error in $expand: '" + text + "'");
			}
			nav = text.substring(0, open).trim();
			inner = text.substring(open + 1, text.length() - 1);
		}
		if (nav.contains(",") || e.partiesNav == null || !nav.equals(e.partiesNav)) {
			throw ApiError.badRequest(ApiError.UNSUPPORTED, "$expand supports only an activity's parties on this server"
					+ (e.partiesNav == null ? " (" + e.set + " has none)" : " (" + e.partiesNav + ")") + ", not '" + text
					+ "'");
		}
		o.expandParties = true;
		if (inner != null && !inner.isBlank()) {
			for (String opt : inner.split(";")) {
				int eq = opt.indexOf('=');
				if (eq < 0 || !opt.substring(0, eq).trim().equals("$select")) {
					throw ApiError.badRequest(ApiError.UNSUPPORTED, "Inside $expand only $select is supported, not '" + opt
							+ "'");
				}
				o.partySelect = select(schema.bySet(Schema.PARTY_SET), opt.substring(eq + 1));
			}
		}
	}
}
