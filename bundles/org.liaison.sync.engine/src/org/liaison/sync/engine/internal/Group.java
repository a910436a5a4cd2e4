package org.liaison.sync.engine.internal;

import java.time.Instant;
import java.util.UUID;

import org.liaison.api.model.ItemData;
import org.liaison.api.store.ConflictRecord;
import org.liaison.api.store.SyncStatus;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Side;

/** One item as the engine sees it in a run: its status row and each side now. */
final class Group {

	/** What a side shows now, against the status. */
	enum Now {
		/** No item on this side and none known. */
		NONE,
		/** Unchanged since the last sync (or only its version changed: a flaky ETag). */
		SAME,
		/** New, or changed in content since the last sync. */
		CHANGED,
		/** Deleted on this side since the last sync. */
		GONE_DELETED,
		/** Left this side's scope (a sync filter) since the last sync; not deleted. */
		GONE_SCOPE
	}

	/** One side. */
	static final class SideNow {
		Now state = Now.NONE;
		String href;
		String version;
		/** The content now (for a gone item: its last synced copy). */
		ItemData data;
		Instant modified;
		/** The item as fetched just before writing to it (for If-Match and its native form). */
		RemoteItem current;

		boolean gone() {
			return state == Now.GONE_DELETED || state == Now.GONE_SCOPE;
		}

		boolean present() {
			return state == Now.SAME || state == Now.CHANGED;
		}
	}

	final UUID ident;
	SyncStatus status;
	final SideNow crm = new SideNow();
	final SideNow mailbox = new SideNow();
	/** The item's conflict that is open or chosen, if any. */
	ConflictRecord unsettled;
	/** How many times the plan was made again after a surprise while writing. */
	int replans;

	Group(UUID ident) {
		this.ident = ident;
	}

	SideNow side(Side s) {
		return s == Side.CRM ? crm : mailbox;
	}
}
