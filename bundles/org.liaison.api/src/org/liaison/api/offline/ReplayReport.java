package org.liaison.api.offline;

import java.util.List;

/**
 * What going online (replaying the outbox) did.
 *
 * @param replayed offline changes replayed (written, merged, or found already done)
 * @param merged of those, changes whose record had changed on the server and went through the 3-way merge
 * @param conflicts conflicts found (kept and shown; see {@link OfflineCopy#conflicts(boolean)})
 * @param failed changes the CRM refused (kept in the outbox with the reason)
 * @param waiting changes left in the outbox (stopped early, or waiting behind a failed change or an open conflict)
 * @param requests Web API requests sent (each inside a {@code $batch} counts)
 * @param httpCalls HTTP calls made
 * @param throttledMillis time spent waiting for the CRM's Retry-After
 * @param seconds how long it took
 * @param stoppedBecause why the replay stopped before the end (throttled, budget spent, cancelled,
 *        network), or null when it went through
 * @param problems one line per failed change or conflict, naming the record and the reason
 */
public record ReplayReport(int replayed, int merged, int conflicts, int failed, int waiting, long requests,
		long httpCalls, long throttledMillis, double seconds, String stoppedBecause, List<String> problems) {

	public ReplayReport {
		problems = List.copyOf(problems);
	}
}
