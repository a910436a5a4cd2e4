package org.liaison.offline.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmPage;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.offline.CopyReport;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineFilter;
import org.liaison.api.offline.OfflineRecord.Scope;
import org.liaison.api.store.StoreException;
import org.liaison.offline.internal.OfflineTables.EntityState;
import org.liaison.offline.internal.OfflineTables.Fetched;

/**
 * Copies records into the offline store and keeps them current. A type's first copy saves its delta link
 * before it starts and its paging position with every page (in the page's transaction), with an
 * initial-copy flag: an interrupted first copy goes on from the page after the last one saved. Pages are
 * fetched one ahead while the previous one is written, and the next type's first page while this type is
 * copied. Afterwards the records they point to are fetched
 * (one level), and every type is brought up to date by its delta link: Dynamics tracks changes without
 * a filter, so changed ids are asked, 50 at a time, whether the filter selects them now.
 */
final class Copier {

	private static final int CHUNK = 50;
	private static final int TX_ROWS = 1000;

	private final OfflineTables t;
	private final CrmClient client;
	private final Clock clock;
	private final UUID me;
	private final IProgressMonitor monitor;
	private final Hook hook;
	private final Map<OfflineEntity, Long> copied = new EnumMap<>(OfflineEntity.class);
	private final List<String> problems = new ArrayList<>();
	private long references;
	private long refreshed;
	private long removed;
	private int resumed;
	private boolean dropped;
	private ExecutorService ahead;
	private ExecutorService tracker;
	private final Map<OfflineEntity, Future<String>> tracking = new EnumMap<>(OfflineEntity.class);
	/**
	 * The references held by the rows this run stored, while those rows are all the copy holds (it was empty
	 * when the run began, every row stored was new, nothing was refreshed or dropped): the references pass
	 * then takes them from here instead of reading the whole table. Null: it reads the table.
	 */
	private Set<String> storedRefs;
	/** The newest outbox entry when the run began (offline work during the run also makes the pass read the table). */
	private long outboxAtStart;
	/** Beyond this many distinct references, they are read from the table rather than held in memory. */
	private static final int REFS_HELD = 250_000;
	/**
	 * Where the run's time went, in nanoseconds: [0] waiting for pages, [1] converting, [2] storing, [3] starting
	 * change tracking, [4] delta refreshes, [5] the references pass; [6] and [7] the CPU time this thread spent
	 * converting and storing (the rest of the wall time went to other threads and processes, and to the disk).
	 */
	final long[] nanos = new long[8];
	private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

	Copier(OfflineTables t, CrmClient client, Clock clock, UUID me, IProgressMonitor monitor, Hook hook) {
		this.t = t;
		this.client = client;
		this.clock = clock;
		this.me = me;
		this.monitor = monitor;
		this.hook = hook;
	}

	/** First copies (continued where they stopped), references, then the delta refresh of every type. */
	CopyReport run(List<OfflineFilter> filters) throws CrmException, StoreException {
		long t0 = System.nanoTime();
		long r0 = client.stats().requests();
		boolean complete = false;
		ahead = daemon("liaison-offline-prefetch");
		try {
			List<EntityState> states = new ArrayList<>();
			long expected = 0;
			for (OfflineFilter f : filters) {
				EntityState st = prepare(f);
				if (st != null) {
					states.add(st);
					if (st.initialCopy() && st.expected() > 0) {
						expected += Math.max(0, st.expected() - st.copied());
					}
				}
			}
			monitor.beginTask("Going offline", expected > 0 ? (int) Math.min(Integer.MAX_VALUE, expected)
					: IProgressMonitor.UNKNOWN);
			boolean changed = dropped;
			if (!t.read(t::anyRecord)) {
				storedRefs = new HashSet<>();
				outboxAtStart = t.read(t::lastEntry);
			}
			startTracking(states);
			for (int i = 0; i < states.size(); i++) {
				EntityState st = states.get(i);
				if (st.initialCopy()) {
					EntityState after = null;
					for (int j = i + 1; j < states.size() && after == null; j++) {
						after = states.get(j).initialCopy() ? states.get(j) : null;
					}
					states.set(i, copy(st, after));
					changed = true;
				}
			}
			for (int i = 0; i < states.size(); i++) {
				EntityState st = states.get(i);
				if (!st.initialCopy() && st.deltaLink() != null) {
					long before = refreshed + removed;
					long x0 = System.nanoTime();
					states.set(i, refresh(st, filter(filters, st.entity())));
					nanos[4] += System.nanoTime() - x0;
					changed |= refreshed + removed > before;
				}
			}
			if (changed) {
				long f0 = System.nanoTime();
				references();
				nanos[5] += System.nanoTime() - f0;
			}
			complete = true;
		} finally {
			ahead.shutdownNow();
			if (tracker != null) {
				tracker.shutdownNow();
			}
			monitor.done();
		}
		return report(complete, r0, t0);
	}

