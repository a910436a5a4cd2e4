package org.liaison.api.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.liaison.api.sync.Side;

/**
 * Writes to the sync state that take effect together: {@link SyncStateStore#apply(SyncBatch)}
 * applies them in one transaction, in the order they were added. The engine marks an effect done
 * in the same batch that records its new status, so that the store never says one without the other.
 */
public final class SyncBatch {

	/** One write. */
	public sealed interface Op permits PutStatus, RemoveStatus, JournalState, PutToken, AddHistory, AddTombstone,
			Quarantine, Release, EndQuarantine, PutConflict, ConflictState, ForgetDoneJournal {
	}

	/** Inserts or replaces the status row of {@code status.ident()}. */
	public record PutStatus(SyncStatus status) implements Op {
	}

	public record RemoveStatus(String pairId, UUID ident) implements Op {
	}

	/** Moves a journal entry to a new state (done, failed, interrupted). */
	public record JournalState(long entryId, JournalEntry.State state, String note) implements Op {
	}

	public record PutToken(String pairId, Side side, CollectionToken token) implements Op {
	}

	public record AddHistory(HistoryEntry entry) implements Op {
	}

	public record AddTombstone(Tombstone tombstone) implements Op {
	}

	/** Quarantines an item (replacing an earlier entry for the same href). */
	public record Quarantine(QuarantineEntry entry) implements Op {
	}

	/**
	 * Takes an item out of quarantine, to be tried again: the next run lists its side in full (a
	 * change listing would not report an item that did not change).
	 */
	public record Release(String pairId, Side side, String href) implements Op {
	}

	/**
	 * Ends an item's quarantine because a newer version of it synced (the version that could not be
	 * taken in is gone from its side). Unlike {@link Release}, the side's listing stays incremental.
	 */
	public record EndQuarantine(String pairId, Side side, String href) implements Op {
	}

	/**
	 * Inserts a conflict, or replaces the one conflict of the item that is still open or chosen
	 * (an item has at most one such conflict).
	 */
	public record PutConflict(ConflictRecord conflict) implements Op {
	}

	public record ConflictState(long conflictId, ConflictRecord.State state) implements Op {
	}

	/** Deletes the pair's journal entries that are no longer pending. */
	public record ForgetDoneJournal(String pairId) implements Op {
	}

	private final List<Op> ops = new ArrayList<>();

	public SyncBatch add(Op op) {
		ops.add(Objects.requireNonNull(op, "op"));
		return this;
	}

	public SyncBatch putStatus(SyncStatus status) {
		return add(new PutStatus(status));
	}

	public SyncBatch removeStatus(String pairId, UUID ident) {
		return add(new RemoveStatus(pairId, ident));
	}

	public SyncBatch journal(long entryId, JournalEntry.State state, String note) {
		return add(new JournalState(entryId, state, note));
	}

	public SyncBatch token(String pairId, Side side, CollectionToken token) {
		return add(new PutToken(pairId, side, token));
	}

	public SyncBatch history(HistoryEntry entry) {
		return add(new AddHistory(entry));
	}

	public SyncBatch tombstone(Tombstone tombstone) {
		return add(new AddTombstone(tombstone));
	}

	public SyncBatch quarantine(QuarantineEntry entry) {
		return add(new Quarantine(entry));
	}

	public SyncBatch release(String pairId, Side side, String href) {
		return add(new Release(pairId, side, href));
	}

	public SyncBatch endQuarantine(String pairId, Side side, String href) {
		return add(new EndQuarantine(pairId, side, href));
	}

	public SyncBatch conflict(ConflictRecord conflict) {
		return add(new PutConflict(conflict));
	}

	public SyncBatch conflictState(long conflictId, ConflictRecord.State state) {
		return add(new ConflictState(conflictId, state));
	}

	public SyncBatch forgetDoneJournal(String pairId) {
		return add(new ForgetDoneJournal(pairId));
	}

	public List<Op> ops() {
		return Collections.unmodifiableList(ops);
	}

	public boolean isEmpty() {
		return ops.isEmpty();
	}

	public int size() {
		return ops.size();
	}
}
