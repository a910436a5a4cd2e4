package org.liaison.crm.server.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.liaison.crm.server.internal.Db.Tx;
import org.liaison.crm.server.internal.Records.Ref;
import org.liaison.crm.server.internal.Schema.Entity;

/**
 * Business rules of the synchronizing client, checked inside the write lock: one mailbox per user, an
 * address in at most one user's mailbox, and one synchronizing client instance per user.
 */
final class Rules {

	private Rules() {
	}

	/** Whether writes of this entity have rules to check (they read the record as it is first). */
	static boolean applies(Entity e) {
		return e.logical.equals("mailbox") || e.logical.equals("liaison_clientinstance");
	}

	static void check(WebApi api, Tx tx, Entity e, String id, Map<String, Object> values, Map<String, Object> current,
			Principal who) throws SQLException {
		switch (e.logical) {
			case "mailbox" -> mailbox(api, tx, e, id, values, current);
			case "liaison_clientinstance" -> instance(api, tx, e, id, values, current);
			default -> {
				// no rules
			}
		}
	}

	static void checkDelete(WebApi api, Tx tx, Entity e, String id, Map<String, Object> current, Principal who) {
		if (e.logical.equals("mailbox") && !who.admin()) {
			throw new ApiError(400, ApiError.BUSINESS_RULE, "A user's mailbox cannot be deleted: every user has exactly"
					+ " one mailbox (change its delivery methods instead)");
		}
	}

	private static Object effective(String name, Map<String, Object> values, Map<String, Object> current) {
		return values.containsKey(name) ? values.get(name) : current == null ? null : current.get(name);
	}

	private static void mailbox(WebApi api, Tx tx, Entity e, String id, Map<String, Object> values,
			Map<String, Object> current) throws SQLException {
		Object user = effective("regardingobjectid", values, current);
		if (user == null) {
			throw new ApiError(400, ApiError.BUSINESS_RULE, "A mailbox belongs to a user: set regardingobjectid@odata.bind"
					+ " to /systemusers(id)");
		}
		List<String> others = others(tx, e, "regardingobjectid_v", ((Ref) user).id(), id);
		if (!others.isEmpty()) {
			throw new ApiError(400, ApiError.BUSINESS_RULE, "The user " + ((Ref) user).id() + " already has a mailbox ("
					+ others.get(0) + "); each user has exactly one mailbox");
		}
		Object address = effective("emailaddress", values, current);
		if (address != null) {
			others = others(tx, e, "emailaddress_lc", ((String) address).toLowerCase(java.util.Locale.ROOT), id);
			if (!others.isEmpty()) {
				throw new ApiError(400, ApiError.BUSINESS_RULE, "The address " + address + " is already in another user's"
						+ " mailbox (" + others.get(0) + "); an address can be in at most one user's mailbox");
			}
		}
	}

	private static void instance(WebApi api, Tx tx, Entity e, String id, Map<String, Object> values,
			Map<String, Object> current) throws SQLException {
		if (!Boolean.TRUE.equals(effective("liaison_issynchronizing", values, current))) {
			return;
		}
		Object owner = effective("ownerid", values, current);
		if (owner == null) {
			return;
		}
		try (PreparedStatement ps = tx.c.prepareStatement("SELECT " + Db.q(e.key) + ", " + Db.q("liaison_name")
				+ " FROM " + e.table() + " WHERE " + Db.q("ownerid_v") + " = ? AND " + Db.q("liaison_issynchronizing")
				+ " = TRUE AND " + Db.q(e.key) + " <> ?")) {
			ps.setString(1, ((Ref) owner).id());
			ps.setString(2, id);
			try (ResultSet rs = ps.executeQuery()) {
				if (rs.next()) {
					throw new ApiError(400, ApiError.BUSINESS_RULE, "Another client instance, '" + rs.getString(2) + "' ("
							+ rs.getString(1) + "), is this user's synchronizing instance; a user has one. To take over,"
							+ " clear liaison_issynchronizing there in the same change set");
				}
			}
		}
	}

	private static List<String> others(Tx tx, Entity e, String column, String value, String id) throws SQLException {
		List<String> out = new ArrayList<>();
		try (PreparedStatement ps = tx.c.prepareStatement("SELECT " + Db.q(e.key) + " FROM " + e.table() + " WHERE "
				+ Db.q(column) + " = ? AND " + Db.q(e.key) + " <> ?")) {
			ps.setString(1, value);
			ps.setString(2, id);
			try (ResultSet rs = ps.executeQuery()) {
				while (rs.next()) {
					out.add(rs.getString(1));
				}
			}
		}
		return out;
	}
}