	/**
	 * Starts change tracking of the types whose first copy has no delta link yet, one after another on a
	 * thread of its own, so that a type's tracking call runs while the types before it are copied. Each
	 * type's delta link is still taken before its own copy begins (its copy waits for it), so a change
	 * made during the copy is in the refresh that follows.
	 */
	private void startTracking(List<EntityState> states) {
		IProgressMonitor cancelOnly = new NullProgressMonitor() {
			@Override
			public boolean isCanceled() {
				return monitor.isCanceled();
			}
		};
		for (EntityState st : states) {
			if (st.initialCopy() && st.deltaLink() == null) {
				if (tracker == null) {
					tracker = daemon("liaison-offline-tracking");
				}
				OfflineEntity e = st.entity();
				tracking.put(e, tracker.submit(() -> client.changes(e.entitySet(), List.of(e.key()), null, IGNORE, cancelOnly)));
			}
		}
	}

	private static ExecutorService daemon(String name) {
		return Executors.newSingleThreadExecutor(r -> {
			Thread th = new Thread(r, name);
			th.setDaemon(true);
			return th;
		});
	}

	CopyReport report(boolean complete, long r0, long t0) {
		return new CopyReport(copied, references, refreshed, removed, resumed, complete, client.stats().requests() - r0,
				(System.nanoTime() - t0) / 1e9, problems);
	}

	private static OfflineFilter filter(List<OfflineFilter> filters, OfflineEntity e) {
		for (OfflineFilter f : filters) {
			if (f.entity() == e) {
				return f;
			}
		}
		throw new IllegalStateException("no filter for " + e);
	}

	/** The type's copy state for this run: a new generation when its filter changed; null for a type not taken. */
	private EntityState prepare(OfflineFilter f) throws StoreException {
		OfflineEntity e = f.entity();
		EntityState st = t.read(c -> t.entityState(c, e));
		if (!f.enabled()) {
			if (st != null && (st.usedFilter() != null || st.deltaLink() != null || st.initialCopy())) {
				EntityState off = new EntityState(e, false, f.filter(), null, st.gen(), false, null, null, 0, -1, null, null);
				t.write(c -> {
					t.putEntityState(c, off);
					t.dropEntity(c, e);
					return null;
				});
				dropped = true;
			}
			return null;
		}
		String resolved = f.resolve(me, clock.instant());
		if (st == null || !st.enabled() || !Objects.equals(st.usedFilter(), resolved)
				|| !st.initialCopy() && st.deltaLink() == null) {
			EntityState fresh = new EntityState(e, true, f.filter(), resolved, st == null ? 1 : st.gen() + 1, true, null,
					null, 0, -1, null, st == null ? null : st.refreshedAt());
			t.write(c -> {
				t.putEntityState(c, fresh);
				return null;
			});
			return fresh;
		}
		if (st.initialCopy() && (st.nextLink() != null || st.copied() > 0)) {
			resumed++;
		}
		return st;
	}

	private CrmQuery query(OfflineEntity e, String filter) {
		return new CrmQuery(Catalog.select(e), filter, null, null, Catalog.expand(e), false);
	}

