package org.liaison.sync.engine.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.store.ConflictRecord;
import org.liaison.api.store.JournalEntry;
import org.liaison.api.store.SyncStatus;
import org.liaison.api.store.Tombstone;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.api.sync.PlannedAction;
import org.liaison.api.sync.PlannedAction.Action;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncPolicy;
import org.liaison.sync.engine.internal.Group.Now;
import org.liaison.sync.engine.internal.Group.SideNow;

/**
 * The decision table. Per item, from its status row (the last sync) and each side now:
 *
 * <pre>
 * status | CRM now        | mailbox now    | decision
 * -------+----------------+----------------+-----------------------------------------------------
 * none   | new            | none           | create in the mailbox (fields that flow CRM->mailbox)
 * none   | none           | new            | create in the CRM
 * none   | new            | new (same id)  | link; 3-way merge with an empty base (fresh install)
 * linked | same           | same           | nothing (a new version with the same hash: note it)
 * linked | changed        | same           | merge: the CRM's changes to the mailbox
 * linked | same           | changed        | merge: the mailbox's changes to the CRM
 * linked | changed        | changed        | equal: link; else 3-way per-field merge, conflicts by policy
 * linked | deleted        | same           | delete in the mailbox (counts for the brake), tombstones
 * linked | deleted        | changed        | the change wins over the deletion: make it again in the CRM
 * linked | left scope     | same           | remove from the mailbox, the CRM record stays
 * linked | left scope     | changed        | the mailbox's changes to the CRM record, then remove from the mailbox
 * linked | same           | deleted        | mailbox deletes reach the CRM ? delete in the CRM : unlink
 * linked | changed        | deleted        | reach ? the change wins: make it again in the mailbox : unlink
 * linked | any            | left scope     | unlink (untracked): the CRM record stays
 * linked | gone           | gone           | forget the pair
 * unlinked (mailbox removed on purpose): the mailbox copy is not made again; the CRM side is
 *        followed quietly; if an item with the ident comes back to the mailbox, link again with a
 *        3-way merge against the mailbox's last synced copy; CRM gone: forget
 * </pre>
 */
final class Planner {

	private final String pairId;
	private final SyncPolicy policy;
	private final ConflictResolver resolver;

	Planner(String pairId, SyncPolicy policy, ConflictResolver resolver) {
		this.pairId = pairId;
		this.policy = policy;
		this.resolver = resolver;
	}

	static String name(Side s) {
		return s == Side.CRM ? "the CRM" : "the mailbox";
	}

	Plan plan(Group g) {
		Plan p = new Plan(g);
		SideNow c = g.crm;
		SideNow m = g.mailbox;
		SyncStatus s = g.status;
		if (s == null) {
			if (c.state == Now.CHANGED && m.state == Now.NONE) {
				return create(p, Side.CRM, "new in the CRM");
			}
			if (m.state == Now.CHANGED && c.state == Now.NONE) {
				return create(p, Side.MAILBOX, "new in the mailbox");
			}
			if (c.state == Now.CHANGED && m.state == Now.CHANGED) {
				ItemKind kind = c.data.kind();
				return merge(p, Merge.empty(kind), Merge.empty(kind), "found on both sides with the same Liaison id");
			}
			p.outcome = Plan.Outcome.KEEP;
			return p;
		}
		if (s.crm() == null || s.mailbox() == null) {
			return unlinked(p, s.crm() == null ? Side.CRM : Side.MAILBOX);
		}
		if (c.gone() && m.gone()) {
			p.outcome = Plan.Outcome.REMOVE;
			tombstone(p, Side.CRM, c, "gone from both sides: " + why(Side.CRM, c.state));
			tombstone(p, Side.MAILBOX, m, "gone from both sides: " + why(Side.MAILBOX, m.state));
			p.note = "gone from both sides: forgotten";
			return p;
		}
		if (c.gone()) {
			return goneFromCrm(p);
		}
		if (m.gone()) {
			return goneFromMailbox(p);
		}
		if (c.state != Now.CHANGED && m.state != Now.CHANGED) {
			p.crmAfter = c.data;
			p.mailboxAfter = m.data;
			obsolete(p);
			return p;
		}
		return merge(p, s.crmBase(), s.mailboxBase(), null);
	}

	private static String why(Side side, Now state) {
		return (state == Now.GONE_SCOPE ? "left the sync filter of " : "deleted in ") + name(side);
	}

	/** An item on {@code source} only: make it on the other side. */
	private Plan create(Plan p, Side source, String reason) {
		Side target = source.other();
		SideNow from = p.group.side(source);
		ItemData data = Merge.forCreate(from.data, source, policy);
		p.after(source, from.data);
		p.after(target, data);
		p.effects.add(new Plan.Effect(target, JournalEntry.Effect.CREATE, null, null, data,
				reason + ": made in " + name(target)));
		return p;
	}

