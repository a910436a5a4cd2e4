package org.liaison.offline.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmClient.BatchResult;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmException.Kind;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.offline.OfflineConflict;
import org.liaison.api.offline.OfflineCopy.Take;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OutboxEntry;
import org.liaison.api.offline.OutboxEntry.Op;
import org.liaison.api.offline.ReplayOptions;
import org.liaison.api.offline.ReplayReport;
import org.liaison.api.store.StoreException;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.api.sync.FieldDirection;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncPolicy;
import org.liaison.offline.internal.OfflineTables.Row;
import org.liaison.sync.engine.merge.FieldMerge;

/**
 * Replays the outbox in order. Each change is written with If-Match on the server version the copy
 * knows, after a 3-way per-field merge of the user's change (the values the user saw and set) against
 * that server copy, so a field the server changed meanwhile is never overwritten silently: it is a
 * conflict, settled by the policy with the losing value kept in a conflict record, or left to the user.
 * A 412 means the copy was stale: the record is read again and merged again. Creates are PATCHes with
 * If-None-Match: * to the id chosen offline, so a create replayed after a crash finds its record (412)
 * instead of making a second; an update replayed after a crash finds its values already there and writes
 * nothing; a delete finds the record gone (404). A change beats a deletion: an edit to a record deleted on
 * the server makes it again; a delete of a record changed on the server leaves it. Changes of different
 * records go in {@code $batch}es, in order, a record at most once per batch.
 */
final class Replayer {

	private static final int REREADS = 4;

	private final OfflineTables t;
	private final CrmClient client;
	private final ReplayOptions options;
	private final SyncPolicy policy;
	private final ConflictResolver resolver;
	private final Clock clock;
	private final IProgressMonitor monitor;
	private final Hook hook;
	private final List<String> problems = new ArrayList<>();
	private final Set<UUID> blocked = new HashSet<>();
	private int replayed;
	private int merged;
	private int conflicts;
	private int failed;

	Replayer(OfflineTables t, CrmClient client, ReplayOptions options, ConflictResolver resolver, Clock clock,
			IProgressMonitor monitor, Hook hook) {
		this.t = t;
		this.client = client;
		this.options = options;
		this.policy = new SyncPolicy(options.conflicts(), FieldDirection.TWO_WAY, Map.of(), 1.0, Integer.MAX_VALUE, true);
		this.resolver = resolver;
		this.clock = clock;
		this.monitor = monitor;
		this.hook = hook;
	}

	/** A change that stops the whole replay (the rest waits for the next one), not just this record. */
	private static boolean stops(CrmException e) {
		return switch (e.kind()) {
			case BAD_REQUEST, FORBIDDEN, PRECONDITION_FAILED, NOT_FOUND -> false;
			default -> true;
		};
	}

	ReplayReport run() throws StoreException {
		long t0 = System.nanoTime();
		CrmClient.Stats s0 = client.stats();
		String stopped = null;
		int total = t.read(c -> t.outboxCounts(c)).getOrDefault(OutboxEntry.State.PENDING, 0);
		monitor.beginTask("Going online", Math.max(1, total));
		try {
			long after = 0;
			while (true) {
				List<OutboxEntry> batch = new ArrayList<>();
				Set<UUID> inBatch = new HashSet<>();
				long from = after;
				for (OutboxEntry e : t.read(c -> t.outbox(c, true, 0, Integer.MAX_VALUE))) {
					if (e.state() != OutboxEntry.State.PENDING) {
						// a failed change or an open conflict: the record's later changes wait behind it
						blocked.add(e.recordId());
						continue;
					}
					if (e.seq() <= from || blocked.contains(e.recordId())) {
						continue;
					}
					if (inBatch.contains(e.recordId()) || batch.size() >= options.batchSize()) {
						break;
					}
					batch.add(e);
					inBatch.add(e.recordId());
					after = e.seq();
				}
				if (batch.isEmpty()) {
					break;
				}
				process(batch);
				monitor.worked(batch.size());
				if (monitor.isCanceled()) {
					stopped = "cancelled";
					break;
				}
			}
		} catch (CrmException e) {
			stopped = e.getMessage();
		} finally {
			monitor.done();
		}
		Map<OutboxEntry.State, Integer> left = t.read(t::outboxCounts);
		int waiting = left.values().stream().mapToInt(Integer::intValue).sum() - left.getOrDefault(OutboxEntry.State.FAILED, 0);
		CrmClient.Stats s1 = client.stats();
		return new ReplayReport(replayed, merged, conflicts, failed, waiting, s1.requests() - s0.requests(), s1.httpCalls() - s0.httpCalls(),
				s1.throttledMillis() - s0.throttledMillis(), (System.nanoTime() - t0) / 1e9, stopped, problems);
	}