	/** A type's first page, read from its saved position once its delta link is taken. */
	private record Start(String link, Converted first, long linkNanos) {
	}

	/** The first page of the type whose copy comes next, read while this type's last page is stored. */
	private Future<Start> upcoming;
	private OfflineEntity upcomingType;

	/**
	 * Reads a type's first page (on any thread): after its delta link (taken by the tracking thread, or here
	 * when it has none yet), so a change made during the copy is in the refresh that follows.
	 */
	private Start start(EntityState st, Future<String> tracked, IProgressMonitor m) throws CrmException {
		OfflineEntity e = st.entity();
		String link = st.deltaLink();
		long k0 = System.nanoTime();
		if (link == null) {
			link = tracked != null ? await(tracked) : client.changes(e.entitySet(), List.of(e.key()), null, IGNORE, m);
		}
		long k = System.nanoTime() - k0;
		CrmPage page;
		if (st.nextLink() != null) {
			try {
				page = client.next(new CrmPage(e.entitySet(), List.of(), st.nextLink(), -1));
			} catch (CrmException refused) {
				if (refused.kind() != CrmException.Kind.BAD_REQUEST && refused.kind() != CrmException.Kind.TOKEN_EXPIRED) {
					throw refused;
				}
				// the paging position is no longer valid: read again from the start (writes are upserts)
				page = client.query(e.entitySet(), query(e, st.usedFilter()).withCount());
			}
		} else {
			page = client.query(e.entitySet(), query(e, st.usedFilter()).withCount());
		}
		return new Start(link, convert(e, page), k);
	}

	/**
	 * {@link #start} of {@code st} on another thread: the prefetch thread for a type copied now, the tracking
	 * thread for the type copied next (after the delta links it was given, so it waits for none, and beside
	 * the pages being prefetched).
	 */
	private Future<Start> startAhead(EntityState st, boolean now) {
		Future<String> tracked = tracking.remove(st.entity());
		IProgressMonitor cancelOnly = new NullProgressMonitor() {
			@Override
			public boolean isCanceled() {
				return monitor.isCanceled();
			}
		};
		if (!now && tracker == null) {
			tracker = daemon("liaison-offline-tracking");
		}
		return (now ? ahead : tracker).submit(() -> start(st, tracked, cancelOnly));
	}

