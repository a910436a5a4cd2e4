package org.liaison.sync.engine.internal;

import java.util.ArrayList;
import java.util.List;

import org.liaison.api.model.ItemData;
import org.liaison.api.store.ConflictRecord;
import org.liaison.api.store.JournalEntry;
import org.liaison.api.store.Tombstone;
import org.liaison.api.sync.PlannedAction;
import org.liaison.api.sync.Side;

/** What the engine decided for one item: the effects on the sides, and the state after them. */
final class Plan {

	/** How the status row ends up. */
	enum Outcome {
		/** Written from the sides' states after the effects. */
		WRITE,
		/** Deleted: the item is gone from both sides or left the pair. */
		REMOVE,
		/** Left as it is (a deferred conflict, a failure to retry next run). */
		KEEP
	}

	/** One intended effect. */
	record Effect(Side target, JournalEntry.Effect kind, String href, String expectedVersion, ItemData data,
			String reason) {
	}

	final Group group;
	final List<Effect> effects = new ArrayList<>();
	final List<PlannedAction> actions = new ArrayList<>();
	final List<Tombstone> tombstones = new ArrayList<>();
	Outcome outcome = Outcome.WRITE;
	/** A conflict waits for the user: the change tokens must not move past the item. */
	boolean deferred;
	/** Content of each side after the effects; null for a side with no item (unlinked or gone). */
	ItemData crmAfter;
	ItemData mailboxAfter;
	/** A conflict record to write, and the side counted for it (null: counted on neither). */
	ConflictRecord conflict;
	Side conflictCountedOn;
	boolean conflictIsNew;
	/** The conflict record went to the store (with the journal, before the effects). */
	boolean conflictWritten;
	/** An earlier unsettled conflict of the item that this plan settles or makes obsolete. */
	Long settlesConflict;
	ConflictRecord.State settlesAs;
	/** A note for the history when nothing is written to a side but the pair changed (linked, unlinked). */
	String note;
	PlannedAction.Action noteAction = PlannedAction.Action.NOTHING;

	Plan(Group group) {
		this.group = group;
	}

	ItemData after(Side s) {
		return s == Side.CRM ? crmAfter : mailboxAfter;
	}

	void after(Side s, ItemData d) {
		if (s == Side.CRM) {
			crmAfter = d;
		} else {
			mailboxAfter = d;
		}
	}

	boolean deletes(Side s) {
		for (Effect e : effects) {
			if (e.target() == s && e.kind() == JournalEntry.Effect.DELETE) {
				return true;
			}
		}
		return false;
	}
}
