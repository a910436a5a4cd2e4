package org.liaison.store.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.liaison.api.env.LiaisonHome;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.SecretStoreException;
import org.liaison.api.store.LocalPimStore;
import org.liaison.api.store.MailStore;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.StoreException;
import org.liaison.api.store.SyncStateStore;
import org.liaison.store.derby.DerbyProfileStore;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link OfflineStore} on embedded Derby: one encrypted database per profile under Liaison's home,
 * its boot password made once and kept in secure storage ({@code profiles/NAME/db/bootPassword}).
 * A profile's database stays open while any handle to it is open; the last close shuts it down.
 */
@Component(service = OfflineStore.class)
public class DerbyOfflineStore implements OfflineStore {

	/** Length of generated boot passwords (URL-safe characters, about 190 bits). */
	static final int BOOT_PASSWORD_LENGTH = 32;

	static {
		// Derby's own log goes next to the databases, not into the working directory.
		if (System.getProperty("derby.stream.error.file") == null) {
			Path log = LiaisonHome.resolve("logs", "derby.log");
			try {
				Files.createDirectories(log.getParent());
				System.setProperty("derby.stream.error.file", log.toString());
			} catch (java.io.IOException e) {
				// Derby falls back to derby.log in the working directory
			}
		}
	}

	@Reference
	private SecretStore secrets;

	private final Map<String, Shared> open = new HashMap<>();

	private static final class Shared {
		final DerbyProfileStore store;
		int handles;

		Shared(DerbyProfileStore store) {
			this.store = store;
		}
	}

	/** The secure-storage key of a profile's boot password. */
	static String secretKey(String profile) {
		return "profiles/" + profile + "/db/bootPassword";
	}

	@Override
	public synchronized ProfileStore open(String profile) throws StoreException {
		if (!profile.matches("[A-Za-z0-9._-]+")) {
			throw new StoreException("a profile name may hold letters, digits, '.', '_' and '-' only: " + profile);
		}
		Shared s = open.get(profile);
		if (s == null) {
			Path dir = LiaisonHome.resolve("profiles", profile, "db");
			char[] password;
			try {
				password = secrets.getOrCreate(secretKey(profile), BOOT_PASSWORD_LENGTH);
			} catch (SecretStoreException e) {
				throw new StoreException("cannot open the database of profile " + profile
						+ ": its boot password is in secure storage, which is locked: " + e.getMessage(), e);
			}
			try {
				s = new Shared(DerbyProfileStore.open(profile, dir, password));
			} finally {
				Arrays.fill(password, '\0');
			}
			open.put(profile, s);
		}
		s.handles++;
		return new Handle(profile, s);
	}

	private synchronized void release(String profile, Shared s) throws StoreException {
		if (--s.handles == 0 && open.get(profile) == s) {
			open.remove(profile);
			s.store.close();
		}
	}

	@Deactivate
	synchronized void deactivate() {
		for (Shared s : open.values()) {
			try {
				s.store.close();
			} catch (StoreException e) {
				// shutting down anyway
			}
		}
		open.clear();
	}

	/** One caller's handle on a shared open database. */
	private final class Handle implements ProfileStore, DerbyProfileStore.Backed {
		private final String profile;
		private final Shared shared;
		private boolean closed;

		Handle(String profile, Shared shared) {
			this.profile = profile;
			this.shared = shared;
		}

		@Override
		public String profile() {
			return profile;
		}

		@Override
		public DerbyProfileStore derbyStore() {
			return shared.store;
		}

		@Override
		public int schemaVersion() throws StoreException {
			return shared.store.schemaVersion();
		}

		@Override
		public SyncStateStore syncState() {
			return shared.store.syncState();
		}

		@Override
		public LocalPimStore localPim() {
			return shared.store.localPim();
		}

		@Override
		public MailStore mail() {
			return shared.store.mail();
		}

		@Override
		public void close() throws StoreException {
			synchronized (DerbyOfflineStore.this) {
				if (closed) {
					return;
				}
				closed = true;
			}
			release(profile, shared);
		}
	}
}
