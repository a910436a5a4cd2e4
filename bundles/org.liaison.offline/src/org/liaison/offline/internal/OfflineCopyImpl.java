package org.liaison.offline.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmPage;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.offline.CopyReport;
import org.liaison.api.offline.DuplicateRecordException;
import org.liaison.api.offline.FilterPreview;
import org.liaison.api.offline.OfflineConflict;
import org.liaison.api.offline.OfflineCopy;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineException;
import org.liaison.api.offline.OfflineFilter;
import org.liaison.api.offline.OfflineRecord;
import org.liaison.api.offline.OfflineStatus;
import org.liaison.api.offline.OutboxEntry;
import org.liaison.api.offline.OutboxEntry.Change;
import org.liaison.api.offline.OutboxEntry.Op;
import org.liaison.api.offline.ReplayOptions;
import org.liaison.api.offline.ReplayReport;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.StoreException;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.offline.internal.OfflineTables.EntityState;
import org.liaison.offline.internal.OfflineTables.Row;

/**
 * One profile's offline copy over its tables. Offline work changes the record's view and appends the
 * intent to the outbox in one transaction; going offline and online hand over to {@link Copier} and
 * {@link Replayer}. Holds no state of its own beyond the store, so a fresh instance over the same store
 * continues whatever an earlier one left (after a crash too).
 */
public final class OfflineCopyImpl implements OfflineCopy {

	static final String MODE = "mode";
	static final String SINCE = "mode.since";
	static final String USER = "user";
	static final String ORGANIZATION = "organization";
	static final String FILTERS_SET = "filters.set";

	private final ProfileStore store;
	private final OfflineTables t;
	private final ConflictResolver resolver;
	private final Clock clock;
	private volatile Hook hook = Hook.NONE;
	/** Where the last copy's time went (nanoseconds waiting for pages, converting, writing), for the benchmark. */
	long[] lastCopy = new long[8];
	private final boolean closeStore;

	/**
	 * @param store the profile's store (closed with this copy if {@code closeStore})
	 * @param tables Go Offline's tables in it
	 */
	OfflineCopyImpl(ProfileStore store, OfflineTables tables, ConflictResolver resolver, Clock clock,
			boolean closeStore) {
		this.store = store;
		this.t = tables;
		this.resolver = resolver;
		this.clock = clock;
		this.closeStore = closeStore;
	}

	/** Opens the copy over a Derby profile store (tests, benchmarks: stores opened without the service). */
	public static OfflineCopyImpl over(org.liaison.store.derby.DerbyProfileStore store, ConflictResolver resolver,
			Clock clock) throws StoreException {
		return new OfflineCopyImpl(store, store.extension(OfflineTables.EXTENSION), resolver, clock, false);
	}

	/** For crash tests: called after each step that leaves state behind. */
	public void hook(Hook h) {
		this.hook = h == null ? Hook.NONE : h;
	}

	@Override
	public String profile() {
		return store.profile();
	}

	private static OfflineException wrap(StoreException e) {
		return new OfflineException("the offline store: " + e.getMessage(), e);
	}

	private static OfflineException wrap(String what, CrmException e) {
		return new OfflineException(what + ": " + e.getMessage(), e);
	}

	private static IProgressMonitor monitor(IProgressMonitor m) {
		return m == null ? new NullProgressMonitor() : m;
	}

	// ---------------------------------------------------------------- filters

