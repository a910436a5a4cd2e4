package org.liaison.sync.engine.tests.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiFunction;

import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.FieldDirection;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncPolicy;

/**
 * The reference model: what a sync should do, written as plainly as possible and apart from the
 * engine's code: items as field maps on each side, links with each side's last synced copy, and
 * one logical sync as a function of the two. The engine, with its staging, pages, journal, faults
 * and crashes, must end where the model ends.
 */
final class Model {

	/** An item on one side. */
	static final class Item {
		TreeMap<String, String> data;
		boolean inScope = true;

		Item(Map<String, String> data) {
			this.data = new TreeMap<>(data);
		}
	}

	/** What the store remembers of a pair: each side's last synced copy; the mailbox side may be unlinked. */
	static final class Link {
		TreeMap<String, String> baseC;
		TreeMap<String, String> baseM;
		boolean mailboxLinked = true;

		Link(Map<String, String> c, Map<String, String> m) {
			this.baseC = new TreeMap<>(c);
			this.baseM = new TreeMap<>(m);
		}
	}

	enum State {
		NONE, SAME, CHANGED, DELETED, LEFT_SCOPE;

		boolean gone() {
			return this == DELETED || this == LEFT_SCOPE;
		}
	}

	/** What one logical sync did. */
	static final class Result {
		boolean braked;
		final Map<Side, int[]> counts = new EnumMap<>(Side.class); // created, updated, deleted
		/** Whether a preview (which does not fetch before writing) must give the same counts. */
		boolean previewExact = true;

		Result() {
			counts.put(Side.CRM, new int[3]);
			counts.put(Side.MAILBOX, new int[3]);
		}
	}

	final Map<UUID, Item> crm = new TreeMap<>();
	final Map<UUID, Item> mailbox = new TreeMap<>();
	final Map<UUID, Link> links = new HashMap<>();
	/** Items whose conflict waits for the user after the last sync. */
	final Set<UUID> deferred = new HashSet<>();
	/** Values that lost a conflict by the policy: ident, field, value; the store must keep each. */
	final List<String[]> losers = new ArrayList<>();
	private final SyncPolicy policy;

	Model(SyncPolicy policy) {
		this.policy = policy;
	}

	Map<UUID, Item> side(Side s) {
		return s == Side.CRM ? crm : mailbox;
	}

	private State state(Side s, UUID id) {
		Link l = links.get(id);
		Item it = side(s).get(id);
		boolean tracked = l != null && (s == Side.CRM || l.mailboxLinked);
		if (!tracked) {
			return it != null && it.inScope ? State.CHANGED : State.NONE;
		}
		if (it == null) {
			return State.DELETED;
		}
		if (!it.inScope) {
			return State.LEFT_SCOPE;
		}
		return it.data.equals(s == Side.CRM ? l.baseC : l.baseM) ? State.SAME : State.CHANGED;
	}

	/** The fields of {@code data} that flow from {@code source}. */
	private TreeMap<String, String> flowing(Map<String, String> data, Side source) {
		TreeMap<String, String> out = new TreeMap<>();
		data.forEach((k, v) -> {
			if (policy.direction(k).flows(source)) {
				out.put(k, v);
			}
		});
		return out;
	}

	/** The merge as the issue states it: per field, against each side's last synced copy, with directions. */
	private final class Merged {
		final TreeMap<String, String> c = new TreeMap<>();
		final TreeMap<String, String> m = new TreeMap<>();
		final List<String[]> lost = new ArrayList<>();
		boolean deferred;
		boolean conflicted;

