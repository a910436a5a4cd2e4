package org.liaison.ui.internal;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmException;
import org.liaison.api.env.LiaisonHome;
import org.liaison.api.mail.MailConnector;
import org.liaison.api.messaging.MessagingOptions;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.messaging.MessagingService;
import org.liaison.api.pim.PimAccount;
import org.liaison.api.pim.PimConnector;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.SecretStoreException;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.StoreException;
import org.liaison.api.sync.SyncException;
import org.liaison.sync.scheduler.SyncScheduler;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * What the workbench works on: the profile (read from its file, no secret in it), its store (opened
 * once, on first use, off the UI thread), signed-in CRM clients per organization, the scheduler's
 * sync job, and the listeners told when data changed. Nothing here runs at start-up: the first
 * caller, always a Job, pays for what it uses.
 */
@Component(service = Session.class)
public class Session {

	/** Where the desktop's profile file is, when given on the command line (./liaison demo does). */
	public static final String PROFILE_PROPERTY = "liaison.profile";

	/** What changed, for the views. */
	public enum Change {
		/** A sync run ended (the report is {@link #lastReport()}). */
		SYNCED,
		/** Mail tracking changed (track, untrack, set regarding). */
		TRACKING,
		/** Conflicts or quarantine changed by the user. */
		STATE,
		/** The profile was changed or replaced (the configuration wizard finished). */
		PROFILE
	}

	// References by ServiceReference: binding them activates nothing, so the window opens without
	// waking the messaging, store and connector components; the first Job that uses one pays for it.
	@Reference(service = MessagingService.class)
	private ServiceReference<MessagingService> messagingRef;
	@Reference(service = OfflineStore.class)
	private ServiceReference<OfflineStore> offlineStoreRef;
	@Reference(service = CrmConnector.class)
	private ServiceReference<CrmConnector> crmConnectorRef;
	@Reference(service = MailConnector.class)
	private ServiceReference<MailConnector> mailConnectorRef;
	@Reference(service = SyncScheduler.class)
	private ServiceReference<SyncScheduler> schedulerRef;
	@Reference(service = SecretStore.class)
	private ServiceReference<SecretStore> secretsRef;
	@Reference(service = org.liaison.api.offline.OfflineService.class, cardinality = ReferenceCardinality.OPTIONAL,
			policy = ReferencePolicy.DYNAMIC)
	private volatile ServiceReference<org.liaison.api.offline.OfflineService> offlineServiceRef;

	private final List<ServiceReference<PimConnector>> pimConnectors = new CopyOnWriteArrayList<>();
	private final Map<ServiceReference<?>, Object> services = new ConcurrentHashMap<>();
	private BundleContext bundleContext;

	@Activate
	void activate(BundleContext context) {
		bundleContext = context;
	}

	/** The service behind a reference, got once (activating its component on first use). */
	@SuppressWarnings("unchecked")
	private <T> T use(ServiceReference<T> ref) {
		if (ref == null) {
			return null;
		}
		return (T) services.computeIfAbsent(ref, r -> bundleContext.getService(r));
	}

	private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
	private final Map<String, CrmClient> clients = new ConcurrentHashMap<>();

	private Path profileFile;
	private Profile profile;
	private ProfileStore store;
	private volatile MessagingReport lastReport;
	private volatile String lastProblem;

