package org.liaison.store.internal.local;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.model.ItemKind;
import org.liaison.api.pim.PimAccount;
import org.liaison.api.pim.PimConnector;
import org.liaison.api.store.LocalCollection;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.StoreException;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.SyncException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Contacts, calendars and task lists kept in Liaison's own store, for a mailbox account without
 * CalDAV/CardDAV. An account of this connector has the URL {@code local:PROFILE}; its collections
 * are the profile's local collections whose ids start with the account id.
 */
@Component(service = PimConnector.class)
public class LocalPimConnector implements PimConnector {

	/** The URL scheme of local accounts. */
	public static final String SCHEME = "local";

	@Reference
	private OfflineStore offline;

	private final Map<String, ProfileStore> open = new HashMap<>();

	@Override
	public String id() {
		return "local";
	}

	@Override
	public String label() {
		return "On this computer (no CalDAV/CardDAV server)";
	}

	@Override
	public boolean supports(ItemKind kind) {
		return kind != ItemKind.EMAIL;
	}

	/** The account's URL for a profile. */
	public static URI url(String profile) {
		return URI.create(SCHEME + ":" + profile);
	}

	private synchronized ProfileStore store(PimAccount account) throws SyncException {
		if (!SCHEME.equals(account.url().getScheme())) {
			throw new SyncException("account " + account.id() + " is not a local account (its URL is " + account.url()
					+ ", expected local:PROFILE)");
		}
		String profile = account.url().getSchemeSpecificPart();
		ProfileStore s = open.get(profile);
		if (s == null) {
			try {
				s = offline.open(profile);
			} catch (StoreException e) {
				throw new SyncException("cannot open the store of profile " + profile + ": " + e.getMessage(), e);
			}
			open.put(profile, s);
		}
		return s;
	}

	@Override
	public List<ItemCollection> collections(PimAccount account, IProgressMonitor monitor) throws SyncException {
		ProfileStore s = store(account);
		List<ItemCollection> out = new ArrayList<>();
		try {
			for (LocalCollection c : s.localPim().collections()) {
				if (c.id().startsWith(account.id() + "/")) {
					out.add(new LocalPimCollection(s.localPim(), c.id(), c.kind(), c.displayName()));
				}
			}
		} catch (StoreException e) {
			throw new SyncException("cannot list the local collections of " + account.id() + ": " + e.getMessage(), e);
		}
		return out;
	}

	@Override
	public ItemCollection createCollection(PimAccount account, ItemKind kind, String displayName,
			IProgressMonitor monitor) throws SyncException {
		if (!supports(kind)) {
			throw new SyncException("local collections hold contacts, appointments and tasks, not " + kind);
		}
		ProfileStore s = store(account);
		String name = displayName == null ? kind.name().toLowerCase(Locale.ROOT)
				: displayName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
		String id = account.id() + "/" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
		try {
			LocalCollection c = s.localPim().ensureCollection(id, kind, displayName);
			return new LocalPimCollection(s.localPim(), c.id(), c.kind(), c.displayName());
		} catch (StoreException e) {
			throw new SyncException("cannot make a local collection for " + account.id() + ": " + e.getMessage(), e);
		}
	}

	@Deactivate
	synchronized void deactivate() {
		for (ProfileStore s : open.values()) {
			try {
				s.close();
			} catch (StoreException e) {
				// closing anyway
			}
		}
		open.clear();
	}
}
