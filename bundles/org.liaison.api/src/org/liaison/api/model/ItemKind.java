package org.liaison.api.model;

/** The kinds of item Liaison synchronizes between the mailbox and the CRM. */
public enum ItemKind {
	CONTACT("contacts"), APPOINTMENT("appointments"), TASK("tasks"), EMAIL("emails");

	private final String entitySet;

	ItemKind(String entitySet) {
		this.entitySet = entitySet;
	}

	/** The CRM entity set that holds items of this kind. */
	public String entitySet() {
		return entitySet;
	}
}
