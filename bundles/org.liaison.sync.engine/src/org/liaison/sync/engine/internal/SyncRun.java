package org.liaison.sync.engine.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.SubMonitor;
import org.liaison.api.model.ItemData;
import org.liaison.api.store.CollectionToken;
import org.liaison.api.store.ConflictRecord;
import org.liaison.api.store.HistoryEntry;
import org.liaison.api.store.JournalEntry;
import org.liaison.api.store.QuarantineEntry;
import org.liaison.api.store.RunRecord;
import org.liaison.api.store.SideState;
import org.liaison.api.store.StagedItem;
import org.liaison.api.store.StoreException;
import org.liaison.api.store.SyncBatch;
import org.liaison.api.store.SyncStateStore;
import org.liaison.api.store.SyncStatus;
import org.liaison.api.store.Tombstone;
import org.liaison.api.sync.AlreadyExistsException;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemRejectedException;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.NotFoundException;
import org.liaison.api.sync.PlannedAction;
import org.liaison.api.sync.PlannedAction.Action;
import org.liaison.api.sync.PreconditionFailedException;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SideCounts;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.SyncOptions;
import org.liaison.api.sync.SyncPair;
import org.liaison.api.sync.SyncReport;
import org.liaison.api.sync.TokenExpiredException;
import org.liaison.api.sync.TransientException;
import org.liaison.api.sync.WriteResult;
import org.liaison.sync.engine.internal.Group.Now;
import org.liaison.sync.engine.internal.Group.SideNow;

/**
 * One run of one pair: list both sides into the staging area (only what changed against the
 * status), fetch what changed, then decide and write page by page, each effect journaled before it
 * happens and marked done, with the new status, after. Holds a page at a time, never a collection.
 */
public final class SyncRun {

	private static final int MAX_REPLANS = 2;
	private static final int MAX_FAILURES_IN_A_ROW = 25;

	private final SyncStateStore state;
	private final SyncPair pair;
	private final String pairId;
	private final SyncOptions options;
	private final EngineSettings settings;
	private final Planner planner;
	private final Retry retry;
	private final SubMonitor monitor;

	private long runId = -1;
	private final Map<Side, Counter> counts = new EnumMap<>(Side.class);
	private final List<PlannedAction> actions = new ArrayList<>();
	private final Map<Side, String> newTokens = new EnumMap<>(Side.class);
	private final Map<Side, Boolean> listed = new EnumMap<>(Side.class);
	private int failuresInARow;
	/** Some item was left for the next run: keep the old tokens so that it is listed again. */
	private boolean incomplete;
	private final java.util.Set<String> quarantinedThisRun = new java.util.HashSet<>();
	/** Per side, items in quarantine at another version, by href: the version listed in this run, the quarantined one. */
	private final Map<Side, Map<String, String[]>> quarantineRetried = new EnumMap<>(Side.class);

	/** Mutable counts of one side. */
	private static final class Counter {
		int created;
		int updated;
		int deleted;
		int conflicts;
		int quarantined;

		SideCounts freeze() {
			return new SideCounts(created, updated, deleted, conflicts, quarantined);
		}
	}

	public SyncRun(SyncStateStore state, SyncPair pair, SyncOptions options, ConflictResolver resolver,
			EngineSettings settings, IProgressMonitor monitor) {
		this.state = state;
		this.pair = pair;
		this.pairId = pair.id();
		this.options = options == null ? SyncOptions.normal() : options;
		this.settings = settings == null ? EngineSettings.defaults() : settings;
		this.planner = new Planner(pairId, pair.policy(), resolver);
		this.monitor = SubMonitor.convert(monitor, "Syncing " + pairId, 100);
		this.retry = new Retry(this.settings, this.monitor);
		for (Side s : Side.values()) {
			counts.put(s, new Counter());
			quarantineRetried.put(s, new HashMap<>());
		}
	}

	private boolean dry() {
		return options.dryRun();
	}

	private void checkCancel() {
		if (monitor.isCanceled()) {
			throw new OperationCanceledException("sync of " + pairId + " cancelled");
		}
	}

	private void step(String name) {
		settings.hook().step(name);
	}

	// ================================================================== the run

	public SyncReport run() throws SyncException {
		Instant started = Instant.now();
		try {
			begin();
			monitor.subTask("listing changes");
			for (Side s : Side.values()) {
				list(s, monitor.split(15));
			}
			monitor.subTask("fetching changed items");
			for (Side s : Side.values()) {
				fetch(s, monitor.split(15));
			}
			String brake = brake();
			if (brake != null && !dry()) {
				finish(started, "stopped by the delete brake: " + brake, false);
				return report(started, brake);
			}
			monitor.subTask(dry() ? "deciding" : "writing changes");
			decideAndWrite(monitor.split(40));
			finish(started, "done", true);
			return report(started, brake);
		} catch (StoreException e) {
			throw new SyncException("the local store failed during the sync of " + pairId + ": " + e.getMessage(), e);
		} catch (SyncException | RuntimeException e) {
			endQuietly(started, "failed: " + e.getMessage());
			throw e;
		}
	}

	private void begin() throws StoreException {
		state.clearStage(pairId);
		if (dry()) {
			return;
		}
		runId = state.beginRun(pairId, false);
		List<JournalEntry> pending = state.journal(pairId, true);
		if (!pending.isEmpty()) {
			SyncBatch b = new SyncBatch();
			for (JournalEntry e : pending) {
				b.journal(e.id(), JournalEntry.State.INTERRUPTED, "run " + e.runId() + " stopped between journaling and"
						+ " finishing this; checked again by run " + runId);
				b.history(new HistoryEntry(runId, Instant.now(), pairId, e.ident(), e.target(), Action.NOTHING,
						"an earlier run stopped before it finished its " + e.effect().name().toLowerCase() + " in "
								+ Planner.name(e.target()) + "; this run checks the item again",
						e.href()));
			}
			state.apply(b);
		}
	}

