package org.liaison.security.internal;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.equinox.security.storage.ISecurePreferences;
import org.eclipse.equinox.security.storage.SecurePreferencesFactory;
import org.eclipse.equinox.security.storage.StorageException;
import org.eclipse.equinox.security.storage.provider.IProviderHints;
import org.liaison.api.env.LiaisonHome;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.SecretStoreException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@link SecretStore} on Eclipse secure storage, in the file {@code secure_storage} under Liaison's
 * home, encrypted with the master password from {@link LiaisonPasswordProvider}.
 */
@Component(service = SecretStore.class)
public class EclipseSecretStore implements SecretStore {

	private static final String ROOT = "/org.liaison";
	private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
			.toCharArray();

	private ISecurePreferences root;
	private final SecureRandom random = new SecureRandom();

	@Activate
	void activate() {
		// storage is opened lazily: asking for the master password at start-up would be rude
	}

	private synchronized ISecurePreferences root() throws SecretStoreException {
		if (root == null) {
			try {
				Path file = LiaisonHome.resolve("secure_storage");
				Files.createDirectories(file.getParent());
				Map<String, Object> options = new HashMap<>();
				options.put(IProviderHints.REQUIRED_MODULE_ID, LiaisonPasswordProvider.ID);
				options.put(IProviderHints.PROMPT_USER, Boolean.FALSE);
				URL url = file.toUri().toURL();
				ISecurePreferences prefs = SecurePreferencesFactory.open(url, options);
				if (prefs == null) {
					throw new SecretStoreException("secure storage at " + file + " could not be opened", null);
				}
				root = prefs.node(ROOT);
			} catch (IOException e) {
				throw new SecretStoreException("secure storage could not be opened: " + e.getMessage(), e);
			}
		}
		return root;
	}

	/**
	 * A profile's account password may come from the environment instead of secure storage (headless
	 * runs, CI): {@code profiles/NAME/crm/password} from {@code LIAISON_CRM_PASSWORD}, likewise
	 * {@code mail}, {@code smtp} and {@code dav}. Nothing is written anywhere.
	 */
	static String environmentOverride(String key) {
		String[] parts = key.split("/");
		if (parts.length == 4 && parts[0].equals("profiles") && parts[3].equals("password")
				&& parts[2].matches("crm|mail|smtp|dav")) {
			String v = System.getenv("LIAISON_" + parts[2].toUpperCase(java.util.Locale.ROOT) + "_PASSWORD");
			return v == null || v.isEmpty() ? null : v;
		}
		return null;
	}

	private static String[] split(String key) {
		int slash = key.lastIndexOf('/');
		if (slash <= 0 || slash == key.length() - 1) {
			throw new IllegalArgumentException("a secret key is a path/name, got " + key);
		}
		return new String[] { key.substring(0, slash), key.substring(slash + 1) };
	}

	@Override
	public Optional<char[]> get(String key) throws SecretStoreException {
		String[] k = split(key);
		String env = environmentOverride(key);
		if (env != null) {
			return Optional.of(env.toCharArray());
		}
		ISecurePreferences r = root();
		try {
			if (!r.nodeExists(k[0])) {
				return Optional.empty();
			}
			String v = r.node(k[0]).get(k[1], null);
			return Optional.ofNullable(v).map(String::toCharArray);
		} catch (StorageException e) {
			throw failure("read", key, e);
		}
	}

	@Override
	public void put(String key, char[] secret) throws SecretStoreException {
		String[] k = split(key);
		try {
			ISecurePreferences node = root().node(k[0]);
			node.put(k[1], new String(secret), true);
			if (!node.isEncrypted(k[1])) {
				// Equinox keeps a value it could not encrypt (no master password) as plain text: taken
				// back before anything reaches the disk, since a secret never goes into a plain file
				node.remove(k[1]);
				throw new SecretStoreException("could not store the secret " + key + ": secure storage is locked"
						+ " (no master password: set LIAISON_MASTER_PASSWORD, or unlock it when the desktop asks)", null);
			}
			root().flush();
		} catch (StorageException | IOException e) {
			throw failure("write", key, e);
		}
	}

	@Override
	public void remove(String key) throws SecretStoreException {
		String[] k = split(key);
		ISecurePreferences r = root();
		try {
			if (r.nodeExists(k[0])) {
				r.node(k[0]).remove(k[1]);
				r.flush();
			}
		} catch (IOException e) {
			throw failure("remove", key, e);
		}
	}

	@Override
	public synchronized char[] getOrCreate(String key, int length) throws SecretStoreException {
		Optional<char[]> existing = get(key);
		if (existing.isPresent()) {
			return existing.get();
		}
		char[] secret = new char[length];
		for (int i = 0; i < length; i++) {
			secret[i] = ALPHABET[random.nextInt(ALPHABET.length)];
		}
		put(key, secret);
		return secret;
	}

	private static SecretStoreException failure(String what, String key, Exception e) {
		String hint = e instanceof StorageException se && se.getErrorCode() == StorageException.NO_PASSWORD
				? " (no master password: set LIAISON_MASTER_PASSWORD or unlock secure storage in the desktop)"
				: "";
		return new SecretStoreException("could not " + what + " the secret " + key + ": " + e.getMessage() + hint, e);
	}
}
