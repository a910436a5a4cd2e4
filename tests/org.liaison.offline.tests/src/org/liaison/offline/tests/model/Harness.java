package org.liaison.offline.tests.model;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.offline.OfflineConflict;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineFilter;
import org.liaison.api.offline.OfflineRecord;
import org.liaison.api.offline.ReplayOptions;
import org.liaison.api.offline.ReplayReport;
import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.api.sync.FieldConflict;
import org.liaison.offline.internal.OfflineCopyImpl;
import org.liaison.store.derby.DerbyProfileStore;
import org.liaison.testing.CrmServers;
import org.liaison.testing.Osgi;

/**
 * Runs one history against the reference CRM server and a fresh offline store, and checks it against a
 * reference model of the replay rules, written here from the rules as documented, not from the code:
 * <ul>
 * <li>an offline change of a field is written when the CRM still has the value the user saw (or already
 * has the new one); otherwise it is a true conflict: the policy picks the value, the loser is kept;</li>
 * <li>an offline change of a record deleted in the CRM makes it again from the offline copy;</li>
 * <li>an offline delete of a record the CRM changed meanwhile (compared with what the user saw when
 * deleting) leaves it, and says so;</li>
 * <li>creates are made once, with the id chosen offline.</li>
 * </ul>
 * After the last step: the CRM holds exactly what the model says (so no duplicate and no lost edit), the
 * conflict records are exactly the model's (every loser kept, nothing more), the offline copy equals the
 * CRM with nothing left in the outbox, and a second replay sends nothing.
 */
final class Harness {

	private static final OfflineEntity C = OfflineEntity.CONTACTS;
	private static final String MARKER = "address1_country";
	private static final List<String> MANAGED = List.of("firstname", "lastname", "jobtitle", "telephone1", "description",
			MARKER);
	private static final AtomicLong RUNS = new AtomicLong();
	private static final AtomicLong USES = new AtomicLong();

	private static CrmServers.User user;
	private static CrmClient crm;
	private static CrmClient server;
	private static ConflictResolver resolver;

	private final History h;
	private final String marker;
	/** The model: the CRM now, the copy's server copy, the user's view, the outbox. */
	private final Map<UUID, TreeMap<String, String>> srv = new LinkedHashMap<>();
	private final Map<UUID, TreeMap<String, String>> base = new HashMap<>();
	private final Map<UUID, TreeMap<String, String>> view = new LinkedHashMap<>();
	private final List<Intent> outbox = new ArrayList<>();
	private final List<String> conflicts = new ArrayList<>();
	private DerbyProfileStore store;
	private OfflineCopyImpl copy;
	private int replays;

	private record Intent(UUID id, char op, Map<String, String[]> changes) {
	}

	Harness(History h) {
		this.h = h;
		this.marker = "H" + Long.toHexString(h.seed()) + "-" + RUNS.incrementAndGet();
	}

	/**
	 * The user working offline: a new one every few histories, so that the server's service protection
	 * (requests per user in a window) is not what a long run measures.
	 */
	static synchronized void init() throws Exception {
		if (user == null || USES.incrementAndGet() % 25 == 0) {
			if (crm != null) {
				crm.close();
				server.close();
			}
			user = CrmServers.user("model-" + UUID.randomUUID().toString().substring(0, 8), false);
			crm = CrmServers.client(user, CrmLimits.defaults().withRetries(5, java.time.Duration.ofSeconds(5)));
			server = CrmServers.client(user, CrmLimits.defaults());
			resolver = Osgi.service(ConflictResolver.class);
		}
	}

	int replays() {
		return replays;
	}

	void run() throws Exception {
		init();
		store = DerbyProfileStore.openInMemory("model-" + marker);
		try {
			copy = OfflineCopyImpl.over(store, resolver, Clock.systemUTC());
			List<OfflineFilter> filters = new ArrayList<>();
			for (OfflineEntity e : OfflineEntity.values()) {
				filters.add(new OfflineFilter(e, e == C, "_ownerid_value eq {me} and " + MARKER + " eq '" + marker + "'"));
			}
			copy.setFilters(filters);
			for (int i = 0; i < h.initial(); i++) {
				serverCreate("I" + i);
			}
			check(copy.goOffline(crm, null).complete(), "the first copy did not complete");
			refreshModel();
			for (Step s : h.steps()) {
				apply(s);
			}
			verify();
		} finally {
			store.close();
		}
	}

	private static void check(boolean ok, String what) {
		if (!ok) {
			throw new AssertionError(what);
		}
	}

	private static String v(Map<String, String> m, String f) {
		return m == null ? null : m.get(f);
	}

	private static void set(Map<String, String> m, String f, String value) {
		if (value == null) {
			m.remove(f);
		} else {
			m.put(f, value);
		}
	}

