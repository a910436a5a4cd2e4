package org.liaison.connector.dav.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.model.ItemKind;
import org.liaison.api.pim.PimAccount;
import org.liaison.api.pim.PimConnector;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.SecretStoreException;
import org.liaison.api.security.TrustService;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.SyncException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Contacts over CardDAV, appointments and tasks over CalDAV. The password comes from
 * {@link SecretStore} under the account's key, TLS from {@link TrustService}; one HTTP client per
 * account is kept while the component lives.
 */
@Component(service = PimConnector.class)
public class DavPimConnector implements PimConnector {

	private final SecretStore secrets;
	private final TrustService trust;
	private final Map<String, DavAccount> accounts = new ConcurrentHashMap<>();

	@Activate
	public DavPimConnector(@Reference SecretStore secrets, @Reference TrustService trust) {
		this.secrets = secrets;
		this.trust = trust;
	}

	@Override
	public String id() {
		return "dav";
	}

	@Override
	public String label() {
		return "CalDAV and CardDAV server";
	}

	@Override
	public boolean supports(ItemKind kind) {
		return kind != ItemKind.EMAIL;
	}

	@Override
	public List<ItemCollection> collections(PimAccount account, IProgressMonitor monitor) throws SyncException {
		try {
			return account(account).collections(monitor);
		} catch (SyncException e) {
			forgetIfUntrusted(account, e);
			throw e;
		}
	}

	/**
	 * A server whose certificate is not trusted: the account's HTTP client is dropped, so that once the
	 * user pins the certificate the next call builds one that accepts it.
	 */
	private void forgetIfUntrusted(PimAccount a, SyncException e) {
		for (Throwable t = e; t != null; t = t.getCause()) {
			if (t instanceof org.liaison.api.security.UntrustedCertificateException) {
				DavAccount gone = accounts.remove(key(a));
				if (gone != null) {
					gone.close();
				}
				return;
			}
		}
	}

	private static String key(PimAccount a) {
		return a.id() + "|" + a.url() + "|" + a.user() + "|" + a.secretKey() + "|" + a.timeout();
	}

	@Override
	public ItemCollection createCollection(PimAccount account, ItemKind kind, String displayName, IProgressMonitor monitor)
			throws SyncException {
		if (!supports(kind)) {
			throw new SyncException("a DAV server holds no " + kind + " items");
		}
		try {
			return account(account).createCollection(kind, displayName, monitor);
		} catch (SyncException e) {
			forgetIfUntrusted(account, e);
			throw e;
		}
	}

	private DavAccount account(PimAccount a) throws SyncException {
		String key = key(a);
		DavAccount open = accounts.get(key);
		if (open != null) {
			return open;
		}
		char[] password = null;
		try {
			if (a.secretKey() != null) {
				password = secrets.get(a.secretKey()).orElseThrow(
						() -> new SyncException("DAV account " + a.id() + ": no password saved under " + a.secretKey()));
			}
			DavAccount made = new DavAccount(a.id(), a.url(), a.user(), password, trust, a.timeout());
			DavAccount raced = accounts.putIfAbsent(key, made);
			if (raced != null) {
				made.close();
				return raced;
			}
			return made;
		} catch (SecretStoreException e) {
			throw new SyncException("DAV account " + a.id() + ": secure storage is locked or unreadable: " + e.getMessage(), e);
		} finally {
			if (password != null) {
				Arrays.fill(password, '\0');
			}
		}
	}

	@Deactivate
	void deactivate() {
		accounts.values().forEach(DavAccount::close);
		accounts.clear();
	}
}
