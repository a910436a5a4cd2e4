package org.liaison.api.sync;

import java.util.Map;
import java.util.Objects;

/**
 * The rules for one pair of collections.
 *
 * @param conflicts how true conflicts are settled
 * @param defaultDirection the direction of fields not named in {@code fieldDirections}
 * @param fieldDirections per-field directions
 * @param deleteBrakeShare a run that would delete more than this share of a collection stops and asks
 * @param deleteBrakeCount ... or more than this many items
 * @param mailboxDeletesReachCrm whether deleting an item in the mailbox deletes the CRM record (the
 *        reference product's default is no: the item is only unlinked)
 */
public record SyncPolicy(ConflictPolicy conflicts, FieldDirection defaultDirection,
		Map<String, FieldDirection> fieldDirections, double deleteBrakeShare, int deleteBrakeCount,
		boolean mailboxDeletesReachCrm) {

	public SyncPolicy {
		Objects.requireNonNull(conflicts, "conflicts");
		Objects.requireNonNull(defaultDirection, "defaultDirection");
		fieldDirections = fieldDirections == null ? Map.of() : Map.copyOf(fieldDirections);
	}

	/** CRM wins, two-way fields, a brake at 20% or 100 items, mailbox deletes only unlink. */
	public static SyncPolicy defaults() {
		return new SyncPolicy(ConflictPolicy.CRM_WINS, FieldDirection.TWO_WAY, Map.of(), 0.20, 100, false);
	}

	public FieldDirection direction(String field) {
		return fieldDirections.getOrDefault(field, defaultDirection);
	}
}
