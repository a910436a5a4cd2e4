package org.liaison.testing.contract;

/** What a collection can do; the contract checks only what the fixture claims, and the refusals of the rest. */
public enum Capability {
	/** {@code create} makes items (a read-only view has not this). */
	CREATE,
	/** {@code update} changes items (mail folders, whose messages are immutable, have not this: updates are refused). */
	UPDATE,
	/** {@code delete} removes items. */
	DELETE,
	/** {@code list} honours tokens and reports only what changed since one. */
	CHANGE_TRACKING,
	/** The fixture can plant an item the connector cannot read ({@link ContractFixture#plantMalformed}). */
	PLANT_MALFORMED
}