	// ---------------------------------------------------------------- plans

	/** What one change needs: nothing more, a write, or the user. */
	private record Plan(OutboxEntry entry, Row row, CrmWrite write, TreeMap<String, String> base, FieldMerge.Outcome merge,
			boolean chosen, boolean deferred, boolean kept) {

		Plan(OutboxEntry entry, Row row, CrmWrite write, TreeMap<String, String> base, FieldMerge.Outcome merge,
				boolean chosen, boolean deferred) {
			this(entry, row, write, base, merge, chosen, deferred, false);
		}
	}

	/** The record as the user saw it when deleting it offline (the delete's "before" values). */
	private static TreeMap<String, String> deleted(OutboxEntry e) {
		TreeMap<String, String> out = new TreeMap<>();
		e.changes().forEach((f, ch) -> put(out, f, ch.before()));
		return out;
	}

	private Plan plan(OutboxEntry e, Row row, Map<String, String> choices) {
		OfflineEntity en = e.entity();
		if (row == null) {
			return new Plan(e, null, null, null, null, false, false);
		}
		TreeMap<String, String> k = row.base();
		if (e.op() == Op.DELETE) {
			if (k == null) {
				return new Plan(e, row, null, null, null, false, false);
			}
			if (!content(en, k).equals(content(en, deleted(e)))) {
				// the copy knows of a change the user did not see when deleting: a change beats a deletion
				return new Plan(e, row, null, k, null, false, false, true);
			}
			return new Plan(e, row, CrmWrite.delete(en.entitySet(), row.id(), row.etag()), null, null, false, false);
		}
		if (k == null) {
			// a create that has not reached the CRM
			TreeMap<String, String> fields = new TreeMap<>();
			e.changes().forEach((f, ch) -> {
				if (ch.after() != null) {
					fields.put(f, ch.after());
				}
			});
			return new Plan(e, row, CrmWrite.createWithId(en.entitySet(), row.id(), Values.toCrm(en, fields, Map.of())),
					fields, null, false, false);
		}
		TreeMap<String, String> before = new TreeMap<>(k);
		TreeMap<String, String> after = new TreeMap<>(k);
		e.changes().forEach((f, ch) -> {
			put(before, f, ch.before());
			put(after, f, ch.after());
		});
		Map<String, Side> sides = new TreeMap<>();
		if (choices != null) {
			choices.forEach((f, take) -> sides.put(f, Take.valueOf(take) == Take.OFFLINE ? Side.MAILBOX : Side.CRM));
		}
		FieldMerge.Outcome o = FieldMerge.merge(row.id(), null, before, before, k, after, instant(k.get("modifiedon")),
				e.made(), policy, choices == null ? resolver : (c, p) -> ConflictResolver.Resolution.TAKE_CRM, sides);
		if (o.deferred()) {
			return new Plan(e, row, null, k, o, false, true);
		}
		TreeMap<String, String> write = new TreeMap<>();
		for (String f : FieldMerge.changed(k, o.crm())) {
			write.put(f, o.crm().get(f));
		}
		TreeMap<String, String> next = new TreeMap<>(o.crm());
		if (write.isEmpty()) {
			return new Plan(e, row, null, next, o, choices != null, false);
		}
		return new Plan(e, row, CrmWrite.update(en.entitySet(), row.id(), Values.toCrm(en, write, k), row.etag()), next, o,
				choices != null, false);
	}

