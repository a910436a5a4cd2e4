package org.liaison.api.offline;

import java.util.Locale;

/** The CRM record types a user can take offline, with their Web API names. */
public enum OfflineEntity {
	ACCOUNTS("accounts", "account", "accountid", "name", false),
	CONTACTS("contacts", "contact", "contactid", "fullname", false),
	LEADS("leads", "lead", "leadid", "fullname", false),
	OPPORTUNITIES("opportunities", "opportunity", "opportunityid", "name", false),
	EMAILS("emails", "email", "activityid", "subject", true),
	APPOINTMENTS("appointments", "appointment", "activityid", "subject", true),
	TASKS("tasks", "task", "activityid", "subject", true);

	private final String entitySet;
	private final String logicalName;
	private final String key;
	private final String primaryName;
	private final boolean activity;

	OfflineEntity(String entitySet, String logicalName, String key, String primaryName, boolean activity) {
		this.entitySet = entitySet;
		this.logicalName = logicalName;
		this.key = key;
		this.primaryName = primaryName;
		this.activity = activity;
	}

	/** The Web API entity set, e.g. {@code contacts}. */
	public String entitySet() {
		return entitySet;
	}

	/** The logical name, e.g. {@code contact}. */
	public String logicalName() {
		return logicalName;
	}

	/** The primary key attribute, e.g. {@code contactid}. */
	public String key() {
		return key;
	}

	/** The attribute that names a record to the user, e.g. {@code fullname}. */
	public String primaryName() {
		return primaryName;
	}

	/** Whether it is an activity (email, appointment, task). */
	public boolean activity() {
		return activity;
	}

	/** The entity of an entity set or logical name ({@code contacts}, {@code contact}), or null. */
	public static OfflineEntity of(String name) {
		String n = name.trim().toLowerCase(Locale.ROOT);
		for (OfflineEntity e : values()) {
			if (e.entitySet.equals(n) || e.logicalName.equals(n)) {
				return e;
			}
		}
		return null;
	}
}
