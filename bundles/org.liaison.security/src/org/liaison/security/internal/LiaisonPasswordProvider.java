package org.liaison.security.internal;

import javax.crypto.spec.PBEKeySpec;

import org.eclipse.equinox.security.storage.provider.IPreferencesContainer;
import org.eclipse.equinox.security.storage.provider.PasswordProvider;
import org.liaison.api.security.MasterPasswordPrompt;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

/**
 * Supplies the master password of Liaison's secure storage: from the environment variable
 * {@code LIAISON_MASTER_PASSWORD} when set (headless runs, CI), else from the highest-ranked
 * {@link MasterPasswordPrompt} service (the desktop's dialog, the console prompt, a test fixture).
 * The password itself is never written anywhere.
 */
public class LiaisonPasswordProvider extends PasswordProvider {

	/** Full id of this provider's extension, used to require it when opening storage. */
	public static final String ID = "org.liaison.security.passwordProvider";

	static final String ENV = "LIAISON_MASTER_PASSWORD";

	@Override
	public PBEKeySpec getPassword(IPreferencesContainer container, int passwordType) {
		String env = System.getenv(ENV);
		if (env != null && !env.isEmpty()) {
			return new PBEKeySpec(env.toCharArray());
		}
		Bundle bundle = FrameworkUtil.getBundle(LiaisonPasswordProvider.class);
		BundleContext ctx = bundle == null ? null : bundle.getBundleContext();
		if (ctx != null) {
			ServiceReference<MasterPasswordPrompt> ref = ctx.getServiceReference(MasterPasswordPrompt.class);
			if (ref != null) {
				MasterPasswordPrompt prompt = ctx.getService(ref);
				try {
					char[] pw = prompt == null ? null : prompt.ask((passwordType & CREATE_NEW_PASSWORD) != 0);
					if (pw != null && pw.length > 0) {
						return new PBEKeySpec(pw);
					}
				} finally {
					ctx.ungetService(ref);
				}
			}
		}
		return null;
	}

	@Override
	public boolean retryOnError(Exception e, IPreferencesContainer container) {
		return false;
	}
}
