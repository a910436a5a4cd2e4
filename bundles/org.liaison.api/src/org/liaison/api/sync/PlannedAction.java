package org.liaison.api.sync;

import java.util.UUID;

/**
 * One decision of the engine about one item, with the reason in words a user can read.
 *
 * @param ident the item
 * @param target the side written to (for a conflict: the side that loses, or null when deferred)
 * @param action what is done
 * @param reason why
 */
public record PlannedAction(UUID ident, Side target, Action action, String reason) {

	public enum Action {
		CREATE, UPDATE, DELETE, UNLINK, CONFLICT, QUARANTINE, NOTHING,
		/** Failed for now (the server was busy or unreachable after retries): tried again next run. */
		RETRY
	}
}
