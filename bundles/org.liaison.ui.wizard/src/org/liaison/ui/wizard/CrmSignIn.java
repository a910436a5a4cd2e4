package org.liaison.ui.wizard;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmException;
import org.liaison.api.profile.Profile;

/**
 * Signing in to a CRM organization of a profile: the synchronizing one ({@code crm.*}) or another
 * ({@code org.ID.*}, same suffixes), read exactly as a profile file's {@code crm.*} keys are.
 */
public final class CrmSignIn {

	private CrmSignIn() {
	}

	/**
	 * An organization from its settings by suffix ({@code url}, {@code auth}, {@code user},
	 * {@code client-id}, {@code token-url}, {@code authority}, {@code scopes}).
	 *
	 * @throws IllegalArgumentException when they do not make an organization (the message says why)
	 */
	public static Profile.Crm organization(Map<String, String> values) {
		Properties p = new Properties();
		p.setProperty("name", "organization");
		values.forEach((k, v) -> {
			if (v != null && !v.isBlank() && !k.equals("label")) {
				p.setProperty("crm." + k, v.trim());
			}
		});
		return Profile.parse(p, "organization").crm();
	}

	/** The other organizations of a profile's settings ({@code org.ID.*}), by id, each with its values by suffix. */
	public static Map<String, Map<String, String>> others(Map<String, String> settings) {
		Map<String, Map<String, String>> out = new java.util.TreeMap<>();
		settings.forEach((k, v) -> {
			int dot = k.indexOf('.', 4);
			if (k.startsWith("org.") && dot > 4) {
				out.computeIfAbsent(k.substring(4, dot), x -> new java.util.TreeMap<>()).put(k.substring(dot + 1), v);
			}
		});
		return out;
	}

	/**
	 * Signs in (network I/O: off the UI thread).
	 *
	 * @param secret the password or client secret (not needed for device code)
	 * @param tokenCacheKey where secure storage keeps an Entra ID token cache, or null
	 * @param instructions receives the device-code instructions to show the user
	 */
	public static CrmClient connect(CrmConnector connector, Profile.Crm crm, char[] secret, String tokenCacheKey,
			Consumer<String> instructions) throws CrmException {
		CrmAuth auth = switch (crm.auth()) {
			case "password" -> new CrmAuth.Password(crm.tokenEndpoint(), crm.clientId(), crm.user(), secret);
			case "client-credentials" -> new CrmAuth.ClientCredentials(crm.tokenEndpoint(), crm.user(), secret);
			default -> new CrmAuth.EntraDeviceCode(crm.authority(), crm.clientId(), Set.copyOf(crm.scopes()),
					tokenCacheKey, instructions);
		};
		return connector.connect(new CrmEndpoint(crm.serviceRoot(), auth));
	}
}
