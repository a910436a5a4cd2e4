package org.liaison.api.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.api.sync.FieldConflict;
import org.liaison.api.sync.Side;

/**
 * A true conflict on one item: fields changed differently on both sides since the last synced
 * copy. Settled by the pair's policy (the losing values stay here), or kept open for the user.
 *
 * @param id the store's number, or 0 before it is written
 * @param pairId the pair
 * @param ident the item
 * @param kind its kind
 * @param fields each conflicting field with its base, CRM and mailbox values
 * @param resolutions what the resolver said per field
 * @param policy the policy in force
 * @param state where it is
 * @param crmHash the CRM side's content hash when the conflict was found
 * @param mailboxHash the mailbox side's content hash when the conflict was found
 * @param choices the user's per-field choice (which side's value to keep), for {@link State#CHOSEN}
 * @param at when it was found
 * @param settled when it was settled, or null while open
 */
public record ConflictRecord(long id, String pairId, UUID ident, ItemKind kind, List<FieldConflict> fields,
		Map<String, ConflictResolver.Resolution> resolutions, ConflictPolicy policy, State state, String crmHash,
		String mailboxHash, Map<String, Side> choices, Instant at, Instant settled) {

	/** Where a conflict is. */
	public enum State {
		/** Waiting for the user; nothing is written for the item meanwhile. */
		OPEN,
		/** Settled by the policy when found; the losing values are kept here. */
		SETTLED,
		/** The user chose per field; the next run writes the choice. */
		CHOSEN,
		/** The user's choice was written. */
		APPLIED,
		/** The item changed or went away since; the conflict no longer stands. */
		OBSOLETE
	}

	public ConflictRecord {
		Objects.requireNonNull(pairId, "pairId");
		Objects.requireNonNull(ident, "ident");
		Objects.requireNonNull(state, "state");
		fields = fields == null ? List.of() : List.copyOf(fields);
		resolutions = resolutions == null ? Map.of() : Map.copyOf(resolutions);
		choices = choices == null ? Map.of() : Map.copyOf(choices);
	}

	/** The value that lost for a field, or null when it did not lose (deferred, or not a conflict). */
	public String loserValue(String field) {
		ConflictResolver.Resolution r = resolutions.get(field);
		for (FieldConflict f : fields) {
			if (f.field().equals(field)) {
				return r == ConflictResolver.Resolution.TAKE_CRM ? f.mailboxValue()
						: r == ConflictResolver.Resolution.TAKE_MAILBOX ? f.crmValue() : null;
			}
		}
		return null;
	}
}
