package org.liaison.messaging.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmException;
import org.liaison.api.mail.MailChangeSink;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.MailHeader;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.messaging.TrackResult;
import org.liaison.api.model.RecordRef;
import org.liaison.api.profile.Profile;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.StoreException;
import org.liaison.api.sync.SideCounts;
import org.liaison.api.sync.SyncException;

/** Track and Set Regarding by hand, for one message. */
final class ManualTracking {

	private ManualTracking() {
	}

	static TrackResult track(DefaultMessagingService service, Profile profile, String folder, long uid,
			RecordRef regarding, IProgressMonitor monitor) throws SyncException {
		if (profile.mail() == null) {
			throw new SyncException("the profile " + profile.name() + " has no mailbox");
		}
		try (CrmClient crm = service.connect(profile); ProfileStore store = service.offlineStore().open(profile.name());
				Mailbox mailbox = service.mailConnector().open(profile.mail(), store.mail())) {
			List<MailHeader> found = new ArrayList<>();
			mailbox.headers(folder, List.of(uid), new MailChangeSink() {
				@Override
				public void added(MailHeader header) {
					found.add(header);
				}

				@Override
				public void flagsChanged(long u, long modSeq, Set<String> flags) {
				}

				@Override
				public void vanished(long u) {
				}

				@Override
				public void bad(long u, String reason, byte[] raw) throws MailException {
					throw new MailException("the message " + folder + "/" + u + " cannot be read: " + reason);
				}
			});
			if (found.isEmpty()) {
				throw new SyncException("no message " + folder + "/" + uid + " in the mailbox");
			}
			Instant started = Instant.now();
			long run = store.syncState().beginRun("mail", false);
			String outcome = "failed";
			try {
				MailTracker tracker = new MailTracker(crm, service.crmConnector(), mailbox, store, null,
						new CrmTrackingContext(crm, profile.trackingToken()), profile.trackingOption(),
						crm.whoAmI().userId(), false, run);
				store.mail().putMessages(List.of(new org.liaison.api.store.CachedMessage(profile.mail().id(), folder,
						uid, found.get(0).ident(), found.get(0).modSeq(), found.get(0).flags(), found.get(0).size(),
						found.get(0).message(), null)));
				TrackResult result = tracker.trackByHand(folder, found.get(0), regarding);
				outcome = (regarding == null ? "tracked " : "set regarding ") + folder + "/" + uid + " by hand";
				return result;
			} catch (RuntimeException | CrmException | MailException | StoreException e) {
				outcome = "failed: " + e.getMessage();
				throw e;
			} finally {
				DefaultMessagingService.endMailRun(store, run, started,
						outcome.startsWith("failed") ? new SideCounts(0, 0, 0, 0, 1)
								: regarding == null ? new SideCounts(1, 0, 0, 0, 0) : new SideCounts(0, 1, 0, 0, 0),
						outcome);
			}
		} catch (CrmException | MailException | StoreException e) {
			throw new SyncException("cannot track " + folder + "/" + uid + ": " + e.getMessage(), e);
		}
	}
}