	/**
	 * The first copy of one type, from its saved position; {@code after} is the type copied next (its first
	 * page is read while this type's last one is stored), or null.
	 */
	private EntityState copy(EntityState start, EntityState after) throws CrmException, StoreException {
		OfflineEntity e = start.entity();
		EntityState st = start;
		if (st.deltaLink() == null) {
			monitor.subTask(e.entitySet() + ": starting change tracking");
		}
		Future<Start> begun = upcomingType == e ? upcoming : null;
		upcoming = null;
		upcomingType = null;
		long q0 = System.nanoTime();
		Start first = await(begun != null ? begun : startAhead(st, true));
		long waited = System.nanoTime() - q0;
		// the part of the wait spent on the delta link counts as starting change tracking
		long onLink = Math.min(waited, first.linkNanos());
		nanos[3] += onLink;
		nanos[0] += waited - onLink;
		if (st.deltaLink() == null) {
			EntityState withLink = new EntityState(e, true, st.filter(), st.usedFilter(), st.gen(), true, null,
					first.link(), 0, st.expected(), null, st.refreshedAt());
			t.write(c -> {
				t.putEntityState(c, withLink);
				return null;
			});
			st = withLink;
			hook.step("tracking");
		}
		Converted converted = first.first();
		CrmPage page = converted.page();
		long expected = page.count() >= 0 ? page.count() : st.expected();
		// a type with no rows yet: its pages hold each record once, so they are inserted without looking
		boolean fresh = !t.read(c -> t.any(c, e));
		long done = st.copied();
		while (converted != null) {
			page = converted.page();
			List<Fetched> rows = converted.rows();
			problems.addAll(converted.problems());
			nanos[1] += converted.nanos();
			nanos[6] += converted.cpu();
			String next = page.nextLink();
			CrmPage current = page;
			// the next page is read and converted on the prefetch thread while this one is stored; the next
			// type's first page is read meanwhile, from this type's first page on (its first query can take
			// the server longer than storing a small type's pages)
			Future<Converted> following = next == null ? null : ahead.submit(() -> convert(e, client.next(current)));
			if (after != null && upcomingType != after.entity()) {
				upcoming = startAhead(after, false);
				upcomingType = after.entity();
			}
			done += rows.size();
			EntityState now = new EntityState(e, true, st.filter(), st.usedFilter(), st.gen(), next != null, next,
					st.deltaLink(), done, expected, next == null ? clock.instant() : null, st.refreshedAt());
			long p0 = System.nanoTime();
			long pc0 = CPU.getCurrentThreadCpuTime();
			// transactions of at most TX_ROWS rows (Derby escalates a transaction's row locks to a table lock
			// at 5,000); the paging position goes with the page's last rows, so a crash in between reads the
			// page again and puts its first rows a second time, as updates
			int from = 0;
			boolean allNew = true;
			for (; rows.size() - from > TX_ROWS; from += TX_ROWS) {
				List<Fetched> part = rows.subList(from, from + TX_ROWS);
				allNew &= t.write(c -> t.putFetched(c, e, Scope.FILTER, now.gen(), part, fresh));
			}
			List<Fetched> last = rows.subList(from, rows.size());
			allNew &= t.write(c -> {
				boolean lastNew = t.putFetched(c, e, Scope.FILTER, now.gen(), last, fresh);
				t.putEntityState(c, now);
				if (now.nextLink() == null && !fresh) {
					// records of the type's older copies that this one did not bring again (a type copied
					// into an empty table has none)
					t.demoteStale(c, e, now.gen());
				}
				return lastNew;
			});
			holdRefs(rows, allNew);
			nanos[2] += System.nanoTime() - p0;
			nanos[7] += CPU.getCurrentThreadCpuTime() - pc0;
			st = now;
			copied.merge(e, (long) rows.size(), Long::sum);
			monitor.subTask(e.entitySet() + ": " + done + (expected > 0 ? " of " + expected : ""));
			monitor.worked(rows.size());
			hook.step("page");
			if (monitor.isCanceled()) {
				if (following != null) {
					following.cancel(true);
				}
				if (upcoming != null) {
					upcoming.cancel(true);
				}
				throw new OperationCanceledException();
			}
			long w0 = System.nanoTime();
			converted = following == null ? null : await(following);
			nanos[0] += System.nanoTime() - w0;
		}
		return st;
	}

	/** Keeps the references of rows just stored, as long as {@link #storedRefs} can stand for the table. */
	private void holdRefs(List<Fetched> rows, boolean allNew) {
		if (storedRefs == null) {
			return;
		}
		if (!allNew) {
			// a row replaced another: the references it held before may be gone
			storedRefs = null;
			return;
		}
		for (Fetched f : rows) {
			String refs = f.derived().refs();
			if (refs != null) {
				Collections.addAll(storedRefs, refs.split(" "));
			}
		}
		if (storedRefs.size() > REFS_HELD) {
			storedRefs = null;
		}
	}

	/** What a task of the prefetch or tracking thread gave, its failure thrown here. */
	private static <T> T await(Future<T> f) throws CrmException {
		try {
			return f.get();
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new OperationCanceledException();
		} catch (ExecutionException e) {
			if (e.getCause() instanceof CrmException ce) {
				throw ce;
			}
			if (e.getCause() instanceof RuntimeException re) {
				throw re;
			}
			throw new IllegalStateException(e.getCause());
		}
	}

	/** A page with its records in the copy's form, the records that could not be read, and what converting cost. */
	private record Converted(CrmPage page, List<Fetched> rows, List<String> problems, long nanos, long cpu) {
	}