	private static void put(Map<String, String> m, String f, String v) {
		if (v == null) {
			m.remove(f);
		} else {
			m.put(f, v);
		}
	}

	private static Instant instant(String s) {
		try {
			return s == null ? null : Instant.parse(s);
		} catch (RuntimeException e) {
			return null;
		}
	}

	// ---------------------------------------------------------------- one batch

	private void process(List<OutboxEntry> batch) throws StoreException, CrmException {
		List<UUID> ids = new ArrayList<>();
		for (OutboxEntry e : batch) {
			ids.add(e.recordId());
		}
		Map<UUID, Row> rows = t.read(c -> t.get(c, ids));
		List<Plan> plans = new ArrayList<>();
		for (OutboxEntry e : batch) {
			Map<String, String> choices = t.read(c -> t.choicesFor(c, e.seq()));
			plans.add(plan(e, rows.get(e.recordId()), choices));
		}
		List<Plan> sends = new ArrayList<>();
		for (Plan p : plans) {
			if (p.write() != null) {
				sends.add(p);
			}
		}
		List<BatchResult> results = List.of();
		Map<Long, List<Long>> journaled = new java.util.HashMap<>();
		if (!sends.isEmpty()) {
			List<CrmWrite> writes = new ArrayList<>();
			for (Plan p : sends) {
				writes.add(p.write());
			}
			t.write(c -> {
				for (Plan p : sends) {
					journaled.put(p.entry().seq(), beforeSend(c, p));
				}
				return null;
			});
			hook.step("send");
			results = writes.size() == 1 ? List.of(single(writes.get(0))) : client.batch(writes, false);
			hook.step("sent");
		}
		List<Plan> slow = new ArrayList<>();
		List<Plan> sent = sends;
		List<BatchResult> res = results;
		CrmException[] stop = new CrmException[1];
		t.write(c -> {
			Instant now = clock.instant();
			for (Plan p : plans) {
				if (p.write() != null) {
					continue;
				}
				if (p.row() == null) {
					fail(c, p.entry(), "the record is no longer in the offline copy", now);
				} else if (p.deferred()) {
					defer(c, p, now);
				} else if (p.kept()) {
					keep(c, p.entry(), deleted(p.entry()), p.base(), now);
				} else {
					finish(c, p, null, now);
				}
			}
			for (int i = 0; i < sent.size(); i++) {
				Plan p = sent.get(i);
				BatchResult r = res.get(i);
				if (r.ok()) {
					finish(c, p, r.etag(), now);
					continue;
				}
				if (stops(r.error())) {
					if (stop[0] == null) {
						stop[0] = r.error();
					}
					continue;
				}
				// the CRM answered and did not write: what was journaled for this attempt did not happen
				t.deleteConflicts(c, journaled.getOrDefault(p.entry().seq(), List.of()));
				if (r.error().kind() == Kind.PRECONDITION_FAILED || r.error().kind() == Kind.NOT_FOUND) {
					slow.add(p);
				} else {
					fail(c, p.entry(), r.error().getMessage(), now);
				}
			}
			return null;
		});
		hook.step("recorded");
		for (Plan p : slow) {
			if (stop[0] != null) {
				break;
			}
			reconcile(p.entry(), res.get(sent.indexOf(p)).error());
		}
		if (stop[0] != null) {
			throw stop[0];
		}
	}

