package org.liaison.sync.engine.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.api.sync.ConflictResolver.Resolution;
import org.liaison.api.sync.FieldConflict;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncPolicy;
import org.liaison.sync.engine.merge.FieldMerge;

/**
 * The engine's view of the 3-way, per-field merge ({@link FieldMerge}, shared with Go Offline): items
 * in, items out, with the fields each side must change.
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
	 * Merges (see {@link FieldMerge}, which holds the rules for the engine and for Go Offline).
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
		FieldMerge.Outcome o = FieldMerge.merge(ident, kind, baseCrm.fields(), baseMailbox.fields(), crm.fields(),
				mailbox.fields(), crmModified, mailboxModified, policy, resolver, choices);
		ItemData newC = new ItemData(crm.kind(), o.crm());
		ItemData newM = new ItemData(mailbox.kind(), o.mailbox());
		return new Result(newC, newM, o.conflicts(), o.resolutions(), o.deferred(), diff(crm, newC), diff(mailbox, newM));
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
		return FieldMerge.changed(before.fields(), after.fields());
	}

	static ItemData empty(ItemKind kind) {
		return new ItemData(kind, Map.of());
	}
}