	/**
	 * Converts a page (on any thread: it touches nothing shared). What is kept of the page is its position
	 * (next link, count): its parsed records are garbage once converted, not live while the page waits.
	 */
	private static Converted convert(OfflineEntity e, CrmPage page) {
		long c0 = System.nanoTime();
		long cc0 = CPU.getCurrentThreadCpuTime();
		List<String> bad = new ArrayList<>();
		List<Fetched> rows = convert(e, page.records(), bad);
		CrmPage position = new CrmPage(page.entitySet(), List.of(), page.nextLink(), page.count());
		return new Converted(position, rows, bad, System.nanoTime() - c0, CPU.getCurrentThreadCpuTime() - cc0);
	}

	private List<Fetched> convert(OfflineEntity e, List<CrmRecord> records) {
		return convert(e, records, problems);
	}

	private static List<Fetched> convert(OfflineEntity e, List<CrmRecord> records, List<String> problems) {
		List<Fetched> out = new ArrayList<>(records.size());
		for (CrmRecord r : records) {
			try {
				out.add(new Fetched(e, r.id(), r.etag(), Values.fromCrm(e, r)));
			} catch (RuntimeException bad) {
				problems.add("the " + e.logicalName() + " " + r.id() + " was not taken offline: its values cannot be read ("
						+ bad.getMessage() + ")");
			}
		}
		return out;
	}

	private static final CrmClient.ChangeSink IGNORE = new CrmClient.ChangeSink() {
		@Override
		public void changed(CrmRecord record) {
			// a first change-tracking call lists everything: only its delta link is wanted
		}

		@Override
		public void deleted(UUID id) {
			// none on a first call
		}
	};

	/** Brings one type up to date by its delta link. */
	private EntityState refresh(EntityState st, OfflineFilter f) throws CrmException, StoreException {
		OfflineEntity e = st.entity();
		Map<UUID, String> changed = new LinkedHashMap<>();
		List<UUID> deleted = new ArrayList<>();
		String link;
		monitor.subTask(e.entitySet() + ": reading changes");
		try {
			link = client.changes(e.entitySet(), List.of(e.key()), st.deltaLink(), new CrmClient.ChangeSink() {
				@Override
				public void changed(CrmRecord r) {
					changed.put(r.id(), r.etag());
				}

				@Override
				public void deleted(UUID id) {
					deleted.add(id);
				}
			}, monitor);
		} catch (CrmException expired) {
			if (expired.kind() != CrmException.Kind.TOKEN_EXPIRED) {
				throw expired;
			}
			// the CRM no longer knows the link: copy the type again as a new generation
			EntityState again = new EntityState(e, true, st.filter(), st.usedFilter(), st.gen() + 1, true, null, null, 0,
					-1, null, st.refreshedAt());
			t.write(c -> {
				t.putEntityState(c, again);
				return null;
			});
			return copy(again, null);
		}
		if (!changed.isEmpty() || !deleted.isEmpty()) {
			storedRefs = null;
		}
		Map<UUID, Character> known = t.read(c -> t.states(c, changed.keySet()));
		List<UUID> ids = new ArrayList<>(changed.keySet());
		Set<UUID> inScope = new LinkedHashSet<>();
		for (int from = 0; from < ids.size(); from += CHUNK) {
			List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
			String byId = idFilter(e, chunk);
			String filter = st.usedFilter() == null ? byId : "(" + st.usedFilter() + ") and (" + byId + ")";
			List<CrmRecord> got = new ArrayList<>();
			client.queryAll(e.entitySet(), query(e, filter), got::add, monitor);
			List<Fetched> rows = convert(e, got);
			for (Fetched r : rows) {
				inScope.add(r.id());
			}
			t.write(c -> {
				t.putFetched(c, e, Scope.FILTER, st.gen(), rows);
				return null;
			});
			refreshed += rows.size();
		}
		// changed, known here, no longer selected: fresh values, kept as references while something points to them
		List<UUID> left = new ArrayList<>();
		for (UUID id : ids) {
			if (!inScope.contains(id) && known.containsKey(id)) {
				left.add(id);
			}
		}
		fetchById(e, left, Scope.REFERENCE);
		List<UUID> gone = new ArrayList<>();
		for (UUID id : deleted) {
			gone.add(id);
		}
		Map<UUID, Character> goneKnown = t.read(c -> t.states(c, gone));
		EntityState after = new EntityState(e, true, st.filter(), st.usedFilter(), st.gen(), false, null, link, st.copied(),
				st.expected(), st.copiedAt(), clock.instant());
		t.write(c -> {
			t.demote(c, left);
			for (Map.Entry<UUID, Character> g : goneKnown.entrySet()) {
				// deleted in the CRM: gone from the copy, unless offline changes wait (the replay settles those)
				if (g.getValue() == OfflineTables.SYNCED) {
					t.deleteRecord(c, g.getKey());
				}
			}
			t.putEntityState(c, after);
			return null;
		});
		removed += left.size() + goneKnown.values().stream().filter(v -> v == OfflineTables.SYNCED).count();
		hook.step("refresh");
		return after;
	}