	@Reference(service = PimConnector.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
	void addPimConnector(ServiceReference<PimConnector> ref) {
		pimConnectors.add(ref);
	}

	void removePimConnector(ServiceReference<PimConnector> ref) {
		pimConnectors.remove(ref);
		if (services.remove(ref) != null && bundleContext != null) {
			bundleContext.ungetService(ref);
		}
	}

	@Deactivate
	synchronized void deactivate() {
		closeAll();
		for (ServiceReference<?> r : services.keySet()) {
			bundleContext.ungetService(r);
		}
		services.clear();
	}

	private void closeAll() {
		if (offlineCopy != null) {
			try {
				offlineCopy.close();
			} catch (Exception e) {
				// closing at the end: nothing more to do with it
			}
			offlineCopy = null;
		}
		if (mailbox != null) {
			try {
				mailbox.close();
			} catch (Exception e) {
				// closing at the end: nothing more to do with it
			}
			mailbox = null;
		}
		for (CrmClient c : clients.values()) {
			c.close();
		}
		clients.clear();
		if (store != null) {
			try {
				store.close();
			} catch (StoreException e) {
				// closing at the end: nothing more to do with it
			}
			store = null;
		}
	}

	// ---- profile

	private volatile Path chosen;
	private long profileStamp;
	private volatile boolean takeOverNext;

	/** Works on this profile file from now on (the configuration wizard saved it); the views are told. */
	public void useProfile(Path file, boolean takeOver) {
		chosen = file;
		takeOverNext = takeOver;
		fire(Change.PROFILE);
	}

	Path profileFileNow() {
		Path c = chosen;
		return c != null ? c : findProfileFile();
	}

	/** The profile file: {@value #PROFILE_PROPERTY}, else the first by name in {@code $LIAISON_HOME/profiles} (as the wizard). */
	static Path findProfileFile() {
		String given = System.getProperty(PROFILE_PROPERTY);
		if (given != null && !given.isBlank()) {
			return Path.of(given);
		}
		Path folder = LiaisonHome.resolve("profiles");
		if (Files.isDirectory(folder)) {
			try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.properties")) {
				Path first = null;
				for (Path f : files) {
					first = first == null || f.compareTo(first) < 0 ? f : first;
				}
				return first;
			} catch (IOException e) {
				return null;
			}
		}
		return null;
	}

	/** The profile, read again when its file changed; empty when there is none yet. */
	public synchronized Optional<Profile> profile() {
		Path file = profileFileNow();
		if (file == null || !Files.isRegularFile(file)) {
			return Optional.empty();
		}
		long stamp;
		try {
			stamp = Files.getLastModifiedTime(file).toMillis();
		} catch (IOException e) {
			stamp = 0;
		}
		if (!file.equals(profileFile) || profile == null || stamp != profileStamp) {
			try {
				Profile p = Profile.load(file);
				if (profile != null) {
					closeAll();
					names.clear();
				}
				profile = p;
				profileFile = file;
				profileStamp = stamp;
				scheduled = false;
			} catch (IOException e) {
				lastProblem = e.getMessage();
				return Optional.empty();
			}
		}
		return Optional.of(profile);
	}

	/** The profile, or a message saying there is none. */
	public Profile requireProfile() throws SyncException {
		return profile().orElseThrow(() -> new SyncException(
				"no profile yet: run the configuration wizard (File > Settings) or start with ./liaison demo"));
	}

	/** The profile's store, opened on first use (a Derby boot: call it from a Job). */
	public synchronized ProfileStore store() throws StoreException, SyncException {
		Profile p = requireProfile();
		if (store == null) {
			store = use(offlineStoreRef).open(p.name());
		}
		return store;
	}

	// ---- organizations

	/** A CRM organization of the profile: the synchronizing one ({@code crm.*}) or another ({@code org.ID.*}). */
	public record Organization(String id, String label, boolean synchronizing, Profile.Crm crm) {
	}

