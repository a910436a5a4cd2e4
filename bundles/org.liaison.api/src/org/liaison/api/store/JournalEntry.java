package org.liaison.api.store;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import org.liaison.api.sync.Side;

/**
 * One intended effect on one side, written before it happens and marked done after (isync's
 * journal). A run that finds entries still {@link State#PENDING} knows an earlier run stopped
 * between the two and checks those items again.
 *
 * @param id the store's number, or 0 before it is written
 * @param pairId the pair
 * @param runId the run that intended it
 * @param ident the item
 * @param target the side written to
 * @param effect what is done
 * @param href the target item (null for a create: the side chooses it)
 * @param expectedVersion the version the write is conditional on (null for a create)
 * @param intendedHash the content hash the target will have after the write (null for a delete)
 * @param state where it is
 * @param at when it was written
 * @param note why, in words
 */
public record JournalEntry(long id, String pairId, long runId, UUID ident, Side target, Effect effect, String href,
		String expectedVersion, String intendedHash, State state, Instant at, String note) {

	/** The kinds of effect. */
	public enum Effect {
		CREATE, UPDATE, DELETE
	}

	/** Where an entry is. */
	public enum State {
		/** Written, the effect may or may not have happened. */
		PENDING,
		/** The effect happened and the status says so. */
		DONE,
		/** The effect was refused or failed; nothing changed on the target. */
		FAILED,
		/** A later run found it pending and checked the item again. */
		INTERRUPTED
	}

	public JournalEntry {
		Objects.requireNonNull(pairId, "pairId");
		Objects.requireNonNull(ident, "ident");
		Objects.requireNonNull(target, "target");
		Objects.requireNonNull(effect, "effect");
		Objects.requireNonNull(state, "state");
	}

	/** A new pending entry. */
	public static JournalEntry intent(String pairId, long runId, UUID ident, Side target, Effect effect, String href,
			String expectedVersion, String intendedHash, String note) {
		return new JournalEntry(0, pairId, runId, ident, target, effect, href, expectedVersion, intendedHash,
				State.PENDING, Instant.now(), note);
	}

	public JournalEntry withId(long newId) {
		return new JournalEntry(newId, pairId, runId, ident, target, effect, href, expectedVersion, intendedHash, state,
				at, note);
	}
}
