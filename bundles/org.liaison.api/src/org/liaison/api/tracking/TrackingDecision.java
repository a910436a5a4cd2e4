package org.liaison.api.tracking;

import org.liaison.api.model.RecordRef;

/**
 * A tracking decision and the words that explain it.
 *
 * @param track whether to track
 * @param ruleId the rule that decided
 * @param reason why, for the user
 * @param regarding the record to set regarding, or null
 */
public record TrackingDecision(boolean track, String ruleId, String reason, RecordRef regarding) {

	public static TrackingDecision no(String ruleId, String reason) {
		return new TrackingDecision(false, ruleId, reason, null);
	}

	public static TrackingDecision yes(String ruleId, String reason, RecordRef regarding) {
		return new TrackingDecision(true, ruleId, reason, regarding);
	}
}