	private Plan delete(Plan p, Side target, String reason) {
		SideNow t = p.group.side(target);
		p.effects.add(new Plan.Effect(target, JournalEntry.Effect.DELETE, t.href, t.version, null,
				reason + ": deleted from " + name(target)));
		p.outcome = Plan.Outcome.REMOVE;
		return p;
	}

	private void tombstone(Plan p, Side side, SideNow now, String reason) {
		if (now.href != null) {
			p.tombstones.add(new Tombstone(pairId, p.group.ident, side, now.href,
					now.data != null ? now.data : p.group.status.base(side), reason, Instant.now(), 0));
		}
	}

	private Plan goneFromCrm(Plan p) {
		SideNow c = p.group.crm;
		SideNow m = p.group.mailbox;
		SyncStatus s = p.group.status;
		if (c.state == Now.GONE_DELETED) {
			if (m.state == Now.CHANGED) {
				tombstone(p, Side.CRM, c, "deleted in the CRM; made again from the mailbox, whose copy changed since");
				return create(p, Side.MAILBOX,
						"deleted in the CRM, but changed in the mailbox since the last sync: the change wins");
			}
			tombstone(p, Side.CRM, c, "deleted in the CRM");
			tombstone(p, Side.MAILBOX, m, "deleted by sync: deleted in the CRM");
			return delete(p, Side.MAILBOX, "deleted in the CRM");
		}
		// left the CRM filter: the record stays in the CRM; the mailbox copy goes, its changes first
		if (m.state == Now.CHANGED) {
			Merge.Result r = Merge.merge(p.group.ident, m.data.kind(), s.crmBase(), s.mailboxBase(), c.data, m.data,
					c.modified, m.modified, policy, resolver, Map.of());
			if (conflicts(p, r, Map.of())) {
				return p; // the record left the filter, but its copies conflict: the user chooses first
			}
			if (!r.changedForCrm().isEmpty()) {
				p.effects.add(new Plan.Effect(Side.CRM, JournalEntry.Effect.UPDATE, c.href, c.version, r.crm(),
						"left the CRM sync filter after the mailbox copy changed: " + fields(r.changedForCrm())
								+ " kept in the CRM record before the mailbox copy goes"));
			}
		}
		tombstone(p, Side.MAILBOX, m, "left the CRM sync filter: removed from the mailbox, the CRM record stays");
		return delete(p, Side.MAILBOX, "left the CRM sync filter (the CRM record stays)");
	}

	private Plan goneFromMailbox(Plan p) {
		SideNow c = p.group.crm;
		SideNow m = p.group.mailbox;
		if (m.state == Now.GONE_DELETED && policy.mailboxDeletesReachCrm()) {
			if (c.state == Now.CHANGED) {
				tombstone(p, Side.MAILBOX, m, "deleted in the mailbox; made again from the CRM, whose record changed since");
				return create(p, Side.CRM,
						"deleted in the mailbox, but changed in the CRM since the last sync: the change wins");
			}
			tombstone(p, Side.MAILBOX, m, "deleted in the mailbox");
			tombstone(p, Side.CRM, c, "deleted by sync: deleted in the mailbox");
			return delete(p, Side.CRM, "deleted in the mailbox");
		}
		String why = m.state == Now.GONE_DELETED
				? "deleted in the mailbox: unlinked, the CRM record stays (mailbox deletes do not reach the CRM)"
				: "left the mailbox's scope (untracked): unlinked, the CRM record stays";
		tombstone(p, Side.MAILBOX, m, why);
		p.crmAfter = c.data;
		p.mailboxAfter = null;
		p.note = why;
		p.noteAction = Action.UNLINK;
		return p;
	}

	/** A status row with one side unlinked on purpose. */
	private Plan unlinked(Plan p, Side off) {
		Side on = off.other();
		SideNow kept = p.group.side(on);
		SideNow back = p.group.side(off);
		SyncStatus s = p.group.status;
		if (kept.gone()) {
			p.outcome = Plan.Outcome.REMOVE;
			return p;
		}
		if (back.state == Now.CHANGED) {
			// the item came back to the unlinked side (tracked again, back in scope): link again. The
			// kept side's copy was followed while unlinked; the unlinked side's copy is the last one
			// both sides shared, so it is the base of both
			ItemData base = s.base(off);
			return merge(p, base, base, "back in " + name(off) + ": linked again");
		}
		// follow the kept side quietly, so that its changes are not fetched again every run
		p.after(on, kept.data);
		p.after(off, null);
		return p;
	}