	/** The profile's organizations, the synchronizing one first. */
	public List<Organization> organizations() {
		List<Organization> out = new ArrayList<>();
		Optional<Profile> p = profile();
		if (p.isEmpty()) {
			return out;
		}
		Properties props = new Properties();
		try (Reader r = Files.newBufferedReader(profileFile, StandardCharsets.UTF_8)) {
			props.load(r);
		} catch (IOException e) {
			// the profile was just read: keep the synchronizing organization only
		}
		Profile.Crm sync = p.get().crm();
		out.add(new Organization(props.getProperty("crm.org", "main"),
				props.getProperty("crm.label", sync.serviceRoot().getHost()), true, sync));
		List<String> ids = new ArrayList<>();
		for (String k : props.stringPropertyNames()) {
			if (k.startsWith("org.") && k.endsWith(".url")) {
				ids.add(k.substring(4, k.length() - 4));
			}
		}
		ids.sort(null);
		for (String id : ids) {
			String pre = "org." + id + ".";
			URI root = URI.create(props.getProperty(pre + "url").trim());
			String token = props.getProperty(pre + "token-url");
			Profile.Crm crm = new Profile.Crm(root, props.getProperty(pre + "auth", "password"),
					props.getProperty(pre + "user"), props.getProperty(pre + "client-id", "liaison"),
					token != null ? URI.create(token.trim()) : root.resolve("/oauth2/token"),
					props.getProperty(pre + "authority"), List.of());
			out.add(new Organization(id, props.getProperty(pre + "label", root.getHost()), false, crm));
		}
		return out;
	}

	/** A signed-in client of an organization, kept for the session (a remote call: from a Job). */
	public CrmClient crm(Organization org) throws SyncException {
		CrmClient c = clients.get(org.id());
		if (c != null) {
			return c;
		}
		Profile p = requireProfile();
		String which = org.synchronizing() ? "crm" : "org-" + org.id();
		char[] secret;
		try {
			secret = use(secretsRef).get(p.secretKey(which)).orElse(null);
		} catch (SecretStoreException e) {
			throw new SyncException("secure storage is locked: " + e.getMessage(), e);
		}
		if (secret == null) {
			throw new SyncException("no password for " + org.label() + " in secure storage: set it in File > Settings");
		}
		CrmAuth auth = "client-credentials".equals(org.crm().auth())
				? new CrmAuth.ClientCredentials(org.crm().tokenEndpoint(), org.crm().user(), secret)
				: new CrmAuth.Password(org.crm().tokenEndpoint(), org.crm().clientId(), org.crm().user(), secret);
		try {
			c = use(crmConnectorRef).connect(new CrmEndpoint(org.crm().serviceRoot(), auth));
		} catch (CrmException e) {
			throw new SyncException("cannot sign in to " + org.label() + ": " + e.getMessage(), e);
		}
		CrmClient before = clients.putIfAbsent(org.id(), c);
		if (before != null) {
			c.close();
			return before;
		}
		return c;
	}

	/** The client of the synchronizing organization. */
	public CrmClient crm() throws SyncException {
		return crm(organizations().get(0));
	}

	// ---- mail

	private org.liaison.api.mail.Mailbox mailbox;

	/** The profile's mailbox, signed in on first use and kept (a remote call: from a Job). */
	public synchronized org.liaison.api.mail.Mailbox mailbox() throws Exception {
		Profile p = requireProfile();
		if (p.mail() == null) {
			throw new SyncException("the profile " + p.name() + " has no mailbox");
		}
		if (mailbox == null) {
			mailbox = mailConnector().open(p.mail(), store().mail());
		}
		return mailbox;
	}

	// ---- Go Offline

	private org.liaison.api.offline.OfflineCopy offlineCopy;

	/** The profile's offline copy, opened on first use; empty when Go Offline is not installed (from a Job). */
	public synchronized Optional<org.liaison.api.offline.OfflineCopy> offlineCopy() throws Exception {
		org.liaison.api.offline.OfflineService service = use(offlineServiceRef);
		if (service == null) {
			return Optional.empty();
		}
		if (offlineCopy == null) {
			offlineCopy = service.open(requireProfile().name());
		}
		return Optional.of(offlineCopy);
	}

	// ---- names of CRM records

	private final Map<org.liaison.api.model.RecordRef, String> names = new ConcurrentHashMap<>();

	/** A record's name if it is known already, else null (see {@link #resolveNames}). */
	public String name(org.liaison.api.model.RecordRef r) {
		return r == null ? null : names.get(r);
	}

