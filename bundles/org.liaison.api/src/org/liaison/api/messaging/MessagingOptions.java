package org.liaison.api.messaging;

/**
 * How to run once.
 *
 * @param dryRun decide and report, write nothing anywhere
 * @param takeOver make this installation the user's synchronizing client if another one is (the
 *        user said yes to the take-over question)
 * @param forceDeletes go past the delete brake (the user confirmed the deletions)
 */
public record MessagingOptions(boolean dryRun, boolean takeOver, boolean forceDeletes) {

	public static MessagingOptions normal() {
		return new MessagingOptions(false, false, false);
	}
}