	/**
	 * Before a write goes out: counts the attempt, and keeps the CRM values it will overwrite (conflicts
	 * the offline value wins) so that a crash after the write loses none. Returns the conflicts made now.
	 */
	private List<Long> beforeSend(Connection c, Plan p) throws SQLException {
		t.attempted(c, List.of(p.entry().seq()));
		if (p.merge() == null || p.chosen() || !p.merge().resolutions().containsValue(ConflictResolver.Resolution.TAKE_MAILBOX)) {
			return List.of();
		}
		long id = addConflict(c, p.entry(), OfflineConflict.Kind.FIELDS, p.merge(), clock.instant());
		return id > 0 ? List.of(id) : List.of();
	}

	/** One write on its own (no $batch), as a batch result. */
	private BatchResult single(CrmWrite w) throws CrmException {
		try {
			CrmRecord r = client.write(w, null);
			return new BatchResult(200, w.id(), r.etag(), null);
		} catch (CrmException e) {
			if (stops(e)) {
				throw e;
			}
			return new BatchResult(e.status(), w.id(), null, e);
		}
	}

	// ---------------------------------------------------------------- outcomes (inside a write)

	/** The change is in the CRM (written now, or already there): the copy takes the server's new state. */
	private void finish(Connection c, Plan p, String etag, Instant now) throws SQLException {
		OutboxEntry e = p.entry();
		String note = null;
		if (p.merge() != null && !p.merge().conflicts().isEmpty() && !p.chosen()) {
			addConflict(c, e, OfflineConflict.Kind.FIELDS, p.merge(), now);
			note = describe(e, p.merge());
		}
		if (p.chosen()) {
			t.settleChosen(c, e.seq(), now);
			note = "written as chosen";
		}
		if (p.merge() != null && !Objects.equals(p.row().etag(), e.baseEtag())) {
			merged++;
		}
		t.setEntryState(c, e.seq(), OutboxEntry.State.DONE, note, now);
		if (e.op() == Op.DELETE) {
			if (p.row() != null) {
				t.deleteRecord(c, p.row().id());
			}
		} else if (p.base() != null) {
			t.putBase(c, e.recordId(), etag != null ? etag : p.row().etag(), p.base());
		} else {
			t.recompute(c, e.recordId());
		}
		replayed++;
	}

	private static String describe(OutboxEntry e, FieldMerge.Outcome o) {
		StringBuilder b = new StringBuilder();
		o.conflicts().forEach(f -> {
			ConflictResolver.Resolution r = o.resolutions().get(f.field());
			b.append(b.length() == 0 ? "" : "; ").append(f.field()).append(": ")
					.append(r == ConflictResolver.Resolution.TAKE_MAILBOX
							? "your offline value '" + f.mailboxValue() + "' was written over the CRM's '" + f.crmValue() + "'"
							: r == ConflictResolver.Resolution.TAKE_CRM
									? "the CRM's '" + f.crmValue() + "' stayed; your offline value '" + f.mailboxValue() + "' is kept here"
									: "the CRM has '" + f.crmValue() + "', you set '" + f.mailboxValue() + "' offline: choose one");
		});
		return "the " + e.entity().logicalName() + " " + e.recordId() + " was changed in the CRM too: " + b;
	}

	/** Keeps a field conflict (once per change); returns its id, or a negative id when it was kept already. */
	private long addConflict(Connection c, OutboxEntry e, OfflineConflict.Kind kind, FieldMerge.Outcome o, Instant now)
			throws SQLException {
		boolean open = o.deferred();
		String note = describe(e, o);
		long id = t.addConflictOnce(c, new OfflineConflict(0, e.entity(), e.recordId(), e.seq(), kind, o.conflicts(),
				o.resolutions(), options.conflicts(), open ? OfflineConflict.State.OPEN : OfflineConflict.State.SETTLED, note,
				now, open ? null : now));
		if (id > 0) {
			conflicts++;
			problems.add(note);
		}
		return id;
	}

	private void defer(Connection c, Plan p, Instant now) throws SQLException {
		addConflict(c, p.entry(), OfflineConflict.Kind.FIELDS, p.merge(), now);
		t.setEntryState(c, p.entry().seq(), OutboxEntry.State.CONFLICT, describe(p.entry(), p.merge()), now);
		t.recompute(c, p.entry().recordId());
		blocked.add(p.entry().recordId());
	}

