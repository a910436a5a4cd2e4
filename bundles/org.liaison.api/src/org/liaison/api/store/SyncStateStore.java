package org.liaison.api.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.liaison.api.sync.Side;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The sync engine's state in a profile's database, per pair of collections: status rows (one per
 * item pair), change-tracking tokens, the journal of intended effects, tombstones, the quarantine,
 * conflict records, the history of every action with its reason, and the engine's staging area.
 * Reads may run at any time from any thread; writes go through {@link #apply(SyncBatch)} (and the
 * few methods that say they write), one transaction each.
 */
@ProviderType
public interface SyncStateStore {

	// ---- tokens

	Optional<CollectionToken> token(String pairId, Side side) throws StoreException;

	// ---- status

	Optional<SyncStatus> status(String pairId, UUID ident) throws StoreException;

	/** The status rows of these idents (those that have one), keyed by ident. */
	Map<UUID, SyncStatus> statuses(String pairId, Collection<UUID> idents) throws StoreException;

	/** The status rows whose {@code side} has one of these hrefs, keyed by href. */
	Map<String, SyncStatus> statusByHref(String pairId, Side side, Collection<String> hrefs) throws StoreException;

	/**
	 * Streams the status rows that have an item on {@code side}, in no set order, without their last
	 * synced copies ({@code crmBase} and {@code mailboxBase} come back empty).
	 */
	void forEachStatus(String pairId, Side side, StoreConsumer<SyncStatus> sink) throws StoreException;

	/** How many status rows have an item on {@code side}. */
	int countStatus(String pairId, Side side) throws StoreException;

	/** One status row as {@link #forEachVersion} gives it: where each side's item is, and its version. */
	@FunctionalInterface
	interface VersionSink {
		void row(long rowId, String crmHref, String crmVersion, String mailboxHref, String mailboxVersion)
				throws StoreException;
	}

	/**
	 * Streams every status row of the pair with just its sides' hrefs and versions, in one sequential
	 * pass: what the engine needs to tell, for a full listing, which items are unchanged.
	 */
	void forEachVersion(String pairId, VersionSink sink) throws StoreException;

	// ---- journal

	/** Writes intended effects, pending, in one transaction; returns them with their ids. */
	default List<JournalEntry> writeJournal(List<JournalEntry> intents) throws StoreException {
		return writeJournal(intents, new SyncBatch());
	}

	/**
	 * Writes intended effects, pending, and applies {@code alongside} in the same transaction (what
	 * must be kept before the effects happen, such as the conflict record holding the values an
	 * effect will overwrite); returns the entries with their ids.
	 */
	List<JournalEntry> writeJournal(List<JournalEntry> intents, SyncBatch alongside) throws StoreException;

	/** The pair's journal entries (only the pending ones if asked), oldest first. */
	List<JournalEntry> journal(String pairId, boolean pendingOnly) throws StoreException;

	// ---- runs and history

	/** Records the start of a run (a write); returns its id. */
	long beginRun(String pairId, boolean dryRun) throws StoreException;

	/** Records the end of a run (a write). */
	void endRun(RunRecord run) throws StoreException;

	List<RunRecord> runs(String pairId, int limit) throws StoreException;

	/** The history of a pair, newest first, of one item if {@code ident} is not null. */
	List<HistoryEntry> history(String pairId, UUID ident, int limit) throws StoreException;

	// ---- tombstones

	/** Tombstones of a pair, newest first, of one item if {@code ident} is not null. */
	List<Tombstone> tombstones(String pairId, UUID ident, int limit) throws StoreException;

	// ---- quarantine

	List<QuarantineEntry> quarantine(String pairId) throws StoreException;

	/**
	 * The quarantined versions on one side, keyed by href (the quarantine is small: bad items only),
	 * discarded entries included: the engine leaves those versions out of sync too.
	 */
	Map<String, String> quarantinedVersions(String pairId, Side side) throws StoreException;

	/** How the history entry of a discarded quarantine entry begins. */
	String DISCARDED = "discarded by the user";

	/**
	 * Discards a quarantine entry the user gave up on (a write, one transaction): the entry is ended, no
	 * longer in {@link #quarantine(String)}, and the pair's history says so with a reason beginning
	 * {@link #DISCARDED}. Nothing else is deleted on either side: the entry's row and raw text stay in
	 * the store, and the item stays out of sync at that version ({@link #quarantinedVersions} still
	 * has it), so the next run does not quarantine it again. When the item changes on its side it is
	 * tried again as any item is; a new quarantine of it replaces the discarded entry.
	 *
	 * @return the entry as it was (without its raw text)
	 * @throws StoreException if the entry is not in quarantine (discarded already, released or gone)
	 * @since 0.3
	 */
	default QuarantineEntry discard(long entryId) throws StoreException {
		throw new StoreException("this store cannot discard quarantine entries");
	}

	// ---- conflicts

	/** The pair's conflicts, newest first; only those still open or chosen if asked. */
	List<ConflictRecord> conflicts(String pairId, boolean unsettledOnly) throws StoreException;

	/** The item's conflict that is still open or chosen, if any. */
	Optional<ConflictRecord> unsettledConflict(String pairId, UUID ident) throws StoreException;

	/**
	 * The user's per-field choice for an open conflict (a write): the next run writes it. Fields not
	 * named keep the policy's outcome.
	 */
	void choose(long conflictId, Map<String, Side> choices) throws StoreException;

	// ---- staging (the engine's scratch space for one run)

	/** Empties the pair's staging area (a write). */
	void clearStage(String pairId) throws StoreException;

	/** Adds or replaces staged rows, keyed by pair, side and href (a write). */
	void stage(List<StagedItem> items) throws StoreException;

	/** Removes staged rows (a write). */
	void unstage(String pairId, Side side, Collection<String> hrefs) throws StoreException;

	/** Up to {@code limit} present rows of a side not fetched yet, by href. */
	List<StagedItem> stagedToFetch(String pairId, Side side, int limit) throws StoreException;

	/**
	 * The staged rows of up to {@code limit} idents greater than {@code after} (null: from the
	 * first), ordered by ident then side: whole groups only.
	 */
	List<StagedItem> stagedGroups(String pairId, UUID after, int limit) throws StoreException;

	/** How many rows are staged on a side, present or removed. */
	int countStaged(String pairId, Side side, boolean removed) throws StoreException;

	// ---- writes

	/** Applies a batch in one transaction. */
	void apply(SyncBatch batch) throws StoreException;

	/** Drops every row of a pair: status, tokens, journal, staging, quarantine, conflicts, tombstones, history. */
	void forgetPair(String pairId) throws StoreException;
}
