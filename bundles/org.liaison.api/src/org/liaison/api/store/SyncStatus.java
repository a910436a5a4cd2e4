package org.liaison.api.store;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import org.liaison.api.model.ItemData;
import org.liaison.api.sync.Side;

/**
 * The sync status of one item pair, as vdirsyncer keeps it: the ident, each side's href, version
 * and content hash when last synced, and the last synced copy of each side for the 3-way merge.
 * A side that is null is unlinked: its copy was removed on purpose (a mailbox delete that does not
 * reach the CRM, an item untracked) and is not made again while this row stands.
 *
 * @param pairId the pair
 * @param ident the item's cross-side identity
 * @param crm the CRM side, or null when unlinked
 * @param mailbox the mailbox side, or null when unlinked
 * @param crmBase the CRM side's content when last synced (null only in the light rows of
 *        {@link SyncStateStore#forEachStatus})
 * @param mailboxBase the mailbox side's content when last synced (usually equal to {@code crmBase};
 *        they differ when per-field directions keep a field apart)
 * @param synced when the pair was last synced
 * @param rowId the store's number for the row (stable while the row lives), or -1 for a new row
 */
public record SyncStatus(String pairId, UUID ident, SideState crm, SideState mailbox, ItemData crmBase,
		ItemData mailboxBase, Instant synced, long rowId) {

	public SyncStatus {
		Objects.requireNonNull(pairId, "pairId");
		Objects.requireNonNull(ident, "ident");
		mailboxBase = mailboxBase == null ? crmBase : mailboxBase;
		if (crm == null && mailbox == null) {
			throw new IllegalArgumentException("a status row needs at least one side");
		}
	}

	public SideState side(Side side) {
		return side == Side.CRM ? crm : mailbox;
	}

	public ItemData base(Side side) {
		return side == Side.CRM ? crmBase : mailboxBase;
	}

	/** Both sides hold the item and are kept in step. */
	public boolean linked() {
		return crm != null && mailbox != null;
	}

	/** A copy with one side replaced (null unlinks it). */
	public SyncStatus withSide(Side side, SideState state) {
		return side == Side.CRM ? new SyncStatus(pairId, ident, state, mailbox, crmBase, mailboxBase, synced, rowId)
				: new SyncStatus(pairId, ident, crm, state, crmBase, mailboxBase, synced, rowId);
	}
}
