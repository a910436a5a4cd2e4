package org.liaison.api.store;

import java.time.Instant;
import java.util.UUID;

import org.liaison.api.sync.Side;

/**
 * An item the engine could not take in (malformed content, refused by the other side), kept with
 * its raw text so that nothing is lost. The item stays out of sync at this version; when it
 * changes on its side, or the user releases the entry, it is tried again.
 *
 * @param id the store's number, or 0 before it is written
 * @param pairId the pair
 * @param side the side the item is on
 * @param href where
 * @param version the version that could not be taken in
 * @param ident the item's ident if it is known, else null
 * @param reason a clear message naming what is wrong
 * @param raw the raw text as received, or null
 * @param at when
 */
public record QuarantineEntry(long id, String pairId, Side side, String href, String version, UUID ident,
		String reason, String raw, Instant at) {
}
