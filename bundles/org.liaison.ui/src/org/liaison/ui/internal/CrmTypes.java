package org.liaison.ui.internal;

import java.util.List;

import org.liaison.api.crm.CrmRecord;

/** The CRM record types the workbench browses, edits and picks from, with the columns it shows. */
public record CrmTypes(String entitySet, String label, String idAttribute, String nameAttribute, String searchAttribute,
		List<String> columns) {

	public static final List<CrmTypes> ALL = List.of(
			new CrmTypes("accounts", "Accounts", "accountid", "name", "name",
					List.of("name", "accountnumber", "emailaddress1", "telephone1", "address1_city", "websiteurl")),
			new CrmTypes("contacts", "Contacts", "contactid", "fullname", "fullname",
					List.of("firstname", "lastname", "emailaddress1", "jobtitle", "telephone1", "address1_city")),
			new CrmTypes("leads", "Leads", "leadid", "fullname", "fullname",
					List.of("subject", "firstname", "lastname", "companyname", "emailaddress1", "telephone1")),
			new CrmTypes("opportunities", "Opportunities", "opportunityid", "name", "name",
					List.of("name", "estimatedclosedate")));

	/** The type of an entity set, or null. */
	public static CrmTypes of(String entitySet) {
		for (CrmTypes t : ALL) {
			if (t.entitySet.equals(entitySet)) {
				return t;
			}
		}
		return null;
	}

	/** Attributes to read: id, name and the columns. */
	public List<String> select() {
		java.util.LinkedHashSet<String> s = new java.util.LinkedHashSet<>();
		s.add(idAttribute);
		s.add(nameAttribute);
		s.addAll(columns);
		return List.copyOf(s);
	}

	/** A record's display name. */
	public String name(CrmRecord r) {
		String n = r.string(nameAttribute);
		return n == null || n.isBlank() ? "(" + r.id() + ")" : n;
	}

	/** Whether a column may be written (computed names are not). */
	public boolean editable(String column) {
		return !column.equals("fullname");
	}
}
