package org.liaison.api.sync;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Settles true conflicts. The engine uses the highest-ranked resolver service; a plug-in may
 * register a better one at runtime and the engine takes it without a restart.
 */
@ConsumerType
public interface ConflictResolver {

	/** The outcome for one field. */
	enum Resolution {
		/** Write the CRM's value to the mailbox. */
		TAKE_CRM,
		/** Write the mailbox's value to the CRM. */
		TAKE_MAILBOX,
		/** Write nothing for this item; keep the conflict open for the user. */
		DEFER
	}

	Resolution resolve(FieldConflict conflict, ConflictPolicy policy);
}
