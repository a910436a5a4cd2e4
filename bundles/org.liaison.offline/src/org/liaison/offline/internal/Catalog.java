package org.liaison.offline.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineRecord;

/**
 * The columns taken offline per record type: standard Dynamics 365 attributes (no {@code liaison_}
 * columns, so that any organization serves them), their types, and the record types a lookup may
 * point to. System columns (owner, modified on) come along read-only.
 */
final class Catalog {

	/** How a column's value is carried. */
	enum Type {
		STRING, MEMO, INT, DECIMAL, BOOL, DATETIME, DATE, LOOKUP, PARTIES
	}

	/** One column; {@code targets} are the entity sets a lookup may point to. */
	record Column(String name, Type type, List<String> targets, boolean readOnly) {
		/** The property in Web API JSON ({@code _x_value} for lookups). */
		String property() {
			return type == Type.LOOKUP ? "_" + name + "_value" : name;
		}
	}

	private static final List<String> PEOPLE = List.of("accounts", "contacts");
	private static final List<String> REGARDING = List.of("accounts", "contacts", "leads", "opportunities");
	private static final Map<String, String> SET_BY_LOGICAL = new LinkedHashMap<>();
	private static final Map<OfflineEntity, Map<String, Column>> COLUMNS = new EnumMap<>(OfflineEntity.class);

	static {
		for (OfflineEntity e : OfflineEntity.values()) {
			SET_BY_LOGICAL.put(e.logicalName(), e.entitySet());
		}
		SET_BY_LOGICAL.put("systemuser", "systemusers");

		define(OfflineEntity.ACCOUNTS, s("name"), s("accountnumber"), s("emailaddress1"), s("telephone1"),
				s("websiteurl"), s("address1_line1"), s("address1_city"), s("address1_postalcode"), s("address1_country"),
				memo("description"), c("revenue", Type.DECIMAL), c("numberofemployees", Type.INT),
				lookup("parentaccountid", "accounts"), lookup("primarycontactid", "contacts"));
		define(OfflineEntity.CONTACTS, s("firstname"), s("lastname"), ro("fullname", Type.STRING), s("jobtitle"),
				s("emailaddress1"), s("emailaddress2"), s("emailaddress3"), s("telephone1"), s("telephone2"),
				s("mobilephone"), s("address1_line1"), s("address1_city"), s("address1_postalcode"),
				s("address1_stateorprovince"), s("address1_country"), c("birthdate", Type.DATE), s("websiteurl"),
				memo("description"), new Column("parentcustomerid", Type.LOOKUP, PEOPLE, false));
		define(OfflineEntity.LEADS, s("subject"), s("firstname"), s("lastname"), ro("fullname", Type.STRING),
				s("companyname"), s("emailaddress1"), s("telephone1"), memo("description"));
		define(OfflineEntity.OPPORTUNITIES, s("name"), memo("description"), c("estimatedvalue", Type.DECIMAL),
				c("estimatedclosedate", Type.DATE), c("closeprobability", Type.INT),
				new Column("customerid", Type.LOOKUP, PEOPLE, false), lookup("parentaccountid", "accounts"));
		define(OfflineEntity.EMAILS, s("messageid"), s("inreplyto"), s("trackingtoken"), c("senton", Type.DATETIME),
				c("directioncode", Type.BOOL));
		define(OfflineEntity.APPOINTMENTS, s("location"), s("globalobjectid"), c("isalldayevent", Type.BOOL));
		define(OfflineEntity.TASKS, c("actualend", Type.DATETIME), c("percentcomplete", Type.INT),
				c("prioritycode", Type.INT));
	}

	private Catalog() {
	}

	private static void define(OfflineEntity e, Column... own) {
		Map<String, Column> m = new LinkedHashMap<>();
		if (e.activity()) {
			for (Column a : List.of(s("subject"), memo("description"), c("scheduledstart", Type.DATETIME),
					c("scheduledend", Type.DATETIME), new Column("regardingobjectid", Type.LOOKUP, REGARDING, false),
					new Column(OfflineRecord.PARTIES, Type.PARTIES, List.of("systemusers", "contacts", "accounts", "leads"),
							false))) {
				m.put(a.name(), a);
			}
		}
		for (Column a : own) {
			m.put(a.name(), a);
		}
		m.put("statecode", c("statecode", Type.INT));
		m.put("statuscode", c("statuscode", Type.INT));
		m.put("ownerid", new Column("ownerid", Type.LOOKUP, List.of("systemusers"), true));
		m.put("modifiedon", ro("modifiedon", Type.DATETIME));
		COLUMNS.put(e, m);
	}

	private static Column s(String name) {
		return new Column(name, Type.STRING, List.of(), false);
	}

	private static Column memo(String name) {
		return new Column(name, Type.MEMO, List.of(), false);
	}

	private static Column c(String name, Type type) {
		return new Column(name, type, List.of(), false);
	}

	private static Column ro(String name, Type type) {
		return new Column(name, type, List.of(), true);
	}

	private static Column lookup(String name, String target) {
		return new Column(name, Type.LOOKUP, List.of(target), false);
	}

	/** The columns of a record type, in a fixed order. */
	static Iterable<Column> columns(OfflineEntity e) {
		return COLUMNS.get(e).values();
	}

	/** A column by name, or null. */
	static Column column(OfflineEntity e, String name) {
		return COLUMNS.get(e).get(name);
	}

	/** The {@code $select} list: the key and every column but the parties. */
	static List<String> select(OfflineEntity e) {
		List<String> out = new ArrayList<>();
		out.add(e.key());
		for (Column c : columns(e)) {
			if (c.type() != Type.PARTIES) {
				out.add(c.property());
			}
		}
		return out;
	}

	/** The parties navigation property of an activity, e.g. {@code email_activity_parties}; null otherwise. */
	static String partiesNav(OfflineEntity e) {
		return e.activity() ? e.logicalName() + "_activity_parties" : null;
	}

	/** The {@code $expand} for an activity's parties, or null. */
	static String expand(OfflineEntity e) {
		String nav = partiesNav(e);
		return nav == null ? null : nav + "($select=participationtypemask,addressused,_partyid_value)";
	}

	/** The entity set of a logical name ({@code account} to {@code accounts}), or null. */
	static String setOf(String logicalName) {
		return logicalName == null ? null : SET_BY_LOGICAL.get(logicalName);
	}

	/** The logical name of an entity set ({@code accounts} to {@code account}), or null. */
	static String logicalOf(String entitySet) {
		for (Map.Entry<String, String> e : SET_BY_LOGICAL.entrySet()) {
			if (e.getValue().equals(entitySet)) {
				return e.getKey();
			}
		}
		return null;
	}
}