	private SyncReport report(Instant started, String brake) {
		return new SyncReport(pairId, counts.get(Side.CRM).freeze(), counts.get(Side.MAILBOX).freeze(), actions,
				brake, Duration.between(started, Instant.now()));
	}

	private void finish(Instant started, String outcome, boolean complete) throws StoreException {
		SyncBatch b = new SyncBatch();
		if (complete && !dry()) {
			for (Side s : Side.values()) {
				if (!incomplete) {
					b.token(pairId, s, new CollectionToken(pair.side(s).info().id(), newTokens.get(s), false));
				}
			}
			b.forgetDoneJournal(pairId);
			settleQuarantine(b, started);
			state.apply(b);
		}
		state.clearStage(pairId);
		if (!dry()) {
			state.endRun(new RunRecord(runId, pairId, started, Instant.now(), false, counts.get(Side.CRM).freeze(),
					counts.get(Side.MAILBOX).freeze(), outcome));
		}
	}

	/**
	 * Ends the quarantine of items whose newer version synced: the entry was kept for a version that
	 * could not be taken in, the item changed on its side since, and its status holds the version
	 * listed now, or was written in this run past the quarantined one (a write-back may have changed
	 * the version again). An item quarantined again in this run keeps its new entry; one whose new
	 * version failed for now keeps the old entry.
	 */
	private void settleQuarantine(SyncBatch b, Instant started) throws StoreException {
		for (Side s : Side.values()) {
			Map<String, String[]> retried = quarantineRetried.get(s);
			if (retried.isEmpty()) {
				continue;
			}
			Map<String, SyncStatus> now = state.statusByHref(pairId, s, retried.keySet());
			Map<String, String> stillQuarantined = state.quarantinedVersions(pairId, s);
			for (Map.Entry<String, String[]> e : retried.entrySet()) {
				SyncStatus st = now.get(e.getKey());
				String listed = e.getValue()[0];
				String bad = e.getValue()[1];
				if (st == null || st.side(s) == null || !bad.equals(stillQuarantined.get(e.getKey()))) {
					continue;
				}
				String version = st.side(s).version();
				boolean writtenNow = st.synced() != null && !st.synced().isBefore(started) && !bad.equals(version);
				if (listed.equals(version) || writtenNow) {
					b.endQuarantine(pairId, s, e.getKey());
					b.history(new HistoryEntry(runId, Instant.now(), pairId, st.ident(), s, Action.NOTHING,
							"out of quarantine: the version that could not be taken in was replaced in "
									+ Planner.name(s) + " by one that synced",
							e.getKey()));
				}
			}
		}
	}

	private void endQuietly(Instant started, String outcome) {
		if (dry() || runId < 0) {
			return;
		}
		try {
			state.endRun(new RunRecord(runId, pairId, started, Instant.now(), false, counts.get(Side.CRM).freeze(),
					counts.get(Side.MAILBOX).freeze(), outcome));
		} catch (StoreException ignored) {
			// the run failed already; its record stays unfinished
		}
	}

	private void record(PlannedAction a) {
		int limit = dry() ? 1_000_000 : settings.reportActions();
		if (actions.size() < limit) {
			actions.add(a);
		}
	}

	// ================================================================== 1. list

	/** Listing entries waiting for their status lookup. */
	private final class Lister implements ListSink {
		final Side side;
		final BitSet seen = new BitSet();
		final Map<String, String> quarantined;
		final Map<String, String> present = new LinkedHashMap<>();
		final Map<String, Removal> removed = new LinkedHashMap<>();
		final List<String> released = new ArrayList<>();
		int seenCount;

		/** Notes an item in quarantine at another version than the one listed now (see {@link #settleQuarantine}). */
		private void noteQuarantined(String href, String version) {
			String q = quarantined.get(href);
			if (q != null && !q.equals(version)) {
				quarantineRetried.get(side).put(href, new String[] { version, q });
			}
		}

		/** For a full listing: what is unchanged, without asking the store item by item. */
		Fingerprints fingerprints;

		Lister(Side side) throws StoreException {
			this.side = side;
			this.quarantined = state.quarantinedVersions(pairId, side);
		}

		void full() throws StoreException {
			fingerprints = fingerprints(side);
		}

		@Override
		public void present(ItemVersion item) throws SyncException {
			present.put(item.href(), item.version());
			if (present.size() + removed.size() >= settings.listChunk()) {
				flush();
			}
		}

		@Override
		public void removed(String href, Removal why) throws SyncException {
			removed.put(href, why);
			if (present.size() + removed.size() >= settings.listChunk()) {
				flush();
			}
		}

