package org.liaison.sync.engine.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.api.sync.ConflictResolver.Resolution;
import org.liaison.api.sync.FieldConflict;
import org.liaison.api.sync.FieldDirection;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncPolicy;

/**
 * The 3-way, per-field merge: each side's content now against that side's last synced copy, with
 * each field's direction. A field changed on one side only takes that side's value (where its
 * direction lets it flow); changed on both to the same value is no conflict; changed on both to
 * different values is a true conflict, settled by the user's choice if there is one, else by the
 * conflict resolver under the pair's policy, or deferred.
 */
final class Merge {

	private Merge() {
	}

	/**
	 * The outcome.
	 *
	 * @param crm the CRM side's content after the merge
	 * @param mailbox the mailbox side's content after the merge
	 * @param conflicts the fields that were true conflicts
	 * @param resolutions how each conflicting field was settled
	 * @param deferred whether any conflict was deferred (then nothing is to be written)
	 * @param changedForCrm fields whose value changes on the CRM side
	 * @param changedForMailbox fields whose value changes on the mailbox side
	 */
	record Result(ItemData crm, ItemData mailbox, List<FieldConflict> conflicts, Map<String, Resolution> resolutions,
			boolean deferred, List<String> changedForCrm, List<String> changedForMailbox) {

		ItemData side(Side s) {
			return s == Side.CRM ? crm : mailbox;
		}

		List<String> changedFor(Side s) {
			return s == Side.CRM ? changedForCrm : changedForMailbox;
		}
	}

	/**
	 * Merges.
	 *
	 * @param baseCrm the CRM side's last synced copy (empty for items never synced)
	 * @param baseMailbox the mailbox side's last synced copy
	 * @param crm the CRM side now
	 * @param mailbox the mailbox side now
	 * @param choices the user's per-field choice for fields of an earlier conflict, may be empty
	 */
	static Result merge(UUID ident, ItemKind kind, ItemData baseCrm, ItemData baseMailbox, ItemData crm,
			ItemData mailbox, Instant crmModified, Instant mailboxModified, SyncPolicy policy, ConflictResolver resolver,
			Map<String, Side> choices) {
		TreeSet<String> names = new TreeSet<>();
		names.addAll(baseCrm.fields().keySet());
		names.addAll(baseMailbox.fields().keySet());
		names.addAll(crm.fields().keySet());
		names.addAll(mailbox.fields().keySet());
		Map<String, String> outC = new TreeMap<>();
		Map<String, String> outM = new TreeMap<>();
		List<FieldConflict> conflicts = new ArrayList<>();
		Map<String, Resolution> resolutions = new LinkedHashMap<>();
		boolean deferred = false;
		for (String f : names) {
			String bc = baseCrm.get(f);
			String bm = baseMailbox.get(f);
			String vc = crm.get(f);
			String vm = mailbox.get(f);
			boolean cChanged = !Objects.equals(vc, bc);
			boolean mChanged = !Objects.equals(vm, bm);
			FieldDirection dir = policy.direction(f);
			String rc;
			String rm;
			switch (dir) {
				case NONE -> {
					rc = vc;
					rm = vm;
				}
				case CRM_TO_MAILBOX -> {
					rc = vc;
					rm = cChanged ? vc : vm;
				}
				case MAILBOX_TO_CRM -> {
					rm = vm;
					rc = mChanged ? vm : vc;
				}
				default -> {
					if (Objects.equals(vc, vm)) {
						rc = vc;
						rm = vm;
					} else if (cChanged && !mChanged) {
						rc = vc;
						rm = vc;
					} else if (mChanged && !cChanged) {
						rc = vm;
						rm = vm;
					} else {
						// changed on both sides to different values (or the sides disagree with no change
						// on either, as after a direction was set to two-way): a true conflict
						FieldConflict fc = new FieldConflict(ident, kind, f, bc, vc, vm, crmModified, mailboxModified);
						conflicts.add(fc);
						Side chosen = choices.get(f);
						Resolution r = chosen != null
								? (chosen == Side.CRM ? Resolution.TAKE_CRM : Resolution.TAKE_MAILBOX)
								: resolver.resolve(fc, policy.conflicts());
						resolutions.put(f, r);
						switch (r) {
							case TAKE_CRM -> {
								rc = vc;
								rm = vc;
							}
							case TAKE_MAILBOX -> {
								rc = vm;
								rm = vm;
							}
							default -> {
								deferred = true;
								rc = vc;
								rm = vm;
							}
						}
					}
				}
			}
			if (rc != null) {
				outC.put(f, rc);
			}
			if (rm != null) {
				outM.put(f, rm);
			}
		}
		ItemData newC = new ItemData(crm.kind(), outC);
		ItemData newM = new ItemData(mailbox.kind(), outM);
		return new Result(newC, newM, conflicts, resolutions, deferred, diff(crm, newC), diff(mailbox, newM));
	}

	/** The content {@code target} gets when an item of {@code source} is made there: the fields that flow. */
	static ItemData forCreate(ItemData data, Side source, SyncPolicy policy) {
		Map<String, String> out = new TreeMap<>();
		data.fields().forEach((f, v) -> {
			if (policy.direction(f).flows(source)) {
				out.put(f, v);
			}
		});
		return new ItemData(data.kind(), out);
	}

	static List<String> diff(ItemData before, ItemData after) {
		TreeSet<String> names = new TreeSet<>(before.fields().keySet());
		names.addAll(after.fields().keySet());
		List<String> out = new ArrayList<>();
		for (String f : names) {
			if (!Objects.equals(before.get(f), after.get(f))) {
				out.add(f);
			}
		}
		return out;
	}

	static ItemData empty(ItemKind kind) {
		return new ItemData(kind, Map.of());
	}
}