	/** Both sides present: the 3-way per-field merge. */
	private Plan merge(Plan p, ItemData baseCrm, ItemData baseMailbox, String linkNote) {
		Group g = p.group;
		SideNow c = g.crm;
		SideNow m = g.mailbox;
		ItemKind kind = c.data.kind();
		Map<String, Side> choices = Map.of();
		if (g.unsettled != null && g.unsettled.state() == ConflictRecord.State.CHOSEN
				&& c.data.contentHash().equals(g.unsettled.crmHash())
				&& m.data.contentHash().equals(g.unsettled.mailboxHash())) {
			choices = g.unsettled.choices();
		}
		Merge.Result r = Merge.merge(g.ident, kind, baseCrm, baseMailbox, c.data, m.data, c.modified, m.modified,
				policy, resolver, choices);
		if (conflicts(p, r, choices)) {
			return p;
		}
		p.crmAfter = r.crm();
		p.mailboxAfter = r.mailbox();
		for (Side side : Side.values()) {
			List<String> changed = r.changedFor(side);
			if (!changed.isEmpty()) {
				SideNow t = g.side(side);
				p.effects.add(new Plan.Effect(side, JournalEntry.Effect.UPDATE, t.href, t.version, r.side(side),
						(linkNote != null ? linkNote + "; " : "changed in " + name(side.other()) + ": ") + fields(changed)
								+ " written to " + name(side)));
			}
		}
		if (linkNote != null && p.effects.isEmpty()) {
			p.note = linkNote + (c.data.equals(m.data) ? ", with the same content" : "") + ": linked";
		}
		return p;
	}

	/**
	 * Records the merge's true conflicts in the plan: deferred ones keep the item as it is (returns
	 * true), settled ones go to a conflict record with the losing values. No conflict makes an open
	 * one obsolete.
	 */
	private boolean conflicts(Plan p, Merge.Result r, Map<String, Side> choices) {
		Group g = p.group;
		SideNow c = g.crm;
		SideNow m = g.mailbox;
		ItemKind kind = m.data.kind();
		if (r.conflicts().isEmpty()) {
			obsolete(p);
			return false;
		}
		String fields = fields(r.conflicts().stream().map(f -> f.field()).toList());
		if (r.deferred()) {
			boolean same = g.unsettled != null && g.unsettled.state() == ConflictRecord.State.OPEN
					&& c.data.contentHash().equals(g.unsettled.crmHash())
					&& m.data.contentHash().equals(g.unsettled.mailboxHash());
			p.outcome = Plan.Outcome.KEEP;
			p.deferred = true;
			if (!same) {
				p.conflict = new ConflictRecord(0, pairId, g.ident, kind, r.conflicts(), r.resolutions(),
						policy.conflicts(), ConflictRecord.State.OPEN, c.data.contentHash(), m.data.contentHash(), null,
						Instant.now(), null);
				p.conflictIsNew = true;
				p.conflictCountedOn = Side.MAILBOX;
				p.actions.add(new PlannedAction(g.ident, null, Action.CONFLICT,
						"changed on both sides (" + fields + "): nothing is written until you choose"));
			}
			return true;
		}
		boolean byUser = !choices.isEmpty();
		p.conflict = new ConflictRecord(0, pairId, g.ident, kind, r.conflicts(), r.resolutions(), policy.conflicts(),
				byUser ? ConflictRecord.State.APPLIED : ConflictRecord.State.SETTLED, c.data.contentHash(),
				m.data.contentHash(), choices, Instant.now(), Instant.now());
		p.conflictIsNew = true;
		Side loser = r.resolutions().values().stream().allMatch(x -> x == ConflictResolver.Resolution.TAKE_MAILBOX)
				? Side.CRM
				: Side.MAILBOX;
		p.conflictCountedOn = loser;
		p.actions.add(new PlannedAction(g.ident, loser, Action.CONFLICT, "changed on both sides (" + fields + "): "
				+ (byUser ? "your choice" : "settled by the policy " + policy.conflicts())
				+ "; the losing values are kept in the conflict record"));
		if (byUser) {
			p.settlesConflict = g.unsettled.id();
			p.settlesAs = ConflictRecord.State.APPLIED;
		}
		return false;
	}

	/** An open conflict that no longer stands (the sides agree now, or changed otherwise). */
	private static void obsolete(Plan p) {
		if (p.group.unsettled != null) {
			p.settlesConflict = p.group.unsettled.id();
			p.settlesAs = ConflictRecord.State.OBSOLETE;
		}
	}

	static String fields(List<String> names) {
		if (names.size() <= 6) {
			return String.join(", ", names);
		}
		return String.join(", ", names.subList(0, 6)) + " and " + (names.size() - 6) + " more";
	}
}