		void flush() throws SyncException {
			checkCancel();
			if (present.isEmpty() && removed.isEmpty()) {
				return;
			}
			try {
				if (fingerprints != null) {
					// unchanged items (most of a full listing) are told by their fingerprints
					for (var it = present.entrySet().iterator(); it.hasNext();) {
						var e = it.next();
						noteQuarantined(e.getKey(), e.getValue());
						long row = fingerprints.unchanged(e.getKey(), e.getValue());
						if (row >= 0) {
							if (!seen.get((int) row)) {
								seen.set((int) row);
								seenCount++;
							}
							it.remove();
						}
					}
					if (present.isEmpty() && removed.isEmpty()) {
						return;
					}
				}
				List<String> hrefs = new ArrayList<>(present.keySet());
				hrefs.addAll(removed.keySet());
				Map<String, SyncStatus> known = state.statusByHref(pairId, side, hrefs);
				List<StagedItem> stage = new ArrayList<>();
				for (Map.Entry<String, String> e : present.entrySet()) {
					noteQuarantined(e.getKey(), e.getValue());
					SyncStatus st = known.get(e.getKey());
					if (st != null && !seen.get((int) st.rowId())) {
						seen.set((int) st.rowId());
						seenCount++;
					}
					if (st != null && e.getValue().equals(st.side(side).version())) {
						continue; // unchanged since the last sync
					}
					if (e.getValue().equals(quarantined.get(e.getKey()))) {
						continue; // still the version that could not be taken in
					}
					stage.add(StagedItem.listed(pairId, side, e.getKey(), e.getValue(), st == null ? null : st.ident()));
				}
				for (Map.Entry<String, Removal> e : removed.entrySet()) {
					SyncStatus st = known.get(e.getKey());
					if (st != null) {
						stage.add(StagedItem.gone(pairId, side, e.getKey(), st.side(side).version(), e.getValue(),
								st.ident()));
					}
					if (quarantined.containsKey(e.getKey())) {
						released.add(e.getKey());
					}
				}
				state.stage(stage);
			} catch (StoreException e) {
				throw new SyncException("the local store failed while listing " + pairId + ": " + e.getMessage(), e);
			}
			present.clear();
			removed.clear();
		}
	}

	private void list(Side side, SubMonitor mon) throws SyncException, StoreException {
		ItemCollection coll = pair.side(side);
		Optional<CollectionToken> saved = state.token(pairId, side);
		String since = null;
		if (saved.isPresent()) {
			CollectionToken t = saved.get();
			if (t.collectionId() != null && !t.collectionId().equals(coll.info().id())) {
				history(null, side, Action.NOTHING, "the pair now points at another collection (" + coll.info().id()
						+ ", was " + t.collectionId() + "): listed in full", null);
			} else {
				since = t.token();
			}
		} else if (!dry()) {
			state.apply(new SyncBatch().token(pairId, side, new CollectionToken(coll.info().id(), null, true)));
		}
		if (saved.isPresent() && saved.get().initialSync() && !dry()) {
			history(null, side, Action.NOTHING, "the first sync of " + Planner.name(side)
					+ " was interrupted; this run takes it up again", null);
		}
		Lister lister = new Lister(side);
		if (since == null) {
			lister.full();
		}
		String start = since;
		String token;
		try {
			token = retry.run(() -> coll.list(start, lister, mon));
		} catch (TokenExpiredException e) {
			history(null, side, Action.NOTHING, "the change token of " + Planner.name(side)
					+ " expired: listed in full (" + e.getMessage() + ")", null);
			since = null;
			lister.present.clear();
			lister.removed.clear();
			lister.full();
			token = retry.run(() -> coll.list(null, lister, mon));
		}
		lister.flush();
		newTokens.put(side, token);
		boolean full = since == null || token == null;
		listed.put(side, full);
		if (full) {
			goneInFullListing(side, lister);
		}
		if (!lister.released.isEmpty() && !dry()) {
			SyncBatch b = new SyncBatch();
			for (String h : lister.released) {
				b.release(pairId, side, h);
			}
			state.apply(b);
		}
	}

	private Fingerprints[] fingerprints;

	/** Both sides' fingerprints, loaded once per run in one pass over the status. */
	private Fingerprints fingerprints(Side side) throws StoreException {
		if (fingerprints == null) {
			fingerprints = Fingerprints.load(state, pairId, 1024);
		}
		return fingerprints[side.ordinal()];
	}

	/** After a full listing: status rows whose item was not listed are gone (deleted or out of scope). */
	private void goneInFullListing(Side side, Lister lister) throws SyncException, StoreException {
		int known = lister.fingerprints != null ? lister.fingerprints.size() : state.countStatus(pairId, side);
		if (lister.seenCount >= known) {
			return;
		}
		ItemCollection coll = pair.side(side);
		List<SyncStatus> missing = new ArrayList<>();
		try {
			state.forEachStatus(pairId, side, st -> {
				if (!lister.seen.get((int) st.rowId())) {
					missing.add(st);
					if (missing.size() >= settings.listChunk()) {
						try {
							stageGone(side, coll, missing);
						} catch (SyncException e) {
							throw new StoreException(e.getMessage(), e);
						}
						missing.clear();
					}
				}
			});
		} catch (StoreException e) {
			if (e.getCause() instanceof SyncException se) {
				throw se;
			}
			throw e;
		}
		stageGone(side, coll, missing);
	}

	private void stageGone(Side side, ItemCollection coll, List<SyncStatus> missing) throws SyncException, StoreException {
		if (missing.isEmpty()) {
			return;
		}
		List<String> hrefs = new ArrayList<>();
		for (SyncStatus st : missing) {
			hrefs.add(st.side(side).href());
		}
		Map<String, Removal> why = retry.run(() -> coll.whyGone(hrefs));
		List<StagedItem> stage = new ArrayList<>();
		for (SyncStatus st : missing) {
			SideState ss = st.side(side);
			stage.add(StagedItem.gone(pairId, side, ss.href(), ss.version(),
					why.getOrDefault(ss.href(), Removal.DELETED), st.ident()));
		}
		state.stage(stage);
	}

	// ================================================================== 2. fetch

