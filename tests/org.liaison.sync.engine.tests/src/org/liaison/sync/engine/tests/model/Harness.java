package org.liaison.sync.engine.tests.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.store.ConflictRecord;
import org.liaison.api.store.JournalEntry;
import org.liaison.api.store.StoreException;
import org.liaison.api.store.SyncStateStore;
import org.liaison.api.sync.CollectionInfo;
import org.liaison.api.sync.FieldConflict;
import org.liaison.api.sync.PlannedAction;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.SyncOptions;
import org.liaison.api.sync.SyncPair;
import org.liaison.api.sync.SyncReport;
import org.liaison.sync.engine.internal.EngineSettings;
import org.liaison.sync.engine.internal.PolicyConflictResolver;
import org.liaison.sync.engine.internal.SyncRun;
import org.liaison.sync.engine.tests.model.Step.Fault;
import org.liaison.testing.memory.MemoryCollection;
import org.liaison.testing.memory.TestClock;

/**
 * Runs a history on the engine (in-memory collections, the real store) and on the reference model
 * side by side, and checks after every sync: both sides equal the model's (so they converged as
 * the model says, with no duplicates), every user edit either reached the other side, is still
 * where it was made, or lost a conflict by the policy and is kept in a conflict record, and the
 * next run is a no-op. Faults and crashes hit the first attempt of a sync; a fresh engine over the
 * same store then finishes it.
 */
final class Harness {

	/** A crash of the engine between two journal steps: an Error, which the engine never catches. */
	static final class Crash extends Error {
		private static final long serialVersionUID = 1L;

		Crash(String step) {
			super("crash after " + step, null, false, false);
		}
	}

	private static final long IDENT_SPACE = 0x4c4941_49534f4eL;

	private final History history;
	private final SyncStateStore state;
	private final String pairId = "model-" + UUID.randomUUID();
	private final TestClock clock = new TestClock();
	private final MemoryCollection crm;
	private final MemoryCollection mailbox;
	private final Model model;
	/** Edits not yet seen on the other side: (ident, side, field) to value. */
	private final Map<String, String> pending = new LinkedHashMap<>();
	private int runs;

	Harness(History history, SyncStateStore state) {
		this.history = history;
		this.state = state;
		this.crm = MemoryCollection.of(new CollectionInfo("crm", ItemKind.CONTACT, Side.CRM, "CRM contacts"),
				history.crmTracking(), false, clock);
		this.mailbox = MemoryCollection.of(new CollectionInfo("mbx", ItemKind.CONTACT, Side.MAILBOX, "Address book"),
				history.mailboxTracking(), false, clock);
		this.model = new Model(history.policy());
	}

	int runs() {
		return runs;
	}

	MemoryCollection side(Side s) {
		return s == Side.CRM ? crm : mailbox;
	}

	/** Runs the whole history; throws an AssertionError naming the step that went wrong. */
	void run() throws Exception {
		try {
			for (int i = 0; i < history.steps().size(); i++) {
				Step s = history.steps().get(i);
				try {
					apply(s);
				} catch (AssertionError e) {
					throw new AssertionError("step " + (i + 1) + " (" + s + "): " + e.getMessage(), e);
				}
			}
		} finally {
			state.forgetPair(pairId);
		}
	}

	private UUID pick(Side side, int pick) {
		List<UUID> ids = new ArrayList<>(model.side(side).keySet());
		return ids.isEmpty() ? null : ids.get(pick % ids.size());
	}

	private static String key(UUID id, Side side, String field) {
		return id + "|" + side + "|" + field;
	}

	private void apply(Step s) throws Exception {
		switch (s.kind()) {
			case CREATE -> {
				UUID id = new UUID(IDENT_SPACE, s.id());
				TreeMap<String, String> data = new TreeMap<>();
				for (String f : History.FIELDS) {
					data.put(f, "c" + s.id() + "-" + f);
				}
				side(s.side()).userCreate(id, new ItemData(ItemKind.CONTACT, data));
				model.side(s.side()).put(id, new Model.Item(data));
				data.forEach((f, v) -> track(id, s.side(), f, v));
			}
			case EDIT -> {
				UUID id = pick(s.side(), s.pick());
				if (id == null) {
					return;
				}
				Model.Item it = model.side(s.side()).get(id);
				if (s.value() == null) {
					it.data.remove(s.field());
				} else {
					it.data.put(s.field(), s.value());
				}
				MemoryCollection c = side(s.side());
				c.userEdit(c.hrefOf(id), new ItemData(ItemKind.CONTACT, it.data));
				if (s.value() != null) {
					track(id, s.side(), s.field(), s.value());
				} else {
					pending.remove(key(id, s.side(), s.field()));
				}
			}
			case DELETE -> {
				UUID id = pick(s.side(), s.pick());
				if (id == null) {
					return;
				}
				model.side(s.side()).remove(id);
				MemoryCollection c = side(s.side());
				c.userDelete(c.hrefOf(id));
				pending.keySet().removeIf(k -> k.startsWith(id + "|" + s.side() + "|"));
			}
			case SCOPE_OUT, SCOPE_IN -> {
				UUID id = pick(s.side(), s.pick());
				if (id == null) {
					return;
				}
				boolean in = s.kind() == Step.Kind.SCOPE_IN;
				model.side(s.side()).get(id).inScope = in;
				MemoryCollection c = side(s.side());
				c.setInScope(c.hrefOf(id), in);
			}
			case TOUCH -> {
				UUID id = pick(s.side(), s.pick());
				if (id != null) {
					MemoryCollection c = side(s.side());
					c.touch(c.hrefOf(id));
				}
			}
			case BAD -> side(s.side()).userCreateBad("line 1: not a vCard", "BEGIN:VCALENDAR");
			case FRESH_INSTALL -> {
				state.forgetPair(pairId);
				model.forget();
			}
			case SYNC -> sync(s);
		}
	}

