package org.liaison.api.messaging;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.model.RecordRef;
import org.liaison.api.profile.Profile;
import org.liaison.api.sync.SyncException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The job Liaison exists for, for one profile: CRM records through the sync filters into the
 * mailbox's address book, calendar and tasks; tracked mail into the CRM; outgoing CRM email out
 * through the user's own SMTP; all only when this installation is the user's synchronizing client.
 * The desktop and {@code ./liaison sync} both run it.
 */
@ProviderType
public interface MessagingService {

	/** One full run for the profile. Items that fail go to quarantine; the run goes on. */
	MessagingReport sync(Profile profile, MessagingOptions options, IProgressMonitor monitor) throws SyncException;

	/** Tracks one message by hand (Track, or Set Regarding when {@code regarding} is given). */
	TrackResult track(Profile profile, String folder, long uid, RecordRef regarding, IProgressMonitor monitor)
			throws SyncException;

	/** Untracks one message: the mailbox forgets the link; the CRM email is left alone. */
	TrackResult untrack(Profile profile, String folder, long uid, IProgressMonitor monitor) throws SyncException;

	/** Whether this installation is the profile's synchronizing client, without changing anything. */
	InstanceStatus instanceStatus(Profile profile) throws SyncException;
}