		Merged(Map<String, String> bc, Map<String, String> bm, Map<String, String> vc0, Map<String, String> vm0,
				Instant cMod, Instant mMod, UUID id) {
			TreeSet<String> names = new TreeSet<>();
			names.addAll(bc.keySet());
			names.addAll(bm.keySet());
			names.addAll(vc0.keySet());
			names.addAll(vm0.keySet());
			for (String f : names) {
				String b1 = bc.get(f);
				String b2 = bm.get(f);
				String x = vc0.get(f);
				String y = vm0.get(f);
				boolean cc = !Objects.equals(x, b1);
				boolean mc = !Objects.equals(y, b2);
				String rc;
				String rm;
				FieldDirection d = policy.direction(f);
				if (d == FieldDirection.NONE) {
					rc = x;
					rm = y;
				} else if (d == FieldDirection.CRM_TO_MAILBOX) {
					rc = x;
					rm = cc ? x : y;
				} else if (d == FieldDirection.MAILBOX_TO_CRM) {
					rm = y;
					rc = mc ? y : x;
				} else if (Objects.equals(x, y)) {
					rc = x;
					rm = y;
				} else if (cc && !mc) {
					rc = x;
					rm = x;
				} else if (mc && !cc) {
					rc = y;
					rm = y;
				} else {
					conflicted = true;
					Side winner = winner(cMod, mMod);
					if (winner == null) {
						deferred = true;
						rc = x;
						rm = y;
					} else if (winner == Side.CRM) {
						rc = x;
						rm = x;
						lost.add(new String[] { id.toString(), f, y });
					} else {
						rc = y;
						rm = y;
						lost.add(new String[] { id.toString(), f, x });
					}
				}
				if (rc != null) {
					c.put(f, rc);
				}
				if (rm != null) {
					m.put(f, rm);
				}
			}
		}
	}

	private Side winner(Instant cMod, Instant mMod) {
		ConflictPolicy p = policy.conflicts();
		return switch (p) {
			case CRM_WINS -> Side.CRM;
			case MAILBOX_WINS -> Side.MAILBOX;
			case ASK -> null;
			case NEWEST -> cMod == null || mMod == null ? null : mMod.isAfter(cMod) ? Side.MAILBOX : Side.CRM;
		};
	}

	/**
	 * One logical sync. {@code modified} gives an item's modification time on a side as the side
	 * reports it (the model does not invent clocks).
	 */
	Result sync(boolean force, BiFunction<Side, UUID, Instant> modified) {
		Result res = new Result();
		Set<UUID> ids = new TreeSet<>();
		for (Map.Entry<UUID, Item> e : crm.entrySet()) {
			if (e.getValue().inScope) {
				ids.add(e.getKey());
			}
		}
		for (Map.Entry<UUID, Item> e : mailbox.entrySet()) {
			if (e.getValue().inScope) {
				ids.add(e.getKey());
			}
		}
		ids.addAll(links.keySet());
		// the delete brake counts before anything is written
		Map<Side, Integer> deletes = new EnumMap<>(Side.class);
		for (UUID id : ids) {
			Side d = deletes(id);
			if (d != null) {
				deletes.merge(d, 1, Integer::sum);
			}
		}
		if (!force) {
			for (Map.Entry<Side, Integer> e : deletes.entrySet()) {
				int n = e.getValue();
				int size = 0;
				for (Link l : links.values()) {
					if (e.getKey() == Side.CRM || l.mailboxLinked) {
						size++;
					}
				}
				if (n > policy.deleteBrakeCount() || (n > 1 && n > policy.deleteBrakeShare() * size)) {
					res.braked = true;
					return res;
				}
			}
		}
		deferred.clear();
		for (UUID id : ids) {
			decide(id, res, modified);
		}
		return res;
	}

	/** The side a sync would delete the item from, or null: what the delete brake counts. */
	private Side deletes(UUID id) {
		Link l = links.get(id);
		if (l == null || !l.mailboxLinked) {
			return null;
		}
		State c = state(Side.CRM, id);
		State m = state(Side.MAILBOX, id);
		if (c.gone() && m.gone()) {
			return null;
		}
		if (c == State.DELETED) {
			return m == State.CHANGED ? null : Side.MAILBOX;
		}
		if (c == State.LEFT_SCOPE) {
			return Side.MAILBOX;
		}
		if (m == State.DELETED && policy.mailboxDeletesReachCrm() && c != State.CHANGED) {
			return Side.CRM;
		}
		return null;
	}

	private Instant mod(Side s, State st, UUID id, BiFunction<Side, UUID, Instant> modified) {
		return st == State.CHANGED || st == State.LEFT_SCOPE ? modified.apply(s, id) : null;
	}