	/** Remembers a record's name (the picker knows it). */
	public void rememberName(org.liaison.api.model.RecordRef r, String name) {
		names.put(r, name);
	}

	/** Looks up the names of records not known yet, in the synchronizing organization (from a Job). */
	public void resolveNames(java.util.Collection<org.liaison.api.model.RecordRef> refs) throws SyncException {
		for (org.liaison.api.model.RecordRef r : refs) {
			if (r == null || names.containsKey(r)) {
				continue;
			}
			CrmTypes t = CrmTypes.of(r.entitySet());
			if (t == null) {
				names.put(r, r.entitySet());
				continue;
			}
			try {
				names.put(r, t.name(crm().retrieve(r.entitySet(), r.id(),
						org.liaison.api.crm.CrmQuery.select(t.idAttribute(), t.nameAttribute()))));
			} catch (CrmException e) {
				names.put(r, r.entitySet() + " (" + e.getMessage() + ")");
			}
		}
	}

	// ---- services for the views

	public MessagingService messaging() {
		return use(messagingRef);
	}

	public MailConnector mailConnector() {
		return use(mailConnectorRef);
	}

	/** The connector of the profile's contacts, calendar and tasks, with its account. */
	public PimConnector pimConnector() throws SyncException {
		Profile p = requireProfile();
		for (ServiceReference<PimConnector> r : pimConnectors) {
			PimConnector c = use(r);
			if (c != null && c.id().equals(p.pim())) {
				return c;
			}
		}
		throw new SyncException("no '" + p.pim() + "' connector for contacts, calendar and tasks is installed");
	}

	public PimAccount pimAccount() throws SyncException {
		Profile p = requireProfile();
		return "dav".equals(p.pim()) ? p.dav() : new PimAccount(p.name(), URI.create("local:" + p.name()), null, null);
	}

	// ---- sync

	private boolean scheduled;

	/** Registers the profile's sync with the scheduler (its first run after the interval); no remote call. */
	public synchronized void schedule() {
		Optional<Profile> p = profile();
		if (p.isEmpty() || scheduled) {
			return;
		}
		scheduled = true;
		Profile profile = p.get();
		use(schedulerRef).schedule(profile.name(), profile.interval(), monitor -> runSync(profile, monitor));
	}

	/** Starts a sync now as the scheduler's Job (never two at once). */
	public void syncNow() {
		schedule();
		profile().ifPresent(p -> use(schedulerRef).syncNow(p.name()));
	}

	/** The scheduler's job of the profile, for progress, or null. */
	public org.eclipse.core.runtime.jobs.Job syncJob() {
		return profile().map(p -> use(schedulerRef).job(p.name())).orElse(null);
	}

	IStatus runSync(Profile p, IProgressMonitor monitor) {
		try {
			boolean takeOver = takeOverNext;
			takeOverNext = false;
			lastReport = messaging().sync(p, new MessagingOptions(false, takeOver, false), monitor);
			lastProblem = null;
			fire(Change.SYNCED);
			return Status.OK_STATUS;
		} catch (SyncException e) {
			lastProblem = e.getMessage();
			lastReport = null;
			fire(Change.SYNCED);
			// a warning, not an error: the scheduler backs off and the status line says why
			return Status.warning("sync of " + p.name() + " failed: " + e.getMessage(), e);
		}
	}

	public MessagingReport lastReport() {
		return lastReport;
	}

	/** The last sync's failure, or null. */
	public String lastProblem() {
		return lastProblem;
	}

	// ---- listeners

	public void addListener(Consumer<Change> l) {
		listeners.add(l);
	}

	public void removeListener(Consumer<Change> l) {
		listeners.remove(l);
	}

	/** Tells the views (on the caller's thread; views move to the UI thread themselves). */
	public void fire(Change change) {
		for (Consumer<Change> l : listeners) {
			l.accept(change);
		}
	}
}
