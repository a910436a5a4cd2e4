package org.liaison.api.store;

import java.time.Instant;

import org.liaison.api.sync.SideCounts;

/**
 * One sync run of one pair.
 *
 * @param id the run's number
 * @param pairId the pair
 * @param started when it began
 * @param finished when it ended, or null while running (or when it was cut off)
 * @param dryRun whether it only previewed
 * @param crm what it did to the CRM side
 * @param mailbox what it did to the mailbox side
 * @param outcome a one-line summary ("done", "stopped by the delete brake: ...", "failed: ...")
 */
public record RunRecord(long id, String pairId, Instant started, Instant finished, boolean dryRun, SideCounts crm,
		SideCounts mailbox, String outcome) {
}