	private void fetch(Side side, SubMonitor mon) throws SyncException, StoreException {
		ItemCollection coll = pair.side(side);
		int total = state.countStaged(pairId, side, false);
		mon.setWorkRemaining(Math.max(1, total));
		while (true) {
			checkCancel();
			List<StagedItem> rows = state.stagedToFetch(pairId, side, settings.fetchBatch());
			if (rows.isEmpty()) {
				return;
			}
			Map<String, StagedItem> byHref = new LinkedHashMap<>();
			for (StagedItem r : rows) {
				byHref.put(r.href(), r);
			}
			List<StagedItem> fetched = new ArrayList<>();
			List<QuarantineEntry> bad = new ArrayList<>();
			Map<String, Boolean> seen = new HashMap<>();
			retry.run(() -> {
				fetched.clear();
				bad.clear();
				seen.clear();
				coll.get(new ArrayList<>(byHref.keySet()), new FetchSink() {
					@Override
					public void item(RemoteItem item) {
						StagedItem r = byHref.get(item.href());
						if (r == null || seen.put(item.href(), true) != null) {
							return;
						}
						// an item we know keeps the ident of its status row, whatever it carries now
						UUID ident = r.statusIdent() != null ? r.statusIdent() : item.ident();
						fetched.add(r.withContent(item.version(), ident, item.data(), item.modified()));
					}

					@Override
					public void bad(String href, String version, String reason, String raw) {
						StagedItem r = byHref.get(href);
						if (r == null || seen.put(href, true) != null) {
							return;
						}
						bad.add(new QuarantineEntry(0, pairId, side, href, version, r.statusIdent(), reason, raw,
								Instant.now()));
					}
				}, mon.split(rows.size()));
				return null;
			});
			List<String> drop = new ArrayList<>();
			for (String h : byHref.keySet()) {
				if (!seen.containsKey(h)) {
					drop.add(h); // gone between listing and fetching: the next run sees it gone
				}
			}
			for (QuarantineEntry q : bad) {
				drop.add(q.href());
			}
			state.stage(fetched);
			state.unstage(pairId, side, drop);
			if (!bad.isEmpty()) {
				SyncBatch b = new SyncBatch();
				for (QuarantineEntry q : bad) {
					counts.get(side).quarantined++;
					String reason = "cannot be read: " + q.reason() + "; kept in quarantine with its raw text, the rest of the"
							+ " sync goes on";
					record(new PlannedAction(q.ident(), side, Action.QUARANTINE, q.href() + " " + reason));
					b.quarantine(q);
					b.history(new HistoryEntry(runId, Instant.now(), pairId, q.ident(), side, Action.QUARANTINE, reason,
							q.href()));
				}
				if (!dry()) {
					state.apply(b);
				}
			}
		}
	}

	// ================================================================== 3. decide and write

	/** Builds the groups of one page of staged rows. */
	private List<Group> groups(List<StagedItem> rows) throws StoreException {
		Map<UUID, Group> groups = new LinkedHashMap<>();
		Map<UUID, Map<Side, StagedItem>> bySide = new HashMap<>();
		List<QuarantineEntry> duplicates = new ArrayList<>();
		for (StagedItem r : rows) {
			Map<Side, StagedItem> sides = bySide.computeIfAbsent(r.ident(), k -> new EnumMap<>(Side.class));
			StagedItem other = sides.get(r.side());
			if (other != null) {
				// two items on one side carry the same ident: keep one, quarantine the other
				StagedItem loser = other.removed() != null ? other : r;
				StagedItem winner = loser == r ? other : r;
				sides.put(r.side(), winner);
				if (loser.removed() == null) {
					duplicates.add(new QuarantineEntry(0, pairId, loser.side(), loser.href(), loser.version(),
							loser.ident(), "carries the same Liaison id as " + winner.href()
									+ ": kept out of sync so that it is not merged into the wrong item",
							loser.data() == null ? null : loser.data().toText(), Instant.now()));
				}
				continue;
			}
			sides.put(r.side(), r);
			groups.computeIfAbsent(r.ident(), Group::new);
		}
		Map<UUID, SyncStatus> statuses = state.statuses(pairId, groups.keySet());
		for (Group g : groups.values()) {
			g.status = statuses.get(g.ident);
			Map<Side, StagedItem> sides = bySide.get(g.ident);
			for (Side s : Side.values()) {
				StagedItem r = sides.get(s);
				SideState known = g.status == null ? null : g.status.side(s);
				if (r != null && r.removed() == null && known != null && !known.href().equals(r.href())) {
					// a second item carrying the ident of an item still linked at another href
					sides.remove(s);
					duplicates.add(new QuarantineEntry(0, pairId, s, r.href(), r.version(), r.ident(),
							"carries the same Liaison id as " + known.href()
									+ ": kept out of sync so that it is not merged into the wrong item",
							r.data() == null ? null : r.data().toText(), Instant.now()));
				}
			}
			for (Side s : Side.values()) {
				fill(g, s, sides.get(s));
			}
			if (g.status != null || (g.crm.state == Now.CHANGED && g.mailbox.state == Now.CHANGED)) {
				g.unsettled = state.unsettledConflict(pairId, g.ident).orElse(null);
			}
		}
		if (!duplicates.isEmpty()) {
			SyncBatch b = new SyncBatch();
			for (QuarantineEntry q : duplicates) {
				if (!quarantinedThisRun.add(q.side() + q.href())) {
					continue;
				}
				counts.get(q.side()).quarantined++;
				record(new PlannedAction(q.ident(), q.side(), Action.QUARANTINE, q.href() + " " + q.reason()));
				b.quarantine(q);
				b.history(new HistoryEntry(runId, Instant.now(), pairId, q.ident(), q.side(), Action.QUARANTINE, q.reason(),
						q.href()));
			}
			if (!dry()) {
				state.apply(b);
			}
		}
		return new ArrayList<>(groups.values());
	}

