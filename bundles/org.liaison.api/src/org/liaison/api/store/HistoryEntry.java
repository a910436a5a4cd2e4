package org.liaison.api.store;

import java.time.Instant;
import java.util.UUID;

import org.liaison.api.sync.PlannedAction;
import org.liaison.api.sync.Side;

/**
 * One action of a sync run with its reason, kept so that a user can see why an item did or did
 * not sync.
 *
 * @param runId the run
 * @param at when
 * @param pairId the pair
 * @param ident the item (null for a note about the run as a whole)
 * @param target the side acted on, or null
 * @param action what was done
 * @param reason why, in words a user can read
 * @param href the item on the target side, or null
 */
public record HistoryEntry(long runId, Instant at, String pairId, UUID ident, Side target,
		PlannedAction.Action action, String reason, String href) {
}