	private void fail(Connection c, OutboxEntry e, String why, Instant now) throws SQLException {
		String note = "the CRM refused the offline " + e.op().name().toLowerCase(java.util.Locale.ROOT) + " of the "
				+ e.entity().logicalName() + " " + e.recordId() + ": " + why;
		t.setEntryState(c, e.seq(), OutboxEntry.State.FAILED, note, now);
		blocked.add(e.recordId());
		failed++;
		problems.add(note);
	}

	private interface Outcome {
		void apply(Connection c) throws SQLException;
	}

	private void record(Outcome o) throws StoreException {
		t.write(c -> {
			o.apply(c);
			return null;
		});
		hook.step("recorded");
	}

	/** Sends one write after journaling it; a refusal that did not write removes what was journaled. */
	private BatchResult sendAlone(Plan p) throws StoreException, CrmException {
		List<Long> journal = t.write(c -> beforeSend(c, p));
		hook.step("send");
		BatchResult r = single(p.write());
		hook.step("sent");
		if (!r.ok() && !journal.isEmpty()) {
			t.write(c -> {
				t.deleteConflicts(c, journal);
				return null;
			});
		}
		return r;
	}

	// ---------------------------------------------------------------- 412 and 404

	/** A change met a server that moved on: read the record again and settle the change against it. */
	private void reconcile(OutboxEntry e, CrmException first) throws StoreException, CrmException {
		CrmException last = first;
		OfflineEntity en = e.entity();
		for (int round = 0; round < REREADS; round++) {
			if (last.kind() == Kind.NOT_FOUND) {
				goneOnServer(e);
				return;
			}
			CrmRecord fresh;
			try {
				fresh = client.retrieve(en.entitySet(), e.recordId(),
						new CrmQuery(Catalog.select(en), null, null, null, Catalog.expand(en), false));
			} catch (CrmException x) {
				if (x.kind() == Kind.NOT_FOUND) {
					goneOnServer(e);
					return;
				}
				if (stops(x)) {
					throw x;
				}
				record(c -> fail(c, e, x.getMessage(), clock.instant()));
				return;
			}
			TreeMap<String, String> server = Values.fromCrm(en, fresh);
			t.write(c -> {
				t.putBase(c, e.recordId(), fresh.etag(), server);
				return null;
			});
			hook.step("reread");
			Row row = t.read(c -> t.get(c, e.recordId()));
			Map<String, String> choices = t.read(c -> t.choicesFor(c, e.seq()));
			Plan p = plan(e, row, choices);
			if (p.deferred()) {
				record(c -> defer(c, p, clock.instant()));
				return;
			}
			if (p.kept()) {
				record(c -> keep(c, e, deleted(e), server, clock.instant()));
				return;
			}
			if (p.write() == null) {
				record(c -> finish(c, p, null, clock.instant()));
				return;
			}
			BatchResult r = sendAlone(p);
			if (r.ok()) {
				record(c -> finish(c, p, r.etag(), clock.instant()));
				return;
			}
			if (r.error().kind() != Kind.PRECONDITION_FAILED && r.error().kind() != Kind.NOT_FOUND) {
				record(c -> fail(c, e, r.error().getMessage(), clock.instant()));
				return;
			}
			last = r.error();
		}
		CrmException gaveUp = last;
		record(c -> fail(c, e, "the record kept changing in the CRM while it was replayed (" + gaveUp.getMessage() + ")",
				clock.instant()));
	}

	/** The fields that matter for "changed": those a user writes, not what the CRM computes (full name, modified on). */
	private static TreeMap<String, String> content(OfflineEntity e, Map<String, String> fields) {
		TreeMap<String, String> out = new TreeMap<>();
		fields.forEach((f, v) -> {
			Catalog.Column col = Catalog.column(e, f);
			if (col != null && !col.readOnly()) {
				out.put(f, v);
			}
		});
		return out;
	}