	private void decide(UUID id, Result res, BiFunction<Side, UUID, Instant> modified) {
		Link l = links.get(id);
		State c = state(Side.CRM, id);
		State m = state(Side.MAILBOX, id);
		Item ci = crm.get(id);
		Item mi = mailbox.get(id);
		if (l == null) {
			if (c == State.CHANGED && m == State.NONE) {
				TreeMap<String, String> made = flowing(ci.data, Side.CRM);
				mailbox.put(id, new Item(made));
				links.put(id, new Link(ci.data, made));
				res.counts.get(Side.MAILBOX)[0]++;
			} else if (m == State.CHANGED && c == State.NONE) {
				TreeMap<String, String> made = flowing(mi.data, Side.MAILBOX);
				crm.put(id, new Item(made));
				links.put(id, new Link(made, mi.data));
				res.counts.get(Side.CRM)[0]++;
			} else if (c == State.CHANGED && m == State.CHANGED) {
				merge(id, Map.of(), Map.of(), modified.apply(Side.CRM, id), modified.apply(Side.MAILBOX, id), res);
			}
			return;
		}
		if (!l.mailboxLinked) {
			if (c.gone()) {
				links.remove(id);
			} else if (m == State.CHANGED) {
				merge(id, l.baseM, l.baseM, mod(Side.CRM, c, id, modified), modified.apply(Side.MAILBOX, id), res);
			} else {
				l.baseC = new TreeMap<>(ci.data);
			}
			return;
		}
		if (c.gone() && m.gone()) {
			links.remove(id);
			return;
		}
		if (c == State.DELETED) {
			if (m == State.CHANGED) {
				TreeMap<String, String> made = flowing(mi.data, Side.MAILBOX);
				crm.put(id, new Item(made));
				l.baseC = made;
				l.baseM = new TreeMap<>(mi.data);
				res.counts.get(Side.CRM)[0]++;
			} else {
				mailbox.remove(id);
				links.remove(id);
				res.counts.get(Side.MAILBOX)[2]++;
			}
			return;
		}
		if (c == State.LEFT_SCOPE) {
			if (m == State.CHANGED) {
				if (!ci.data.equals(l.baseC)) {
					res.previewExact = false; // a preview merges with the last synced copy of the CRM record
				}
				Merged r = new Merged(l.baseC, l.baseM, ci.data, mi.data, modified.apply(Side.CRM, id),
						modified.apply(Side.MAILBOX, id), id);
				if (r.deferred) {
					deferred.add(id);
					res.previewExact = false;
					return;
				}
				losers.addAll(r.lost);
				if (!r.c.equals(ci.data)) {
					ci.data = r.c;
					res.counts.get(Side.CRM)[1]++;
				}
			}
			mailbox.remove(id);
			links.remove(id);
			res.counts.get(Side.MAILBOX)[2]++;
			return;
		}
		if (m.gone()) {
			if (m == State.DELETED && policy.mailboxDeletesReachCrm()) {
				if (c == State.CHANGED) {
					TreeMap<String, String> made = flowing(ci.data, Side.CRM);
					mailbox.put(id, new Item(made));
					l.baseM = made;
					l.baseC = new TreeMap<>(ci.data);
					res.counts.get(Side.MAILBOX)[0]++;
				} else {
					crm.remove(id);
					links.remove(id);
					res.counts.get(Side.CRM)[2]++;
				}
			} else {
				l.mailboxLinked = false;
				l.baseC = new TreeMap<>(ci.data);
			}
			return;
		}
		if (c != State.CHANGED && m != State.CHANGED) {
			return;
		}
		merge(id, l.baseC, l.baseM, mod(Side.CRM, c, id, modified), mod(Side.MAILBOX, m, id, modified), res);
	}

	private void merge(UUID id, Map<String, String> bc, Map<String, String> bm, Instant cMod, Instant mMod,
			Result res) {
		Item ci = crm.get(id);
		Item mi = mailbox.get(id);
		Merged r = new Merged(bc, bm, ci.data, mi.data, cMod, mMod, id);
		if (r.deferred) {
			deferred.add(id);
			return;
		}
		losers.addAll(r.lost);
		if (!r.c.equals(ci.data)) {
			ci.data = r.c;
			res.counts.get(Side.CRM)[1]++;
		}
		if (!r.m.equals(mi.data)) {
			mi.data = r.m;
			res.counts.get(Side.MAILBOX)[1]++;
		}
		Link l = new Link(r.c, r.m);
		links.put(id, l);
	}

	/** The store forgot everything (a new computer). */
	void forget() {
		links.clear();
		deferred.clear();
		losers.clear(); // their conflict records were in the store that is gone
	}
}