	private static String idFilter(OfflineEntity e, List<UUID> ids) {
		StringBuilder b = new StringBuilder();
		for (UUID id : ids) {
			b.append(b.length() == 0 ? "" : " or ").append(e.key()).append(" eq ").append(id);
		}
		return b.toString();
	}

	/** Fetches records by id (no filter) and puts them in the copy. Returns how many the CRM had. */
	private int fetchById(OfflineEntity e, List<UUID> ids, Scope scope) throws CrmException, StoreException {
		int n = 0;
		for (int from = 0; from < ids.size(); from += CHUNK) {
			List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
			List<CrmRecord> got = new ArrayList<>();
			client.queryAll(e.entitySet(), query(e, idFilter(e, chunk)), got::add, monitor);
			List<Fetched> rows = convert(e, got);
			t.write(c -> {
				t.putFetched(c, e, scope, 0, rows);
				return null;
			});
			n += rows.size();
			if (monitor.isCanceled()) {
				throw new OperationCanceledException();
			}
		}
		return n;
	}

	/**
	 * Fetches the records that records in the copy point to (accounts, contacts, leads, opportunities) and
	 * are not in it, and drops references nothing points to any more.
	 */
	void references() throws CrmException, StoreException {
		monitor.subTask("records the copy points to");
		// the references of a first copy into an empty copy are known from its pages, unless offline work
		// went on meanwhile; otherwise they are read from the table
		boolean held = storedRefs != null && t.read(t::lastEntry) == outboxAtStart;
		Set<String> refs = held ? storedRefs : t.read(t::references);
		Map<OfflineEntity, List<UUID>> wanted = new EnumMap<>(OfflineEntity.class);
		Set<UUID> all = new java.util.HashSet<>();
		for (String r : refs) {
			String[] p = Values.parseRef(r);
			OfflineEntity target = p == null ? null : OfflineEntity.of(p[0]);
			if (target != null && !target.activity()) {
				UUID id = UUID.fromString(p[1]);
				all.add(id);
				wanted.computeIfAbsent(target, k -> new ArrayList<>()).add(id);
			}
		}
		Map<UUID, Character> present = t.read(c -> t.states(c, all));
		for (Map.Entry<OfflineEntity, List<UUID>> w : wanted.entrySet()) {
			List<UUID> missing = new ArrayList<>();
			for (UUID id : w.getValue()) {
				if (!present.containsKey(id)) {
					missing.add(id);
				}
			}
			references += fetchById(w.getKey(), missing, Scope.REFERENCE);
		}
		List<UUID> orphans = new ArrayList<>();
		// a copy that was empty and took only filtered pages holds no reference-only record but those
		// just fetched, each pointed to
		for (UUID id : held ? List.<UUID>of() : t.read(t::referenceOnly)) {
			if (!all.contains(id)) {
				orphans.add(id);
			}
		}
		if (!orphans.isEmpty()) {
			t.write(c -> {
				for (UUID id : orphans) {
					t.deleteRecord(c, id);
				}
				return null;
			});
			removed += orphans.size();
		}
		hook.step("references");
	}
}