	/** Deleted offline, changed on the server: the change wins, the record stays, the delete is shown. */
	private void keep(Connection c, OutboxEntry e, Map<String, String> seen, Map<String, String> server, Instant now)
			throws SQLException {
		List<String> fields = FieldMerge.changed(content(e.entity(), seen), content(e.entity(), server));
		String note = "the " + e.entity().logicalName() + " " + e.recordId() + " you deleted offline was changed in the CRM ("
				+ String.join(", ", fields) + "); it was kept: delete it again if it should go";
		List<org.liaison.api.sync.FieldConflict> fc = new ArrayList<>();
		for (String f : fields) {
			fc.add(new org.liaison.api.sync.FieldConflict(e.recordId(), null, f, seen.get(f), server.get(f), null, null,
					e.made()));
		}
		if (t.addConflictOnce(c, new OfflineConflict(0, e.entity(), e.recordId(), e.seq(),
				OfflineConflict.Kind.CHANGED_ON_SERVER, fc, Map.of(), options.conflicts(), OfflineConflict.State.SETTLED, note,
				now, now)) > 0) {
			conflicts++;
			problems.add(note);
		}
		t.setEntryState(c, e.seq(), OutboxEntry.State.DONE, note, now);
		t.recompute(c, e.recordId());
		replayed++;
	}

	/** The record is gone from the CRM: a delete is done; a change makes it again with the offline values. */
	private void goneOnServer(OutboxEntry e) throws StoreException, CrmException {
		if (e.op() == Op.DELETE) {
			record(c -> {
				t.setEntryState(c, e.seq(), OutboxEntry.State.DONE, "already deleted in the CRM", clock.instant());
				t.deleteRecord(c, e.recordId());
			});
			replayed++;
			return;
		}
		Row row = t.read(c -> t.get(c, e.recordId()));
		if (row == null) {
			record(c -> fail(c, e, "the record is no longer in the offline copy", clock.instant()));
			return;
		}
		TreeMap<String, String> fields = new TreeMap<>(row.base() == null ? Map.of() : row.base());
		e.changes().forEach((f, ch) -> put(fields, f, ch.after()));
		TreeMap<String, String> writable = content(e.entity(), fields);
		String note = "the " + e.entity().logicalName() + " " + e.recordId() + " you changed offline had been deleted in"
				+ " the CRM; it was made again with your values";
		// kept before the record is made again, so that a crash after it still shows why the record came back
		long[] journal = new long[1];
		t.write(c -> {
			Instant now = clock.instant();
			t.attempted(c, List.of(e.seq()));
			journal[0] = t.addConflictOnce(c, new OfflineConflict(0, e.entity(), e.recordId(), e.seq(),
					OfflineConflict.Kind.DELETED_ON_SERVER, List.of(), Map.of(), options.conflicts(),
					OfflineConflict.State.SETTLED, note, now, now));
			return null;
		});
		hook.step("send");
		BatchResult r = single(CrmWrite.createWithId(e.entity().entitySet(), e.recordId(),
				Values.toCrm(e.entity(), writable, Map.of())));
		hook.step("sent");
		if (!r.ok()) {
			t.write(c -> {
				if (journal[0] > 0) {
					t.deleteConflicts(c, List.of(journal[0]));
				}
				return null;
			});
			if (r.error().kind() == Kind.PRECONDITION_FAILED) {
				// made again meanwhile (by an earlier attempt of this replay): settle against it
				reconcile(e, r.error());
				return;
			}
			record(c -> fail(c, e, r.error().getMessage(), clock.instant()));
			return;
		}
		record(c -> {
			t.setEntryState(c, e.seq(), OutboxEntry.State.DONE, note, clock.instant());
			t.putBase(c, e.recordId(), r.etag(), writable);
		});
		if (journal[0] > 0) {
			conflicts++;
			problems.add(note);
		}
		replayed++;
	}
}
