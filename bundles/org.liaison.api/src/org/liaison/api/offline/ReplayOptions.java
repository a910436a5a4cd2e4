package org.liaison.api.offline;

import java.util.Objects;

import org.liaison.api.sync.ConflictPolicy;

/**
 * How offline changes are replayed.
 *
 * @param conflicts how a true conflict is settled: {@code CRM_WINS} (default: the server's value stays,
 *        the offline value is kept in the conflict record), {@code MAILBOX_WINS} (the offline value is
 *        written, the server's is kept), {@code NEWEST}, or {@code ASK} (the change waits for the user)
 * @param batchSize offline changes sent per {@code $batch} (1: one request each)
 * @param refresh whether to bring the copy up to date from the CRM's change tracking afterwards
 */
public record ReplayOptions(ConflictPolicy conflicts, int batchSize, boolean refresh) {

	public ReplayOptions {
		Objects.requireNonNull(conflicts, "conflicts");
		if (batchSize < 1 || batchSize > 1000) {
			throw new IllegalArgumentException("a batch holds 1 to 1000 changes, not " + batchSize);
		}
	}

	public static ReplayOptions defaults() {
		return new ReplayOptions(ConflictPolicy.CRM_WINS, 100, true);
	}

	public ReplayOptions conflicts(ConflictPolicy policy) {
		return new ReplayOptions(policy, batchSize, refresh);
	}

	public ReplayOptions batchSize(int size) {
		return new ReplayOptions(conflicts, size, refresh);
	}

	public ReplayOptions refresh(boolean r) {
		return new ReplayOptions(conflicts, batchSize, r);
	}
}
