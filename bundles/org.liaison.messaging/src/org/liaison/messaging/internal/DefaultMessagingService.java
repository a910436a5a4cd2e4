package org.liaison.messaging.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;
import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.filter.SyncFilterProvider;
import org.liaison.api.mail.MailConnector;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.messaging.InstanceStatus;
import org.liaison.api.messaging.MessagingOptions;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.messaging.MessagingService;
import org.liaison.api.messaging.TrackResult;
import org.liaison.api.model.ItemKind;
import org.liaison.api.model.RecordRef;
import org.liaison.api.model.Tracking;
import org.liaison.api.model.TrackingState;
import org.liaison.api.pim.PimAccount;
import org.liaison.api.pim.PimConnector;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.SecretStoreException;
import org.liaison.api.store.CachedMessage;
import org.liaison.api.store.CollectionToken;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.RunRecord;
import org.liaison.api.store.StoreException;
import org.liaison.api.sync.SideCounts;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncEngine;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.SyncOptions;
import org.liaison.api.sync.SyncPair;
import org.liaison.api.sync.SyncReport;
import org.liaison.api.tracking.TrackingService;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@link MessagingService}: per run, the synchronizing-client rules first (nothing else runs on a
 * computer that is not the user's synchronizing client), then the contacts, appointments and tasks
 * pairs through the engine under the sync filters, then tracking, then outgoing email.
 */
@Component(service = MessagingService.class)
public class DefaultMessagingService implements MessagingService {

	@Reference
	private CrmConnector crmConnector;
	@Reference
	private MailConnector mailConnector;
	@Reference
	private SyncEngine engine;
	@Reference
	private OfflineStore offlineStore;
	@Reference
	private TrackingService tracking;
	@Reference
	private SecretStore secrets;

	private final Map<String, PimConnector> pimConnectors = new ConcurrentHashMap<>();
	private final Map<SyncFilterProvider, Integer> filters = new ConcurrentHashMap<>();

	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
	void addPimConnector(PimConnector c) {
		pimConnectors.put(c.id(), c);
	}

	void removePimConnector(PimConnector c) {
		pimConnectors.remove(c.id(), c);
	}

	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
	void addFilter(SyncFilterProvider f, Map<String, Object> props) {
		Object r = props.get(Constants.SERVICE_RANKING);
		filters.put(f, r instanceof Integer i ? i : 0);
	}

	void removeFilter(SyncFilterProvider f) {
		filters.remove(f);
	}

	/** The OData filter for a kind: the profile's own, else the highest-ranked provider's. */
	String filter(Profile profile, ItemKind kind, UUID user) {
		String own = profile.filters().get(kind);
		if (own != null) {
			return own;
		}
		SyncFilterProvider best = null;
		int bestRank = Integer.MIN_VALUE;
		for (Map.Entry<SyncFilterProvider, Integer> e : filters.entrySet()) {
			if (e.getKey().kind() == kind && e.getValue() > bestRank) {
				best = e.getKey();
				bestRank = e.getValue();
			}
		}
		return best == null ? null : best.filter(user, Instant.now());
	}

	CrmClient connect(Profile profile) throws SyncException {
		CrmAuth auth;
		if (profile.crmNeedsSecret()) {
			auth = profile.crmAuth(secret(profile, "crm"));
		} else {
			auth = new CrmAuth.EntraDeviceCode(profile.crm().authority(), profile.crm().clientId(),
					java.util.Set.copyOf(profile.crm().scopes()), profile.secretKey("crm-tokens"),
					text -> System.err.println(text));
		}
		try {
			return crmConnector.connect(new CrmEndpoint(profile.crm().serviceRoot(), auth,
					profile.timeout() == null ? null : CrmLimits.defaults().withTimeout(profile.timeout())));
		} catch (CrmException e) {
			throw new SyncException("cannot connect to the CRM at " + profile.crm().serviceRoot() + ": " + e.getMessage(), e);
		}
	}

	char[] secret(Profile profile, String which) throws SyncException {
		try {
			Optional<char[]> s = secrets.get(profile.secretKey(which));
			if (s.isEmpty()) {
				throw new SyncException("no " + which + " password for profile " + profile.name() + ": set "
						+ Profile.ENV.get(which) + ", or save it with './liaison sync --profile FILE --set-secret "
						+ which + "'");
			}
			return s.get();
		} catch (SecretStoreException e) {
			throw new SyncException(e.getMessage(), e);
		}
	}

	@Override
	public InstanceStatus instanceStatus(Profile profile) throws SyncException {
		try (CrmClient crm = connect(profile)) {
			return InstanceRules.check(crm, crm.whoAmI().userId(), profile.name(), false, true);
		} catch (CrmException | IOException e) {
			throw new SyncException("cannot check the synchronizing client: " + e.getMessage(), e);
		}
	}

	@Override
	public MessagingReport sync(Profile profile, MessagingOptions options, IProgressMonitor monitor)
			throws SyncException {
		if (!profile.syncEnabled()) {
			// the user kept another computer as the synchronizing client: not even the CRM is asked
			return new MessagingReport(InstanceRules.disabled(profile), Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, List.of(), 0);
		}
		SubMonitor sub = SubMonitor.convert(monitor, "Synchronizing " + profile.name(), 100);
		List<String> problems = new ArrayList<>();
		Map<ItemKind, SyncReport> pim = new EnumMap<>(ItemKind.class);
		try (CrmClient crm = connect(profile); ProfileStore store = offlineStore.open(profile.name())) {
			sub.subTask("Checking the synchronizing client");
			UUID user = crm.whoAmI().userId();
			InstanceStatus instance = InstanceRules.check(crm, user, profile.name(), options.takeOver(), options.dryRun());
			sub.worked(5);
			if (!instance.synchronizing()) {
				return new MessagingReport(instance, pim, 0, 0, 0, 0, 0, 0, 0, crm.stats().requests(), List.of(),
						crm.stats().httpCalls());
			}
			if (profile.mail() != null && !options.dryRun()) {
				try {
					InstanceRules.claimMailbox(crm, user, profile.mail().address(), UUID.fromString(instance.instanceId()));
				} catch (CrmException e) {
					throw new SyncException("the CRM refused this mailbox: " + e.getMessage(), e);
				}
			}
			SubMonitor pimWork = sub.split(45).setWorkRemaining(Math.max(1, profile.kinds().size()));
			// the account's collections, discovered once for all kinds of this run
			List<List<ItemCollection>> listed = new ArrayList<>(1);
			for (ItemKind kind : profile.kinds()) {
				String synced = store.syncState().token(kind.entitySet(), Side.MAILBOX).map(CollectionToken::collectionId)
						.orElse(null);
				ItemCollection mailboxSide = pimCollection(profile, kind, synced, listed, pimWork.newChild(0));
				ItemCollection crmSide = crmConnector.items(crm, kind, filter(profile, kind, user));
				SyncPair pair = new SyncPair(kind.entitySet(), crmSide, mailboxSide, profile.policies().get(kind));
				SyncReport r = engine.sync(profile.name(), pair,
						new SyncOptions(options.dryRun(), options.forceDeletes()), pimWork.split(1));
				pim.put(kind, r);
				if (r.brakeTripped()) {
					problems.add(kind.entitySet() + ": " + r.brakeMessage());
				}
			}
			MailTracker.Counts counts = new MailTracker.Counts();
			int[] outgoing = { 0, 0 };
			if (profile.mail() != null) {
				try (Mailbox mailbox = mailConnector.open(profile.mail(), store.mail())) {
					Instant started = Instant.now();
					long run = options.dryRun() ? 0 : store.syncState().beginRun("mail", options.dryRun());
					String outcome = "failed";
					try {
						CrmTrackingContext context = new CrmTrackingContext(crm, profile.trackingToken());
						MailTracker tracker = new MailTracker(crm, crmConnector, mailbox, store, tracking, context,
								profile.trackingOption(), user, options.dryRun(), run);
						SubMonitor mailWork = sub.split(40).setWorkRemaining(Math.max(1, folders(profile).size()));
						for (String folder : folders(profile)) {
							String regarding = profile.trackedFolders().get(folder);
							tracker.scan(folder, profile.trackedFolders().containsKey(folder),
									regarding == null ? null : RecordRef.parse(regarding), counts, mailWork.split(1));
						}
						problems.addAll(counts.problems);
						if (profile.mail().smtp() != null) {
							sub.subTask("Sending outgoing CRM email");
							outgoing = Outgoing.send(crm, mailbox, user, options.dryRun(), problems, sub.split(10));
						}
						outcome = counts.problems.isEmpty() ? "done" : "done with " + counts.problems.size() + " problem(s)";
					} catch (Exception e) {
						outcome = "failed: " + e.getMessage();
						throw e;
					} finally {
						if (!options.dryRun()) {
							endMailRun(store, run, started, new SideCounts(counts.tracked + counts.joined + outgoing[0], 0,
									counts.untracked, 0, counts.failed), outcome);
						}
					}
				} catch (MailException e) {
					throw new org.liaison.api.sync.TransientException("the mailbox failed: " + e.getMessage(), e);
				}
			}
			return new MessagingReport(instance, pim, counts.scanned, counts.tracked, counts.joined, counts.untracked,
					counts.failed, outgoing[0], outgoing[1], crm.stats().requests(), problems, crm.stats().httpCalls());
		} catch (CrmException e) {
			throw new org.liaison.api.sync.TransientException("the CRM failed: " + e.getMessage(), e);
		} catch (StoreException e) {
			throw new SyncException("the local store failed: " + e.getMessage(), e);
		} catch (IOException e) {
			throw new SyncException("cannot read this installation's id: " + e.getMessage(), e);
		} finally {
			if (monitor != null) {
				monitor.done();
			}
		}
	}

	/**
	 * Closes a mail run's record (shown in the Sync view's status): {@code crm} counts emails tracked,
	 * joined to another user's or sent as made, untracked ones as deleted, failures as quarantined.
	 */
	static void endMailRun(ProfileStore store, long run, Instant started, SideCounts crm, String outcome) {
		try {
			store.syncState().endRun(new RunRecord(run, "mail", started, Instant.now(), false, crm, SideCounts.NONE,
					outcome));
		} catch (StoreException e) {
			// the run's own outcome matters more; its record stays unfinished
		}
	}

	static List<String> folders(Profile profile) {
		List<String> out = new ArrayList<>(profile.scannedFolders());
		for (String f : profile.trackedFolders().keySet()) {
			if (!out.contains(f)) {
				out.add(f);
			}
		}
		return out;
	}

	/**
	 * The mailbox side of a kind: the DAV collection holding it, or the local store's. The collection
	 * synced before ({@code syncedId}) when it is listed, else the first of its kind. A new one is
	 * made only when none of the kind is listed and none of this account was synced before: an
	 * account that lists none although one was synced (a server that answered in part, a collection
	 * removed) fails the run instead, since a new, empty collection would make every item look
	 * deleted from the mailbox. {@code listed} holds the account's collections once discovered in
	 * this run (empty before).
	 */
	ItemCollection pimCollection(Profile profile, ItemKind kind, String syncedId, List<List<ItemCollection>> listed,
			IProgressMonitor monitor) throws SyncException {
		PimConnector c = pimConnectors.get(profile.pim());
		if (c == null) {
			throw new SyncException("no '" + profile.pim() + "' connector for contacts, calendar and tasks is installed");
		}
		boolean dav = "dav".equals(profile.pim());
		PimAccount account = dav ? profile.dav()
				: new PimAccount(profile.name(), java.net.URI.create("local:" + profile.name()), null, null);
		ItemCollection first = null;
		if (listed.isEmpty()) {
			listed.add(c.collections(account, monitor));
		}
		for (ItemCollection col : listed.get(0)) {
			if (col.info().kind() != kind) {
				continue;
			}
			if (col.info().id().equals(syncedId)) {
				return col;
			}
			if (first == null) {
				first = col;
			}
		}
		if (first != null) {
			return first;
		}
		// collection ids: "ACCOUNT:/path/" for DAV, "local:PROFILE/..." for the local store
		if (syncedId != null && syncedId.startsWith(dav ? account.id() + ":/" : "local:")) {
			throw new org.liaison.api.sync.TransientException("the " + kind.entitySet() + " collection synced so far ("
					+ syncedId + ") is not among the collections the " + profile.pim() + " account lists now; Liaison"
					+ " does not make a new one on its own, as every item would then look deleted from the mailbox;"
					+ " tried again next run", -1);
		}
		ItemCollection made = c.createCollection(account, kind, "Liaison " + kind.entitySet(), monitor);
		listed.clear(); // a new collection: the next kind discovers again
		return made;
	}

	@Override
	public TrackResult track(Profile profile, String folder, long uid, RecordRef regarding, IProgressMonitor monitor)
			throws SyncException {
		return ManualTracking.track(this, profile, folder, uid, regarding, monitor);
	}

	@Override
	public TrackResult untrack(Profile profile, String folder, long uid, IProgressMonitor monitor) throws SyncException {
		try (ProfileStore store = offlineStore.open(profile.name())) {
			Optional<CachedMessage> m = store.mail().message(profile.mail().id(), folder, uid);
			if (m.isEmpty()) {
				throw new SyncException("no message " + folder + "/" + uid + " in the mailbox");
			}
			try (Mailbox mailbox = mailConnector.open(profile.mail(), store.mail())) {
				mailbox.setFlags(folder, List.of(uid), java.util.Set.of(org.liaison.api.mail.MailAccount.TRACKED_KEYWORD),
						false);
			}
			String why = "untracked by the user; the CRM email stays in the CRM";
			store.mail().setTracking(profile.mail().id(), folder, uid, new Tracking(TrackingState.UNTRACKED, null, null, why));
			return new TrackResult(TrackingState.UNTRACKED, null, null, why);
		} catch (StoreException | MailException e) {
			throw new SyncException("cannot untrack " + folder + "/" + uid + ": " + e.getMessage(), e);
		}
	}

	CrmConnector crmConnector() {
		return crmConnector;
	}

	MailConnector mailConnector() {
		return mailConnector;
	}

	OfflineStore offlineStore() {
		return offlineStore;
	}
}
