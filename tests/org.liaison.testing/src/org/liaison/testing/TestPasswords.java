package org.liaison.testing;

import java.security.SecureRandom;
import java.util.Base64;

import org.liaison.api.security.MasterPasswordPrompt;
import org.osgi.framework.ServiceRegistration;

/**
 * Unlocks Liaison's secure storage in tests with a master password made at run time (never a
 * literal in the sources), by registering a {@link MasterPasswordPrompt} service.
 */
public final class TestPasswords {

	private static ServiceRegistration<MasterPasswordPrompt> registration;
	private static char[] master;

	private TestPasswords() {
	}

	/** A fresh random secret, for test accounts and test fixtures. */
	public static String random() {
		byte[] b = new byte[18];
		new SecureRandom().nextBytes(b);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
	}

	public static synchronized void unlockSecureStorage() {
		TestHome.get();
		if (registration == null) {
			master = random().toCharArray();
			char[] pw = master;
			registration = Osgi.register(MasterPasswordPrompt.class, create -> pw.clone(), 1000);
		}
	}

	/**
	 * A copy of the master password of this run's secure storage (unlocked first), for a child JVM
	 * that reads the same storage: pass it in its environment as {@code LIAISON_MASTER_PASSWORD},
	 * never on its command line.
	 */
	public static synchronized char[] masterPassword() {
		unlockSecureStorage();
		return master.clone();
	}
}