	private void track(UUID id, Side side, String field, String value) {
		if (history.policy().direction(field).flows(side)) {
			pending.put(key(id, side, field), value);
		}
	}

	private EngineSettings settings() {
		return EngineSettings.defaults().withPages(3, 2, 3).withRetries(3, 1, EngineSettings.Sleeper.NONE);
	}

	private SyncReport engine(SyncOptions options, EngineSettings settings) throws SyncException {
		runs++;
		return new SyncRun(state, new SyncPair(pairId, crm, mailbox, history.policy()), options,
				new PolicyConflictResolver(), settings, new NullProgressMonitor()).run();
	}

	private void sync(Step s) throws Exception {
		// the model first, with the modification times the sides report now
		Map<Side, Map<UUID, Instant>> times = new HashMap<>();
		for (Side side : Side.values()) {
			Map<UUID, Instant> t = new HashMap<>();
			for (RemoteItem it : side(side).items()) {
				t.put(it.ident(), it.modified());
			}
			times.put(side, t);
		}
		Model.Result expected = model.sync(s.force(), (side, id) -> times.get(side).get(id));
		SyncOptions options = new SyncOptions(false, s.force());

		if (s.preview() && s.fault() == Fault.NONE) {
			Map<UUID, ItemData> crmBefore = crm.snapshot();
			Map<UUID, ItemData> mbxBefore = mailbox.snapshot();
			SyncReport dry = engine(new SyncOptions(true, s.force()), settings());
			check(crmBefore.equals(crm.snapshot()) && mbxBefore.equals(mailbox.snapshot()), "a preview wrote to a side");
			check(dry.brakeTripped() == expected.braked, "the preview's brake: " + dry.brakeMessage());
			if (!expected.braked && expected.previewExact) {
				checkCounts("the preview", dry, expected);
			}
		}

		boolean clean = true;
		if (s.fault() != Fault.NONE) {
			clean = false;
			EngineSettings faulty = settings();
			switch (s.fault()) {
				case TRANSIENT -> {
					crm.faults().random(s.faultSeed(), 0.25, 0);
					mailbox.faults().random(s.faultSeed() + 1, 0.25, 0);
				}
				case LOST -> {
					crm.faults().random(s.faultSeed(), 0, 0.35);
					mailbox.faults().random(s.faultSeed() + 1, 0, 0.35);
				}
				case FLAKY -> {
					crm.faults().flakyEtags(s.faultSeed(), 0.5);
					mailbox.faults().flakyEtags(s.faultSeed() + 1, 0.5);
				}
				case CRASH -> {
					int[] n = { 0 };
					faulty = faulty.withHook(step -> {
						if (++n[0] == s.crashAt()) {
							throw new Crash(step);
						}
					});
				}
				default -> {
				}
			}
			try {
				SyncReport first = engine(options, faulty);
				if (s.fault() == Fault.FLAKY && !expected.braked) {
					checkCounts("a run with flaky ETags", first, expected);
					clean = true;
				}
			} catch (Crash | SyncException e) {
				// the attempt stopped part way: a fresh engine over the same store finishes it
			} finally {
				crm.faults().off();
				mailbox.faults().off();
			}
		}
		SyncReport r = engine(options, settings());
		check(r.brakeTripped() == expected.braked, "brake: expected " + expected.braked + ", got " + r.brakeMessage());
		check(r.actions().stream().noneMatch(a -> a.action() == PlannedAction.Action.RETRY),
				"a run without faults left items for later: " + r.actions());
		if (clean && s.fault() == Fault.NONE && !expected.braked) {
			checkCounts("the run", r, expected);
		}
		checkState();
		checkConflicts();
		checkNoLostEdit();
		SyncReport next = engine(options, settings());
		check(next.noop(), "the next run is not a no-op: " + next);
		checkState();
		for (JournalEntry e : state.journal(pairId, true)) {
			throw new AssertionError("a journal entry is still pending after a finished run: " + e);
		}
	}

	private static void check(boolean ok, String message) {
		if (!ok) {
			throw new AssertionError(message);
		}
	}