	private static TreeMap<String, String> managed(Map<String, String> fields) {
		TreeMap<String, String> out = new TreeMap<>();
		for (String f : MANAGED) {
			if (fields.get(f) != null) {
				out.put(f, fields.get(f));
			}
		}
		return out;
	}

	private void apply(Step s) throws Exception {
		switch (s.kind()) {
			case OFFLINE_EDIT -> {
				UUID id = pick(new ArrayList<>(view.keySet()), s.pick());
				if (id == null) {
					return;
				}
				String value = "=".equals(s.value()) ? v(srv.get(id), s.field()) : s.value();
				String was = view.get(id).get(s.field());
				if (Objects.equals(was, value)) {
					return;
				}
				Map<String, String> change = new HashMap<>();
				change.put(s.field(), value);
				copy.update(C, id, change);
				outbox.add(new Intent(id, 'U', Map.of(s.field(), new String[] { was, value })));
				set(view.get(id), s.field(), value);
			}
			case OFFLINE_CREATE -> {
				TreeMap<String, String> fields = new TreeMap<>(Map.of("firstname", "o-" + s.value(), "lastname", s.value(), MARKER,
						marker));
				OfflineRecord r = copy.create(C, fields, true);
				Map<String, String[]> changes = new TreeMap<>();
				fields.forEach((f, x) -> changes.put(f, new String[] { null, x }));
				outbox.add(new Intent(r.id(), 'C', changes));
				view.put(r.id(), fields);
			}
			case OFFLINE_DELETE -> {
				UUID id = pick(new ArrayList<>(view.keySet()), s.pick());
				if (id == null) {
					return;
				}
				copy.delete(C, id);
				boolean neverSent = outbox.stream().anyMatch(i -> i.id.equals(id) && i.op == 'C');
				if (neverSent) {
					outbox.removeIf(i -> i.id.equals(id));
				} else {
					Map<String, String[]> was = new TreeMap<>();
					view.get(id).forEach((f, x) -> was.put(f, new String[] { x, null }));
					outbox.add(new Intent(id, 'D', was));
				}
				view.remove(id);
			}
			case SERVER_EDIT -> {
				UUID id = pick(new ArrayList<>(srv.keySet()), s.pick());
				if (id == null) {
					return;
				}
				String value = "=".equals(s.value()) ? v(view.get(id), s.field()) : s.value();
				if (Objects.equals(srv.get(id).get(s.field()), value)) {
					return;
				}
				Map<String, Object> change = new HashMap<>();
				change.put(s.field(), value);
				server.write(CrmWrite.update(C.entitySet(), id, change, null), null);
				set(srv.get(id), s.field(), value);
			}
			case SERVER_CREATE -> serverCreate(s.value());
			case SERVER_DELETE -> {
				UUID id = pick(new ArrayList<>(srv.keySet()), s.pick());
				if (id != null) {
					server.write(CrmWrite.delete(C.entitySet(), id, null), null);
					srv.remove(id);
				}
			}
			case ONLINE -> online(s);
		}
	}

	private static UUID pick(List<UUID> ids, int pick) {
		return ids.isEmpty() ? null : ids.get(pick % ids.size());
	}

	private void serverCreate(String tag) throws Exception {
		UUID id = UUID.randomUUID();
		TreeMap<String, String> fields = new TreeMap<>(Map.of("firstname", "s-" + tag, "lastname", tag, MARKER, marker));
		server.write(CrmWrite.createWithId(C.entitySet(), id, new HashMap<>(fields)), null);
		srv.put(id, fields);
	}

	/** A crash at the n-th step of the replay, a fresh service resumes; throttling answered with 429 and Retry-After. */
	private void online(Step s) throws Exception {
		int[] steps = { 0 };
		boolean[] throttled = { s.throttle() == 0 };
		copy.hook(step -> {
			if (!throttled[0] && step.equals("send")) {
				throttled[0] = true;
				CrmServers.shared().admin().injectFaults(429, s.throttle(), 0);
			}
			if (++steps[0] == s.crashAt()) {
				throw new Crash();
			}
		});
		ReplayOptions o = ReplayOptions.defaults().conflicts(h.policy()).batchSize(h.batch());
		ReplayReport r;
		try {
			r = copy.goOnline(crm, o, null);
		} catch (Crash crash) {
			copy = OfflineCopyImpl.over(store, resolver, Clock.systemUTC());
			r = copy.goOnline(crm, o, null);
		}
		replays++;
		check(r.stoppedBecause() == null, "the replay stopped: " + r.stoppedBecause());
		check(r.failed() == 0, "changes failed: " + r.problems());
		replayModel();
		refreshModel();
	}

