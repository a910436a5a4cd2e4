package org.liaison.api.sync;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of one run of one pair.
 *
 * @param pairId the pair
 * @param crm what was done to the CRM side
 * @param mailbox what was done to the mailbox side
 * @param actions each decision with its reason (complete in a dry run; in a normal run the same
 *        decisions are also in the store's history)
 * @param brakeMessage non-null when the delete brake stopped the run: what it would have deleted
 * @param elapsed how long the run took
 */
public record SyncReport(String pairId, SideCounts crm, SideCounts mailbox, List<PlannedAction> actions,
		String brakeMessage, Duration elapsed) {

	public SyncReport {
		actions = actions == null ? List.of() : List.copyOf(actions);
	}

	public boolean brakeTripped() {
		return brakeMessage != null;
	}

	public SideCounts side(Side side) {
		return side == Side.CRM ? crm : mailbox;
	}

	/** True when the run changed nothing on either side. */
	public boolean noop() {
		return crm.total() == 0 && mailbox.total() == 0 && crm.conflicts() == 0 && mailbox.conflicts() == 0;
	}
}