	private static void fill(Group g, Side side, StagedItem r) {
		SideNow n = g.side(side);
		SideState known = g.status == null ? null : g.status.side(side);
		if (r == null) {
			if (known != null) {
				n.state = Now.SAME;
				n.href = known.href();
				n.version = known.version();
				n.data = g.status.base(side);
			}
			return;
		}
		n.href = r.href();
		n.version = r.version();
		if (r.removed() != null) {
			n.state = r.removed() == Removal.DELETED ? Now.GONE_DELETED : Now.GONE_SCOPE;
			n.data = g.status == null ? null : g.status.base(side);
			return;
		}
		n.data = r.data();
		// "changed" means a new version AND a new content hash: a version alone (a flaky ETag) is not a change
		n.state = known != null && known.hash().equals(r.hash()) ? Now.SAME : Now.CHANGED;
		n.modified = n.state == Now.CHANGED ? r.modified() : null;
	}

	/** The delete brake: counts the deletions the run would make per side, before writing anything. */
	private String brake() throws StoreException {
		boolean anyGone = false;
		for (Side s : Side.values()) {
			anyGone |= state.countStaged(pairId, s, true) > 0;
		}
		if (!anyGone) {
			return null;
		}
		Map<Side, Integer> deletes = new EnumMap<>(Side.class);
		UUID after = null;
		while (true) {
			List<StagedItem> rows = state.stagedGroups(pairId, after, settings.decidePage());
			if (rows.isEmpty()) {
				break;
			}
			after = rows.get(rows.size() - 1).ident();
			for (Group g : groups(rows)) {
				Plan p = planner.plan(g);
				for (Side s : Side.values()) {
					if (p.deletes(s)) {
						deletes.merge(s, 1, Integer::sum);
					}
				}
			}
		}
		StringBuilder msg = new StringBuilder();
		for (Map.Entry<Side, Integer> e : deletes.entrySet()) {
			int n = e.getValue();
			int size = state.countStatus(pairId, e.getKey());
			boolean overShare = n > 1 && n > pair.policy().deleteBrakeShare() * size;
			boolean overCount = n > pair.policy().deleteBrakeCount();
			if (overShare || overCount) {
				if (msg.length() > 0) {
					msg.append("; ");
				}
				msg.append("this run would delete ").append(n).append(" of the ").append(size).append(" items in ")
						.append(Planner.name(e.getKey())).append(" (").append(pair.side(e.getKey()).info().displayName())
						.append("), more than ").append(overCount ? pair.policy().deleteBrakeCount() + " items"
								: Math.round(pair.policy().deleteBrakeShare() * 100) + "%")
						.append("; nothing was written: confirm to delete them (force deletes), or undo the deletions");
			}
		}
		if (msg.length() == 0 || options.forceDeletes()) {
			if (msg.length() > 0 && !dry()) {
				history(null, null, Action.NOTHING, "the delete brake was overridden: " + msg, null);
			}
			return null;
		}
		if (!dry()) {
			history(null, null, Action.NOTHING, "stopped by the delete brake: " + msg, null);
		}
		return msg.toString();
	}

	private void decideAndWrite(SubMonitor mon) throws SyncException, StoreException {
		int total = Math.max(1, state.countStaged(pairId, Side.CRM, false) + state.countStaged(pairId, Side.CRM, true)
				+ state.countStaged(pairId, Side.MAILBOX, false) + state.countStaged(pairId, Side.MAILBOX, true));
		mon.setWorkRemaining(total);
		UUID after = null;
		while (true) {
			checkCancel();
			List<StagedItem> rows = state.stagedGroups(pairId, after, settings.decidePage());
			if (rows.isEmpty()) {
				return;
			}
			after = rows.get(rows.size() - 1).ident();
			List<Group> page = groups(rows);
			List<Plan> plans = new ArrayList<>(page.size());
			for (Group g : page) {
				plans.add(planner.plan(g));
			}
			if (dry()) {
				for (Plan p : plans) {
					preview(p);
				}
			} else {
				writePage(plans);
			}
			mon.worked(rows.size());
		}
	}

	/** A dry run: what the plan would do, counted and reasoned, nothing written. */
	private void preview(Plan p) {
		for (Plan.Effect e : p.effects) {
			count(e.target(), e.kind());
			record(new PlannedAction(p.group.ident, e.target(), action(e.kind()), e.reason()));
		}
		noteConflict(p);
		for (PlannedAction a : p.actions) {
			record(a);
		}
		if (p.noteAction == Action.UNLINK) {
			record(new PlannedAction(p.group.ident, Side.MAILBOX, Action.UNLINK, p.note));
		}
	}

	private static Action action(JournalEntry.Effect e) {
		return switch (e) {
			case CREATE -> Action.CREATE;
			case UPDATE -> Action.UPDATE;
			case DELETE -> Action.DELETE;
		};
	}

	private void count(Side side, JournalEntry.Effect e) {
		Counter c = counts.get(side);
		switch (e) {
			case CREATE -> c.created++;
			case UPDATE -> c.updated++;
			case DELETE -> c.deleted++;
		}
	}

	private void noteConflict(Plan p) {
		if (p.conflict != null && p.conflictIsNew && p.conflictCountedOn != null) {
			counts.get(p.conflictCountedOn).conflicts++;
		}
	}

