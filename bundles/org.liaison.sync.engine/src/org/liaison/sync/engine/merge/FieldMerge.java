package org.liaison.sync.engine.merge;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.api.sync.ConflictResolver.Resolution;
import org.liaison.api.sync.FieldConflict;
import org.liaison.api.sync.FieldDirection;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncPolicy;

/**
 * Liaison's 3-way, per-field merge: each side's fields now against that side's last synced copy, with
 * each field's direction. A field changed on one side only takes that side's value (where its direction
 * lets it flow); changed on both to the same value is no conflict; changed on both to different values
 * is a true conflict, settled by the user's choice if there is one, else by the conflict resolver under
 * the pair's policy, or deferred.
 *
 * <p>Fields are plain maps of name to text value; a missing or empty value is no value. The sync engine
 * merges items ({@code ItemData}) with it; Go Offline merges CRM records (the server is the CRM side,
 * the offline copy the mailbox side), so both follow the same rules.
 */
public final class FieldMerge {

	private FieldMerge() {
	}

	/**
	 * The outcome.
	 *
	 * @param crm the CRM side's fields after the merge
	 * @param mailbox the mailbox side's fields after the merge
	 * @param conflicts the fields that were true conflicts
	 * @param resolutions how each conflicting field was settled
	 * @param deferred whether any conflict was deferred (then nothing is to be written)
	 */
	public record Outcome(SortedMap<String, String> crm, SortedMap<String, String> mailbox,
			List<FieldConflict> conflicts, Map<String, Resolution> resolutions, boolean deferred) {
	}

	/**
	 * Merges.
	 *
	 * @param ident the item, for the conflicts
	 * @param kind its kind, for the conflicts (null for CRM records that are no item kind)
	 * @param baseCrm the CRM side's last synced copy (empty for items never synced)
	 * @param baseMailbox the mailbox side's last synced copy
	 * @param crm the CRM side now
	 * @param mailbox the mailbox side now
	 * @param crmModified when the CRM side changed, if known
	 * @param mailboxModified when the mailbox side changed, if known
	 * @param policy the directions and the conflict policy
	 * @param resolver settles true conflicts
	 * @param choices the user's per-field choice for fields of an earlier conflict, may be empty
	 */
	public static Outcome merge(UUID ident, ItemKind kind, Map<String, String> baseCrm, Map<String, String> baseMailbox,
			Map<String, String> crm, Map<String, String> mailbox, Instant crmModified, Instant mailboxModified,
			SyncPolicy policy, ConflictResolver resolver, Map<String, Side> choices) {
		TreeSet<String> names = new TreeSet<>();
		names.addAll(baseCrm.keySet());
		names.addAll(baseMailbox.keySet());
		names.addAll(crm.keySet());
		names.addAll(mailbox.keySet());
		TreeMap<String, String> outC = new TreeMap<>();
		TreeMap<String, String> outM = new TreeMap<>();
		List<FieldConflict> conflicts = new ArrayList<>();
		Map<String, Resolution> resolutions = new LinkedHashMap<>();
		boolean deferred = false;
		for (String f : names) {
			String bc = value(baseCrm, f);
			String bm = value(baseMailbox, f);
			String vc = value(crm, f);
			String vm = value(mailbox, f);
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
		return new Outcome(Collections.unmodifiableSortedMap(outC), Collections.unmodifiableSortedMap(outM),
				List.copyOf(conflicts), Collections.unmodifiableMap(resolutions), deferred);
	}

	/** The fields whose value differs between {@code before} and {@code after}, by name. */
	public static List<String> changed(Map<String, String> before, Map<String, String> after) {
		TreeSet<String> names = new TreeSet<>(before.keySet());
		names.addAll(after.keySet());
		List<String> out = new ArrayList<>();
		for (String f : names) {
			if (!Objects.equals(value(before, f), value(after, f))) {
				out.add(f);
			}
		}
		return out;
	}

	private static String value(Map<String, String> fields, String name) {
		String v = fields.get(name);
		return v == null || v.isEmpty() ? null : v;
	}
}
