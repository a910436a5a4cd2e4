package org.liaison.api.sync;

/**
 * How to run once.
 *
 * @param dryRun decide and report, write nothing
 * @param forceDeletes go past the delete brake (the user confirmed)
 */
public record SyncOptions(boolean dryRun, boolean forceDeletes) {
	public static SyncOptions normal() {
		return new SyncOptions(false, false);
	}

	public static SyncOptions preview() {
		return new SyncOptions(true, false);
	}
}
