package org.liaison.api.offline;

import java.util.List;
import java.util.Map;

/**
 * What going offline (or refreshing the offline copy) did.
 *
 * @param copied records copied per type by their filters in this run (initial copies)
 * @param references records copied because a record in the copy points to them
 * @param refreshed records brought up to date from the CRM's change tracking
 * @param removed records removed from the copy (deleted in the CRM, or no longer selected)
 * @param resumed types whose interrupted first copy was continued rather than started again
 * @param complete whether every type's first copy is complete (false after cancel or failure)
 * @param requests Web API requests sent
 * @param seconds how long it took
 * @param problems one line per record that could not be taken offline (named, with the reason); the rest went on
 */
public record CopyReport(Map<OfflineEntity, Long> copied, long references, long refreshed, long removed, int resumed,
		boolean complete, long requests, double seconds, List<String> problems) {

	public CopyReport {
		copied = Map.copyOf(copied);
		problems = List.copyOf(problems);
	}

	public long copiedTotal() {
		return copied.values().stream().mapToLong(Long::longValue).sum();
	}
}
