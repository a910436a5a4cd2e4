package org.liaison.api.store;

import java.time.Instant;
import java.util.UUID;

import org.liaison.api.model.ItemData;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.Side;

/**
 * The engine's scratch row for one changed item of one run: listed (href and version), then
 * fetched (ident, hash, content), then decided. Staging keeps a run's changes in the database
 * rather than in memory, so that a run over any number of changes holds only a page at a time.
 *
 * @param pairId the pair
 * @param side the side the item is on
 * @param href where
 * @param version its version as listed
 * @param removed null while present; else why it is gone
 * @param ident its ident once fetched (or, for a removed item, from the status)
 * @param hash its content hash once fetched
 * @param modified when its side last changed it, if known
 * @param data its content once fetched
 * @param statusIdent the ident of the status row this href belonged to, or null
 */
public record StagedItem(String pairId, Side side, String href, String version, Removal removed, UUID ident,
		String hash, Instant modified, ItemData data, UUID statusIdent) {

	public boolean fetched() {
		return data != null;
	}

	public static StagedItem listed(String pairId, Side side, String href, String version, UUID statusIdent) {
		return new StagedItem(pairId, side, href, version, null, null, null, null, null, statusIdent);
	}

	public static StagedItem gone(String pairId, Side side, String href, String version, Removal why, UUID ident) {
		return new StagedItem(pairId, side, href, version, why, ident, null, null, null, ident);
	}

	public StagedItem withContent(String newVersion, UUID newIdent, ItemData content, Instant lastModified) {
		return new StagedItem(pairId, side, href, newVersion, null, newIdent, content.contentHash(), lastModified,
				content, statusIdent);
	}
}
