package org.liaison.api.offline;

import java.time.Instant;
import java.util.Map;

/**
 * The offline copy at a glance.
 *
 * @param offline whether the user went offline (and has not gone online since)
 * @param since when the mode last changed, or null
 * @param records records in the copy per type (by filter, and references)
 * @param references of those, the records kept only because others point to them
 * @param initialCopyDone per enabled type, whether its first copy is complete
 * @param pending offline changes waiting to be replayed
 * @param failed offline changes the CRM refused
 * @param openConflicts conflicts waiting for the user
 * @param lastRefresh when the copy was last brought up to date, or null
 */
public record OfflineStatus(boolean offline, Instant since, Map<OfflineEntity, Long> records, long references,
		Map<OfflineEntity, Boolean> initialCopyDone, int pending, int failed, int openConflicts, Instant lastRefresh) {

	public OfflineStatus {
		records = Map.copyOf(records);
		initialCopyDone = Map.copyOf(initialCopyDone);
	}
}