	private void checkCounts(String what, SyncReport r, Model.Result expected) {
		for (Side side : Side.values()) {
			int[] e = expected.counts.get(side);
			var got = r.side(side);
			check(got.created() == e[0] && got.updated() == e[1] && got.deleted() == e[2],
					what + " on " + side + " made/changed/deleted " + got.created() + "/" + got.updated() + "/"
							+ got.deleted() + ", the model " + e[0] + "/" + e[1] + "/" + e[2] + "; actions " + r.actions());
		}
	}

	private static Map<UUID, Map<String, String>> fields(Map<UUID, ItemData> snap) {
		Map<UUID, Map<String, String>> out = new TreeMap<>();
		snap.forEach((k, v) -> out.put(k, v.fields()));
		return out;
	}

	private static Map<UUID, Map<String, String>> fieldsOf(Map<UUID, Model.Item> items) {
		Map<UUID, Map<String, String>> out = new TreeMap<>();
		items.forEach((k, v) -> out.put(k, v.data));
		return out;
	}

	/** Both sides are what the model says: same items (no duplicates, none missing), same content. */
	private void checkState() {
		for (Side side : Side.values()) {
			Map<UUID, Map<String, String>> real = fields(side(side).snapshot());
			Map<UUID, Map<String, String>> want = fieldsOf(model.side(side));
			if (!real.equals(want)) {
				StringBuilder b = new StringBuilder(side + " differs from the model:");
				for (UUID id : new java.util.TreeSet<>(union(real.keySet(), want.keySet()))) {
					if (!Objects.equals(real.get(id), want.get(id))) {
						b.append("\n    ").append(id).append(": engine ").append(real.get(id)).append(", model ")
								.append(want.get(id));
					}
				}
				throw new AssertionError(b.toString());
			}
			for (UUID id : real.keySet()) {
				check(side(side).countIdent(id) == 1, "duplicate " + id + " in " + side);
			}
		}
		// linked, settled items agree on every two-way field
		for (Map.Entry<UUID, Model.Link> e : model.links.entrySet()) {
			Model.Item c = model.crm.get(e.getKey());
			Model.Item m = model.mailbox.get(e.getKey());
			if (c == null || m == null || !e.getValue().mailboxLinked || model.deferred.contains(e.getKey())
					|| !c.inScope || !m.inScope) {
				continue;
			}
			for (String f : History.FIELDS) {
				if (history.policy().direction(f) == org.liaison.api.sync.FieldDirection.TWO_WAY) {
					check(Objects.equals(c.data.get(f), m.data.get(f)), "not converged: " + e.getKey() + " " + f);
				}
			}
		}
	}

	private static <T> java.util.Set<T> union(java.util.Set<T> a, java.util.Set<T> b) {
		java.util.Set<T> u = new java.util.HashSet<>(a);
		u.addAll(b);
		return u;
	}

	private List<ConflictRecord> conflicts() throws StoreException {
		return state.conflicts(pairId, false);
	}

	/** Every value the model says lost by the policy is kept in a conflict record; deferred items have an open one. */
	private void checkConflicts() throws StoreException {
		List<ConflictRecord> all = conflicts();
		for (String[] l : model.losers) {
			boolean kept = false;
			for (ConflictRecord c : all) {
				if (c.ident().toString().equals(l[0]) && l[2] != null && l[2].equals(c.loserValue(l[1]))) {
					kept = true;
				}
			}
			check(kept || l[2] == null, "the losing value " + l[2] + " of " + l[0] + " " + l[1] + " is in no conflict record");
		}
		for (UUID id : model.deferred) {
			check(state.unsettledConflict(pairId, id).isPresent(), "no open conflict for " + id + ", which waits for the user");
		}
	}

	/** No edit is lost: each is on the other side now, still where it was made, or a recorded loser. */
	private void checkNoLostEdit() throws StoreException {
		Map<UUID, ItemData> snapC = crm.snapshot();
		Map<UUID, ItemData> snapM = mailbox.snapshot();
		List<ConflictRecord> all = null;
		for (var it = pending.entrySet().iterator(); it.hasNext();) {
			var e = it.next();
			String[] k = e.getKey().split("\\|");
			UUID id = UUID.fromString(k[0]);
			Side side = Side.valueOf(k[1]);
			String field = k[2];
			String value = e.getValue();
			ItemData there = (side == Side.CRM ? snapM : snapC).get(id);
			if (there != null && value.equals(there.get(field))) {
				it.remove(); // it reached the other side
				continue;
			}
			ItemData here = (side == Side.CRM ? snapC : snapM).get(id);
			if (here != null && value.equals(here.get(field))) {
				continue; // not synced yet (a conflict waits, the brake held, the item is unlinked or out of scope)
			}
			if (all == null) {
				all = conflicts();
			}
			boolean recorded = false;
			for (ConflictRecord c : all) {
				if (c.ident().equals(id)) {
					for (FieldConflict f : c.fields()) {
						recorded |= f.field().equals(field) && value.equals(c.loserValue(field));
					}
				}
			}
			check(recorded, "an edit was lost: " + field + "=" + value + " made in " + side + " on " + id
					+ " is on neither side and in no conflict record");
			it.remove();
		}
	}
}