	/** Fetches the current items that updates will replace, re-planning items found changed meanwhile. */
	private void prepareTargets(List<Plan> plans) throws SyncException, StoreException {
		for (int round = 0; round <= MAX_REPLANS; round++) {
			Map<Side, Map<String, Integer>> wanted = new EnumMap<>(Side.class);
			for (int i = 0; i < plans.size(); i++) {
				Plan p = plans.get(i);
				for (Plan.Effect e : p.effects) {
					if (e.kind() == JournalEntry.Effect.UPDATE && p.group.side(e.target()).current == null) {
						wanted.computeIfAbsent(e.target(), k -> new LinkedHashMap<>()).put(e.href(), i);
					}
				}
			}
			if (wanted.isEmpty()) {
				return;
			}
			java.util.Set<Integer> replan = new java.util.TreeSet<>();
			for (Map.Entry<Side, Map<String, Integer>> w : wanted.entrySet()) {
				Side side = w.getKey();
				Map<String, RemoteItem> got = fetchItems(side, new ArrayList<>(w.getValue().keySet()));
				for (Map.Entry<String, Integer> e : w.getValue().entrySet()) {
					Group g = plans.get(e.getValue()).group;
					SideNow n = g.side(side);
					RemoteItem cur = got.get(e.getKey());
					if (cur != null && cur.data().contentHash().equals(n.data.contentHash())) {
						n.current = cur; // as expected (perhaps under a new version)
						n.version = cur.version();
						continue;
					}
					// changed or gone since it was listed: decide again with what is there now
					refresh(g, side, cur);
					replan.add(e.getValue());
				}
			}
			if (replan.isEmpty()) {
				return;
			}
			for (int i : replan) {
				plans.set(i, planner.plan(plans.get(i).group));
			}
		}
	}

	private Map<String, RemoteItem> fetchItems(Side side, List<String> hrefs) throws SyncException {
		Map<String, RemoteItem> got = new HashMap<>();
		if (hrefs.isEmpty()) {
			return got;
		}
		retry.run(() -> {
			got.clear();
			List<String> bad = new ArrayList<>();
			pair.side(side).get(hrefs, new FetchSink() {
				@Override
				public void item(RemoteItem item) {
					got.put(item.href(), item);
				}

				@Override
				public void bad(String href, String version, String reason, String raw) {
					bad.add(reason);
				}
			}, monitor.newChild(0));
			if (!bad.isEmpty()) {
				// an item that could not be fetched or read is not an item that is gone: taken for gone,
				// the caller would unlink or re-create it; so nothing is decided on it in this run
				throw new TransientException(bad.size() + " item(s) in " + Planner.name(side)
						+ " could not be fetched or read now: " + bad.get(0));
			}
			return null;
		});
		return got;
	}

	/** What a side shows now, from a fresh fetch (null: gone). */
	private static void refresh(Group g, Side side, RemoteItem cur) {
		SideNow n = g.side(side);
		g.replans++;
		if (cur == null) {
			n.state = n.href == null ? Now.NONE : Now.GONE_DELETED;
			n.current = null;
			if (g.status != null && g.status.side(side) != null) {
				n.data = g.status.base(side);
			}
			return;
		}
		n.href = cur.href();
		n.version = cur.version();
		n.data = cur.data();
		n.current = cur;
		if (n.state == Now.GONE_SCOPE) {
			n.modified = cur.modified();
			return; // out of the filter still, but now with its actual content
		}
		SideState known = g.status == null ? null : g.status.side(side);
		n.state = known != null && known.hash().equals(cur.data().contentHash()) ? Now.SAME : Now.CHANGED;
		n.modified = n.state == Now.CHANGED ? cur.modified() : null;
	}

	/** Outcome of one effect. */
	private record Done(WriteResult result, boolean ok) {
	}

	private void writePage(List<Plan> plans) throws SyncException, StoreException {
		prepareTargets(plans);
		List<JournalEntry> intents = new ArrayList<>();
		SyncBatch conflicts = new SyncBatch();
		for (Plan p : plans) {
			for (Plan.Effect e : p.effects) {
				intents.add(intent(p, e));
			}
			conflictFirst(p, conflicts);
		}
		// the conflict records (holding the values the effects will overwrite) go with the journal,
		// before any effect happens
		List<JournalEntry> journaled = state.writeJournal(intents, conflicts);
		if (!journaled.isEmpty()) {
			step("journal");
		}
		SyncBatch batch = new SyncBatch();
		int at = 0;
		for (Plan p : plans) {
			int n = p.effects.size();
			execute(p, new ArrayList<>(journaled.subList(at, at + n)), batch);
			at += n;
			checkCancel();
		}
		state.apply(batch);
		if (!journaled.isEmpty()) {
			step("commit");
		}
	}

	/** Adds a plan's new conflict record to {@code batch}, once, and counts it. */
	private void conflictFirst(Plan p, SyncBatch batch) {
		if (p.conflict == null || !p.conflictIsNew || p.conflictWritten) {
			return;
		}
		p.conflictWritten = true;
		noteConflict(p);
		batch.conflict(p.conflict);
		for (PlannedAction a : p.actions) {
			if (a.action() == Action.CONFLICT) {
				record(a);
				batch.history(new HistoryEntry(runId, Instant.now(), pairId, p.group.ident, a.target(), a.action(),
						a.reason(), null));
			}
		}
	}

	private JournalEntry intent(Plan p, Plan.Effect e) {
		return JournalEntry.intent(pairId, runId, p.group.ident, e.target(), e.kind(), e.href(), e.expectedVersion(),
				e.data() == null ? null : e.data().contentHash(), e.reason());
	}