	/** The rules, applied to the model. */
	private void replayModel() {
		for (Intent i : outbox) {
			switch (i.op) {
				case 'C' -> {
					TreeMap<String, String> f = new TreeMap<>();
					i.changes.forEach((k, ch) -> set(f, k, ch[1]));
					srv.put(i.id, f);
				}
				case 'U' -> {
					TreeMap<String, String> s = srv.get(i.id);
					if (s == null) {
						TreeMap<String, String> again = new TreeMap<>(base.get(i.id));
						i.changes.forEach((k, ch) -> set(again, k, ch[1]));
						srv.put(i.id, again);
						conflicts.add("deleted-on-server|" + i.id);
						break;
					}
					i.changes.forEach((k, ch) -> {
						String now = s.get(k);
						if (Objects.equals(now, ch[1])) {
							return;
						}
						if (Objects.equals(now, ch[0])) {
							set(s, k, ch[1]);
							return;
						}
						conflicts.add("fields|" + i.id + "|" + k + "|" + now + "|" + ch[1]);
						if (h.policy() == ConflictPolicy.MAILBOX_WINS) {
							set(s, k, ch[1]);
						}
					});
				}
				default -> {
					TreeMap<String, String> s = srv.get(i.id);
					if (s == null) {
						break;
					}
					TreeMap<String, String> seen = new TreeMap<>();
					i.changes.forEach((k, ch) -> set(seen, k, ch[0]));
					if (managed(s).equals(managed(seen))) {
						srv.remove(i.id);
					} else {
						conflicts.add("changed-on-server|" + i.id);
					}
				}
			}
			if (srv.containsKey(i.id)) {
				base.put(i.id, new TreeMap<>(srv.get(i.id)));
			}
		}
		outbox.clear();
	}

	/** After going online the copy is the CRM's (every record carries the history's marker, so all are in scope). */
	private void refreshModel() {
		base.clear();
		view.clear();
		srv.forEach((id, f) -> {
			base.put(id, new TreeMap<>(f));
			view.put(id, new TreeMap<>(f));
		});
	}

	private void verify() throws Exception {
		Map<UUID, TreeMap<String, String>> actual = new TreeMap<>();
		List<CrmRecord> got = new ArrayList<>();
		server.queryAll(C.entitySet(), CrmQuery.select("contactid", "firstname", "lastname", "jobtitle", "telephone1",
				"description", MARKER).filter(MARKER + " eq " + CrmQuery.quote(marker)), got::add, null);
		for (CrmRecord r : got) {
			TreeMap<String, String> f = new TreeMap<>();
			for (String m : MANAGED) {
				if (r.string(m) != null) {
					f.put(m, r.string(m));
				}
			}
			actual.put(r.id(), f);
		}
		Map<UUID, TreeMap<String, String>> expected = new TreeMap<>(srv);
		check(expected.equals(actual), "the CRM differs from the model:\n    model " + expected + "\n    CRM   " + actual);

		List<String> kept = new ArrayList<>();
		for (OfflineConflict k : copy.conflicts(false)) {
			switch (k.kind()) {
				case FIELDS -> {
					for (FieldConflict f : k.fields()) {
						kept.add("fields|" + k.recordId() + "|" + f.field() + "|" + f.crmValue() + "|" + f.mailboxValue());
					}
				}
				case DELETED_ON_SERVER -> kept.add("deleted-on-server|" + k.recordId());
				case CHANGED_ON_SERVER -> kept.add("changed-on-server|" + k.recordId());
			}
		}
		List<String> want = new ArrayList<>(conflicts);
		Collections.sort(want);
		Collections.sort(kept);
		check(want.equals(kept), "the conflict records differ from the model:\n    model " + want + "\n    kept  " + kept);

		Map<UUID, TreeMap<String, String>> local = new TreeMap<>();
		for (OfflineRecord r : copy.list(C, "", 10_000)) {
			check(r.state() == OfflineRecord.State.SYNCED, "the copy still holds an offline change of " + r.id());
			local.put(r.id(), managed(r.fields()));
		}
		check(local.equals(actual), "the offline copy differs from the CRM:\n    copy " + local + "\n    CRM  " + actual);
		check(copy.outbox(true).isEmpty(), "the outbox is not empty: " + copy.outbox(true));

		ReplayReport again = copy.goOnline(crm, ReplayOptions.defaults().conflicts(h.policy()).refresh(false), null);
		check(again.requests() == 0 && again.replayed() == 0, "a second replay was not a no-op: " + again);
	}

	/** Stops a run between two steps, as a killed process would. */
	static final class Crash extends Error {
		private static final long serialVersionUID = 1L;

		Crash() {
			super("simulated crash", null, false, false);
		}
	}
}
