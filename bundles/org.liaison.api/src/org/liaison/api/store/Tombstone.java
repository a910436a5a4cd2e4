package org.liaison.api.store;

import java.time.Instant;
import java.util.UUID;

import org.liaison.api.model.ItemData;
import org.liaison.api.sync.Side;

/**
 * The record of an item removed from one side, with its last copy so that it can be restored and
 * the removal explained.
 *
 * @param pairId the pair
 * @param ident the item
 * @param side the side it was removed from
 * @param href where it was
 * @param lastCopy its content when last seen
 * @param reason why it went ("deleted in the CRM", "deleted by sync: deleted in the mailbox", "left
 *        the sync filter")
 * @param at when
 * @param runId the run that recorded it
 */
public record Tombstone(String pairId, UUID ident, Side side, String href, ItemData lastCopy, String reason,
		Instant at, long runId) {
}