	/** Carries out one item's plan, re-planning after surprises, and adds its outcome to {@code batch}. */
	private void execute(Plan plan, List<JournalEntry> journaled, SyncBatch batch) throws SyncException, StoreException {
		Plan p = plan;
		Group g = p.group;
		Map<Side, WriteResult> results = new EnumMap<>(Side.class);
		List<Plan.Effect> doneEffects = new ArrayList<>();
		int i = 0;
		while (i < p.effects.size()) {
			Plan.Effect e = p.effects.get(i);
			JournalEntry entry = journaled.get(i);
			Done d;
			try {
				d = perform(g, e);
			} catch (Surprise s) {
				batch.journal(entry.id(), JournalEntry.State.FAILED, "superseded: " + s.getMessage());
				if (!doneEffects.isEmpty() || g.replans > MAX_REPLANS) {
					retryLater(p, e, "changed on " + Planner.name(e.target()) + " while this run wrote to it ("
							+ s.getMessage() + "); tried again next run", batch, results, doneEffects);
					return;
				}
				p = planner.plan(g);
				List<JournalEntry> fresh = new ArrayList<>();
				for (Plan.Effect x : p.effects) {
					fresh.add(intent(p, x));
				}
				SyncBatch conflicts = new SyncBatch();
				conflictFirst(p, conflicts);
				journaled = state.writeJournal(fresh, conflicts);
				if (!journaled.isEmpty()) {
					step("journal");
				}
				i = 0;
				continue;
			} catch (ItemRejectedException ex) {
				batch.journal(entry.id(), JournalEntry.State.FAILED, "refused: " + ex.getMessage());
				quarantineSource(p, e, ex, batch);
				settle(p, batch, results, doneEffects, e.target());
				return;
			} catch (TransientException ex) {
				batch.journal(entry.id(), JournalEntry.State.FAILED, "failed for now: " + ex.getMessage());
				retryLater(p, e, Planner.name(e.target()) + " did not answer (" + ex.getMessage()
						+ ") after " + settings.attempts() + " tries; tried again next run", batch, results, doneEffects);
				return;
			} catch (SyncException ex) {
				batch.journal(entry.id(), JournalEntry.State.FAILED, "failed: " + ex.getMessage());
				if (++failuresInARow >= MAX_FAILURES_IN_A_ROW) {
					state.apply(batch);
					throw new SyncException(failuresInARow + " writes in a row failed; the last: " + ex.getMessage(), ex);
				}
				retryLater(p, e, "failed: " + ex.getMessage() + "; tried again next run", batch, results, doneEffects);
				return;
			}
			failuresInARow = 0;
			step("effect");
			batch.journal(entry.id(), JournalEntry.State.DONE, null);
			if (d.result() != null) {
				results.put(e.target(), d.result());
			}
			doneEffects.add(e);
			count(e.target(), e.kind());
			record(new PlannedAction(g.ident, e.target(), action(e.kind()), e.reason()));
			batch.history(new HistoryEntry(runId, Instant.now(), pairId, g.ident, e.target(), action(e.kind()), e.reason(),
					d.result() != null ? d.result().href() : e.href()));
			i++;
		}
		settle(p, batch, results, doneEffects, null);
	}

	/** A write found the item not as planned: decide again with what is there now. */
	private static final class Surprise extends Exception {
		private static final long serialVersionUID = 1L;

		Surprise(String message) {
			super(message, null, false, false);
		}
	}

	private Done perform(Group g, Plan.Effect e) throws SyncException, Surprise {
		ItemCollection coll = pair.side(e.target());
		SideNow n = g.side(e.target());
		switch (e.kind()) {
			case CREATE -> {
				try {
					return new Done(retry.run(() -> coll.create(g.ident, e.data())), true);
				} catch (AlreadyExistsException ex) {
					// a create whose response was lost, or an item another install made: find it
					String href = ex.existing() == null ? null : ex.existing().href();
					RemoteItem cur = href == null ? null : fetchItems(e.target(), List.of(href)).get(href);
					if (cur != null && cur.data().contentHash().equals(e.data().contentHash())) {
						return new Done(new WriteResult(cur.href(), cur.version()), true);
					}
					if (cur == null) {
						throw new TransientException("the item with ident " + g.ident + " exists in "
								+ Planner.name(e.target()) + " but cannot be fetched: " + ex.getMessage());
					}
					refresh(g, e.target(), cur);
					throw new Surprise("an item with this Liaison id is already in " + Planner.name(e.target()));
				}
			}
			case UPDATE -> {
				RemoteItem current = n.current != null ? n.current
						: new RemoteItem(e.href(), e.expectedVersion(), g.ident, n.data);
				try {
					return new Done(retry.run(() -> coll.update(current, e.data())), true);
				} catch (PreconditionFailedException | NotFoundException ex) {
					RemoteItem cur = fetchItems(e.target(), List.of(e.href())).get(e.href());
					if (cur != null && cur.data().contentHash().equals(e.data().contentHash())) {
						// the update took effect; its response was lost
						return new Done(new WriteResult(cur.href(), cur.version()), true);
					}
					refresh(g, e.target(), cur);
					throw new Surprise(cur == null ? "gone" : "changed meanwhile");
				}
			}
			case DELETE -> {
				try {
					retry.run(() -> {
						coll.delete(e.href(), e.expectedVersion());
						return null;
					});
					return new Done(null, true);
				} catch (PreconditionFailedException ex) {
					RemoteItem cur = fetchItems(e.target(), List.of(e.href())).get(e.href());
					if (cur == null) {
						return new Done(null, true);
					}
					refresh(g, e.target(), cur);
					if (n.state == Now.SAME) {
						// only its version moved: delete at the version it has now
						throw new Surprise("its version changed, not its content");
					}
					throw new Surprise("changed meanwhile: a change wins over a deletion");
				}
			}
		}
		throw new IllegalStateException(e.kind().toString());
	}

