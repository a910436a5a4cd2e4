package org.liaison.api.tracking;

import org.liaison.api.model.RecordRef;

/**
 * A tracking decision and the words that explain it.
 *
 * @param track whether the message is (to be) in the CRM
 * @param ruleId what decided: a rule id, {@code correlation}, {@code folder}, {@code user} or
 *        {@code already-tracked}
 * @param reason why, for the user
 * @param regarding the record to set regarding, or null
 * @param existing the CRM email that already holds the message (tracked before, or by another user),
 *        or null: then tracking adds this user as a party instead of making a second email
 */
public record TrackingDecision(boolean track, String ruleId, String reason, RecordRef regarding, RecordRef existing) {

	public TrackingDecision(boolean track, String ruleId, String reason, RecordRef regarding) {
		this(track, ruleId, reason, regarding, null);
	}

	public static TrackingDecision no(String ruleId, String reason) {
		return new TrackingDecision(false, ruleId, reason, null, null);
	}

	public static TrackingDecision yes(String ruleId, String reason, RecordRef regarding) {
		return new TrackingDecision(true, ruleId, reason, regarding, null);
	}
}
