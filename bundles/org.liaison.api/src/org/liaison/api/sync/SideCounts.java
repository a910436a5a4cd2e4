package org.liaison.api.sync;

/** What a run did (or, in a dry run, would do) to one side. */
public record SideCounts(int created, int updated, int deleted, int conflicts, int quarantined) {
	public static final SideCounts NONE = new SideCounts(0, 0, 0, 0, 0);

	public int total() {
		return created + updated + deleted;
	}

	public SideCounts plus(SideCounts o) {
		return new SideCounts(created + o.created, updated + o.updated, deleted + o.deleted, conflicts + o.conflicts,
				quarantined + o.quarantined);
	}
}