	@Override
	public List<OfflineFilter> filters() throws OfflineException {
		try {
			return t.read(c -> {
				List<OfflineFilter> out = new ArrayList<>();
				boolean set = t.meta(c, FILTERS_SET) != null;
				for (OfflineEntity e : OfflineEntity.values()) {
					EntityState st = set ? t.entityState(c, e) : null;
					out.add(st == null ? new OfflineFilter(e, !set, set ? null : OfflineFilter.defaultFilter(e))
							: new OfflineFilter(e, st.enabled(), st.filter()));
				}
				return out;
			});
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	@Override
	public void setFilters(List<OfflineFilter> filters) throws OfflineException {
		try {
			t.write(c -> {
				Map<OfflineEntity, OfflineFilter> by = new EnumMap<>(OfflineEntity.class);
				for (OfflineFilter f : filters) {
					by.put(f.entity(), f);
				}
				for (OfflineEntity e : OfflineEntity.values()) {
					OfflineFilter f = by.getOrDefault(e, new OfflineFilter(e, false, null));
					EntityState st = t.entityState(c, e);
					if (st == null) {
						st = new EntityState(e, f.enabled(), f.filter(), null, 0, false, null, null, 0, -1, null, null);
					} else if (!Objects.equals(st.filter(), f.filter()) || st.enabled() != f.enabled()) {
						// the next run sees that the filter in use differs and copies the type again
						st = new EntityState(e, f.enabled(), f.filter(), st.usedFilter(), st.gen(), st.initialCopy(),
								st.nextLink(), st.deltaLink(), st.copied(), st.expected(), st.copiedAt(), st.refreshedAt());
					}
					t.putEntityState(c, st);
				}
				t.putMeta(c, FILTERS_SET, "true");
				return null;
			});
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	@Override
	public List<FilterPreview> preview(CrmClient client, List<OfflineFilter> filters, IProgressMonitor monitor)
			throws OfflineException {
		IProgressMonitor m = monitor(monitor);
		UUID me = me(client);
		List<FilterPreview> out = new ArrayList<>();
		m.beginTask("Counting the records the filters select", filters.size());
		try {
			for (OfflineFilter f : filters) {
				if (!f.enabled()) {
					continue;
				}
				OfflineEntity e = f.entity();
				String filter = f.resolve(me, clock.instant());
				m.subTask(e.entitySet());
				CrmPage sample = client.query(e.entitySet(),
						new CrmQuery(Catalog.select(e), filter, null, 25, Catalog.expand(e), true));
				long bytes = 0;
				for (CrmRecord r : sample.records()) {
					bytes += Values.write(Values.fromCrm(e, r)).length() + 160;
				}
				long count = sample.count() >= 0 ? sample.count() : sample.records().size();
				long estimate = sample.records().isEmpty() ? 0 : bytes * count / sample.records().size();
				out.add(new FilterPreview(e, filter, count, estimate));
				m.worked(1);
				if (m.isCanceled()) {
					throw new OperationCanceledException();
				}
			}
		} catch (CrmException e) {
			throw wrap("counting the offline records", e);
		} finally {
			m.done();
		}
		return out;
	}

	/** The signed-in user, and a check that the copy belongs to this user and organization. */
	private UUID me(CrmClient client) throws OfflineException {
		try {
			UUID me = client.whoAmI().userId();
			String org = client.serviceRoot().toString();
			String known = t.read(c -> t.meta(c, USER));
			String knownOrg = t.read(c -> t.meta(c, ORGANIZATION));
			if (known != null && (!known.equals(me.toString()) || !org.equals(knownOrg))) {
				throw new OfflineException("the offline copy of profile " + profile() + " was made by the user " + known + " of "
						+ knownOrg + ", not by " + me + " of " + org + "; use that user, or another profile");
			}
			return me;
		} catch (CrmException e) {
			throw wrap("signing in to the CRM", e);
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	// ---------------------------------------------------------------- the copy

	@Override
	public CopyReport goOffline(CrmClient client, IProgressMonitor monitor) throws OfflineException {
		return alone("going offline", () -> {
			CopyReport r = copy(client, monitor);
			if (r.complete()) {
				setMode("offline");
			}
			return r;
		});
	}

	@Override
	public CopyReport refresh(CrmClient client, IProgressMonitor monitor) throws OfflineException {
		return alone("refreshing the offline copy", () -> copy(client, monitor));
	}

	/** Work that talks to the CRM and must not run twice at once on a profile. */
	private interface Exclusive<R> {
		R run() throws OfflineException;
	}

	/** Which operation holds each profile (several copies may be open on one profile, in several threads). */
	private static final ConcurrentHashMap<String, String> RUNNING = new ConcurrentHashMap<>();

	/**
	 * Runs going offline, refreshing or going online, refusing to start while another of them runs on the
	 * same profile (two replays at once would send the same changes twice).
	 */
	private <R> R alone(String what, Exclusive<R> work) throws OfflineException {
		String other = RUNNING.putIfAbsent(profile(), what);
		if (other != null) {
			throw new OfflineException("cannot start " + what + " for profile " + profile() + ": " + other
					+ " is running; wait for it to end or cancel it");
		}
		try {
			return work.run();
		} finally {
			RUNNING.remove(profile(), what);
		}
	}

	private CopyReport copy(CrmClient client, IProgressMonitor monitor) throws OfflineException {
		UUID me = me(client);
		List<OfflineFilter> filters = filters();
		try {
			t.write(c -> {
				if (t.meta(c, USER) == null) {
					t.putMeta(c, USER, me.toString());
					t.putMeta(c, ORGANIZATION, client.serviceRoot().toString());
				}
				return null;
			});
			Copier copier = new Copier(t, client, clock, me, monitor(monitor), hook);
			lastCopy = copier.nanos;
			return copier.run(filters);
		} catch (OperationCanceledException cancelled) {
			return new CopyReport(Map.of(), 0, 0, 0, 0, false, 0, 0, List.of("cancelled: the next run goes on from here"));
		} catch (CrmException e) {
			throw wrap("copying the CRM records", e);
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	private void setMode(String mode) throws OfflineException {
		try {
			t.write(c -> {
				t.putMeta(c, MODE, mode);
				t.putMeta(c, SINCE, clock.instant().toString());
				return null;
			});
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	@Override
	public OfflineStatus status() throws OfflineException {
		try {
			return t.read(c -> {
				Map<OfflineEntity, Long> records = new EnumMap<>(OfflineEntity.class);
				long refs = 0;
				for (Map.Entry<OfflineEntity, long[]> e : t.counts(c).entrySet()) {
					records.put(e.getKey(), e.getValue()[0] + e.getValue()[1]);
					refs += e.getValue()[1];
				}
				Map<OfflineEntity, Boolean> done = new EnumMap<>(OfflineEntity.class);
				Instant last = null;
				for (OfflineEntity e : OfflineEntity.values()) {
					EntityState st = t.entityState(c, e);
					if (st != null && st.enabled() && st.gen() > 0) {
						done.put(e, !st.initialCopy());
						if (st.refreshedAt() != null && (last == null || st.refreshedAt().isAfter(last))) {
							last = st.refreshedAt();
						}
					}
				}
				Map<OutboxEntry.State, Integer> box = t.outboxCounts(c);
				String since = t.meta(c, SINCE);
				return new OfflineStatus("offline".equals(t.meta(c, MODE)), since == null ? null : Instant.parse(since),
						records, refs, done, box.getOrDefault(OutboxEntry.State.PENDING, 0)
								+ box.getOrDefault(OutboxEntry.State.CONFLICT, 0),
						box.getOrDefault(OutboxEntry.State.FAILED, 0), t.openConflicts(c), last);
			});
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	// ---------------------------------------------------------------- offline work

	@Override
	public Optional<OfflineRecord> get(OfflineEntity entity, UUID id) throws OfflineException {
		try {
			Row r = t.read(c -> t.get(c, id));
			return r == null || r.entity() != entity ? Optional.empty() : Optional.of(r.toRecord());
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	@Override
	public List<OfflineRecord> list(OfflineEntity entity, String prefix, int limit) throws OfflineException {
		try {
			List<OfflineRecord> out = new ArrayList<>();
			for (Row r : t.read(c -> t.list(c, entity, prefix == null ? "" : prefix.trim(), limit))) {
				out.add(r.toRecord());
			}
			return out;
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	@Override
	public List<OfflineRecord> duplicates(OfflineEntity entity, Map<String, String> fields) throws OfflineException {
		TreeMap<String, String> view = checked(entity, fields);
		return duplicates(entity, view, null);
	}

	private List<OfflineRecord> duplicates(OfflineEntity e, TreeMap<String, String> view, UUID except)
			throws OfflineException {
		if (!Records.checked(e)) {
			return List.of();
		}
		try {
			Map<UUID, OfflineRecord> out = new LinkedHashMap<>();
			for (String f : List.of("emailaddress1", "emailaddress2", "emailaddress3")) {
				String mail = view.get(f);
				if (mail != null && !mail.isBlank()) {
					for (Row r : t.read(c -> t.byEmail(c, e, mail.trim().toLowerCase(Locale.ROOT)))) {
						out.putIfAbsent(r.id(), r.toRecord());
					}
				}
			}
			String name = Records.name(e, view);
			if (name != null) {
				String parent = Records.parent(e, view);
				for (Row r : t.read(c -> t.byName(c, e, name.toLowerCase(Locale.ROOT)))) {
					String other = Records.parent(e, r.view());
					if (Records.nameAlone(e) || Objects.equals(parent, other)) {
						out.putIfAbsent(r.id(), r.toRecord());
					}
				}
			}
			out.remove(except);
			return new ArrayList<>(out.values());
		} catch (StoreException x) {
			throw wrap(x);
		}
	}

	private static TreeMap<String, String> checked(OfflineEntity e, Map<String, String> fields) throws OfflineException {
		TreeMap<String, String> out = new TreeMap<>();
		for (Map.Entry<String, String> f : fields.entrySet()) {
			String v = Values.check(e, f.getKey(), f.getValue());
			if (v != null) {
				out.put(f.getKey(), v);
			}
		}
		return out;
	}

	@Override
	public OfflineRecord create(OfflineEntity entity, Map<String, String> fields, boolean evenIfDuplicate)
			throws OfflineException {
		TreeMap<String, String> view = checked(entity, fields);
		if (view.isEmpty()) {
			throw new OfflineException("a new " + entity.logicalName() + " needs at least one value");
		}
		if (!evenIfDuplicate) {
			List<OfflineRecord> dups = duplicates(entity, view, null);
			if (!dups.isEmpty()) {
				StringBuilder b = new StringBuilder();
				for (OfflineRecord r : dups) {
					b.append(b.length() == 0 ? "" : ", ").append('\'').append(r.displayName()).append("' (").append(r.id())
							.append(')');
				}
				throw new DuplicateRecordException("the new " + entity.logicalName() + " '" + Records.name(entity, view)
						+ "' looks like " + b + " in the offline copy (same email address, or same name and "
						+ (entity == OfflineEntity.LEADS ? "company" : "account") + "); create it anyway if it is another one",
						dups);
			}
		}
		UUID id = UUID.randomUUID();
		Map<String, Change> changes = new TreeMap<>();
		view.forEach((f, v) -> changes.put(f, new Change(null, v)));
		try {
			return t.write(c -> {
				EntityState st = t.entityState(c, entity);
				t.insertLocal(c, entity, id, st == null ? 0 : st.gen(), view);
				t.addEntry(c, entity, id, Op.CREATE, null, changes, clock.instant());
				return t.get(c, id).toRecord();
			});
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	private Row existing(OfflineEntity entity, UUID id) throws OfflineException, StoreException {
		Row r = t.read(c -> t.get(c, id));
		if (r == null || r.entity() != entity) {
			throw new OfflineException("there is no " + entity.logicalName() + " " + id + " in the offline copy");
		}
		if (r.state() == OfflineTables.DELETED) {
			throw new OfflineException("the " + entity.logicalName() + " '" + Records.name(entity, r.base() == null
					? new TreeMap<>() : r.base()) + "' (" + id + ") was deleted offline");
		}
		return r;
	}

	@Override
	public OfflineRecord update(OfflineEntity entity, UUID id, Map<String, String> changes) throws OfflineException {
		Map<String, String> checked = new TreeMap<>();
		for (Map.Entry<String, String> f : changes.entrySet()) {
			checked.put(f.getKey(), Values.check(entity, f.getKey(), f.getValue()));
		}
		try {
			existing(entity, id);
			return t.write(c -> {
				Row r = t.get(c, id);
				TreeMap<String, String> view = r.view();
				Map<String, Change> diff = new TreeMap<>();
				checked.forEach((f, v) -> {
					if (!Objects.equals(view.get(f), v)) {
						diff.put(f, new Change(view.get(f), v));
					}
				});
				if (!diff.isEmpty()) {
					t.addEntry(c, entity, id, Op.UPDATE, r.etag(), diff, clock.instant());
					t.recompute(c, id);
				}
				return t.get(c, id).toRecord();
			});
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	@Override
	public void delete(OfflineEntity entity, UUID id) throws OfflineException {
		try {
			existing(entity, id);
			t.write(c -> {
				Row r = t.get(c, id);
				List<OutboxEntry> entries = t.entries(c, id, false);
				boolean neverSent = r.base() == null && !entries.isEmpty() && entries.get(0).op() == Op.CREATE
						&& entries.stream().allMatch(en -> en.attempts() == 0);
				if (neverSent) {
					// made offline and never sent: nothing reached the CRM, nothing needs to
					t.deleteEntries(c, id);
					t.deleteRecord(c, id);
					return null;
				}
				Map<String, Change> was = new TreeMap<>();
				r.view().forEach((f, v) -> was.put(f, new Change(v, null)));
				t.addEntry(c, entity, id, Op.DELETE, r.etag(), was, clock.instant());
				t.recompute(c, id);
				return null;
			});
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	@Override
	public List<OutboxEntry> outbox(boolean unfinishedOnly) throws OfflineException {
		try {
			return t.read(c -> t.outbox(c, unfinishedOnly, 0, Integer.MAX_VALUE));
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	@Override
	public int retryFailed() throws OfflineException {
		try {
			return t.write(t::retryFailed);
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	@Override
	public void discard(long seq) throws OfflineException {
		try {
			t.write(c -> {
				OutboxEntry e = t.entry(c, seq);
				if (e == null || e.state() == OutboxEntry.State.DONE) {
					throw new StoreException("there is no unfinished offline change " + seq);
				}
				t.deleteEntry(c, seq);
				t.recompute(c, e.recordId());
				return null;
			});
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	// ---------------------------------------------------------------- online

	@Override
	public ReplayReport goOnline(CrmClient client, ReplayOptions options, IProgressMonitor monitor)
			throws OfflineException {
		return alone("going online", () -> replay(client, options, monitor));
	}

	private ReplayReport replay(CrmClient client, ReplayOptions options, IProgressMonitor monitor)
			throws OfflineException {
		me(client);
		try {
			ReplayReport r = new Replayer(t, client, options, resolver, clock, monitor(monitor), hook).run();
			if (r.stoppedBecause() == null && options.refresh()) {
				CopyReport refreshed = copy(client, monitor);
				if (!refreshed.complete()) {
					r = new ReplayReport(r.replayed(), r.merged(), r.conflicts(), r.failed(), r.waiting(), r.requests(),
							r.httpCalls(), r.throttledMillis(), r.seconds(), "cancelled while refreshing the copy", r.problems());
				}
			}
			if (r.stoppedBecause() == null) {
				setMode("online");
			}
			return r;
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	@Override
	public List<OfflineConflict> conflicts(boolean openOnly) throws OfflineException {
		try {
			return t.read(c -> t.conflicts(c, openOnly));
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	@Override
	public void choose(long conflictId, Map<String, Take> choices) throws OfflineException {
		try {
			t.write(c -> {
				OfflineConflict k = t.conflict(c, conflictId);
				if (k == null || k.state() != OfflineConflict.State.OPEN) {
					throw new StoreException("there is no open conflict " + conflictId);
				}
				Map<String, String> names = new TreeMap<>();
				choices.forEach((f, take) -> names.put(f, take.name()));
				t.setConflictState(c, conflictId, OfflineConflict.State.CHOSEN, names, null);
				t.setEntryState(c, k.outboxSeq(), OutboxEntry.State.PENDING, "chosen: " + names, clock.instant());
				return null;
			});
		} catch (StoreException e) {
			throw wrap(e);
		}
	}

	@Override
	public void close() throws OfflineException {
		if (closeStore) {
			try {
				store.close();
			} catch (StoreException e) {
				throw wrap(e);
			}
		}
	}
}