	private void quarantineSource(Plan p, Plan.Effect e, ItemRejectedException ex, SyncBatch batch) {
		Side source = e.target().other();
		SideNow src = p.group.side(source);
		String reason = Planner.name(e.target()) + " refused it: " + ex.getMessage()
				+ "; kept in quarantine, the rest of the sync goes on";
		counts.get(source).quarantined++;
		record(new PlannedAction(p.group.ident, source, Action.QUARANTINE, reason));
		batch.history(new HistoryEntry(runId, Instant.now(), pairId, p.group.ident, e.target(), Action.QUARANTINE, reason,
				src.href));
		if (src.href != null && src.version != null) {
			batch.quarantine(new QuarantineEntry(0, pairId, source, src.href, src.version, p.group.ident, reason,
					e.data() == null ? null : e.data().toText(), Instant.now()));
		}
	}

	private void retryLater(Plan p, Plan.Effect e, String reason, SyncBatch batch, Map<Side, WriteResult> results,
			List<Plan.Effect> doneEffects) {
		record(new PlannedAction(p.group.ident, e.target(), Action.RETRY, reason));
		batch.history(new HistoryEntry(runId, Instant.now(), pairId, p.group.ident, e.target(), Action.RETRY, reason,
				e.href()));
		settle(p, batch, results, doneEffects, e.target());
	}

	/**
	 * Writes what the item's outcome does to the store: the status (from the sides as they are after
	 * the effects that happened), tombstones, conflict records and history. {@code failed}, if not
	 * null, is a side whose effect did not happen: then every side whose effect did not happen keeps
	 * its old status, so that nothing not written is taken as synced.
	 */
	private void settle(Plan p, SyncBatch batch, Map<Side, WriteResult> results, List<Plan.Effect> done, Side failed) {
		Group g = p.group;
		SyncStatus old = g.status;
		boolean complete = failed == null;
		if (!complete || p.deferred) {
			incomplete = true; // the item must be listed again next run
		}
		if (complete) {
			for (PlannedAction a : p.actions) {
				if (a.action() != Action.CONFLICT) {
					record(a);
				}
			}
			if (p.settlesConflict != null) {
				batch.conflictState(p.settlesConflict, p.settlesAs);
			}
			for (Tombstone t : p.tombstones) {
				batch.tombstone(new Tombstone(t.pairId(), t.ident(), t.side(), t.href(), t.lastCopy(), t.reason(), t.at(),
						runId));
			}
			if (p.note != null) {
				if (p.noteAction == Action.UNLINK) {
					record(new PlannedAction(g.ident, Side.MAILBOX, Action.UNLINK, p.note));
				}
				batch.history(new HistoryEntry(runId, Instant.now(), pairId, g.ident, null, p.noteAction, p.note, null));
			}
			if (p.outcome == Plan.Outcome.REMOVE) {
				if (old != null) {
					batch.removeStatus(pairId, g.ident);
				}
				return;
			}
			if (p.outcome == Plan.Outcome.KEEP) {
				return;
			}
		} else if (old == null) {
			return; // a new pair not finished: both sides are found again next run
		}
		SideState[] sides = new SideState[2];
		ItemData[] bases = new ItemData[2];
		for (Side s : Side.values()) {
			int k = s.ordinal();
			Plan.Effect eff = null;
			for (Plan.Effect x : done) {
				if (x.target() == s) {
					eff = x;
				}
			}
			SideState before = old == null ? null : old.side(s);
			ItemData beforeBase = old == null ? null : old.base(s);
			SideNow n = g.side(s);
			if (eff != null && eff.kind() == JournalEntry.Effect.DELETE) {
				sides[k] = null;
				bases[k] = beforeBase;
			} else if (eff != null) {
				WriteResult w = results.get(s);
				ItemData stored = w.stored() != null ? w.stored() : eff.data();
				sides[k] = new SideState(w.href(), w.version(), stored.contentHash());
				bases[k] = stored;
			} else if (!complete) {
				sides[k] = before;
				bases[k] = beforeBase;
			} else if (p.after(s) == null || !n.present()) {
				sides[k] = null; // unlinked on purpose, or nothing there
				bases[k] = beforeBase;
			} else {
				sides[k] = new SideState(n.href, n.version, n.data.contentHash());
				bases[k] = n.data;
			}
		}
		if (sides[0] == null && sides[1] == null) {
			if (old != null) {
				batch.removeStatus(pairId, g.ident);
			}
			return;
		}
		if (old == null && (sides[0] == null || sides[1] == null)) {
			return; // a new item that did not reach the other side: found again next run
		}
		if (old != null && java.util.Objects.equals(sides[0], old.crm()) && java.util.Objects.equals(sides[1], old.mailbox())) {
			return; // nothing moved
		}
		ItemData crmBase = bases[0] != null ? bases[0] : bases[1];
		batch.putStatus(new SyncStatus(pairId, g.ident, sides[0], sides[1], crmBase, bases[1], Instant.now(),
				old == null ? -1 : old.rowId()));
	}

	private void history(UUID ident, Side target, Action action, String reason, String href) throws StoreException {
		if (dry() || runId < 0) {
			return;
		}
		state.apply(new SyncBatch().history(new HistoryEntry(runId, Instant.now(), pairId, ident, target, action, reason,
				href)));
	}
}
