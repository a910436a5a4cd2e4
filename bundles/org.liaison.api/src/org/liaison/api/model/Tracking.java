package org.liaison.api.model;

import java.util.Objects;

/**
 * Whether and how a mailbox item is tracked in the CRM: its state, the record it is set regarding,
 * the CRM record made from it, and the reason (the rule or user action that tracked or untracked
 * it), so that every tracking decision can be explained.
 *
 * @param state tracked or not
 * @param regarding the CRM record the item is set regarding, or null
 * @param crmRecord the CRM activity made from the item (an email, appointment or task record), or null
 * @param reason why it is in this state, in words a user can read, or null
 */
public record Tracking(TrackingState state, RecordRef regarding, RecordRef crmRecord, String reason) {

	public static final Tracking UNTRACKED = new Tracking(TrackingState.UNTRACKED, null, null, null);

	public Tracking {
		Objects.requireNonNull(state, "state");
	}

	public boolean tracked() {
		return state == TrackingState.TRACKED;
	}

	public Tracking withState(TrackingState newState, String why) {
		return new Tracking(newState, regarding, crmRecord, why);
	}
}
