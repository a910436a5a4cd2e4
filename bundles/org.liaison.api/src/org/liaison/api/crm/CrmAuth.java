package org.liaison.api.crm;

import java.net.URI;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How the connector gets OAuth2 bearer tokens. Secrets are passed as char arrays read from secure
 * storage by the caller; the connector keeps them only in memory.
 */
public sealed interface CrmAuth {

	/** The resource owner password grant (the reference server). */
	record Password(URI tokenEndpoint, String clientId, String username, char[] password) implements CrmAuth {
		public Password {
			Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
			Objects.requireNonNull(username, "username");
			Objects.requireNonNull(password, "password");
		}

		@Override
		public String toString() {
			return "Password[" + username + " at " + tokenEndpoint + "]";
		}
	}

	/** The client credentials grant: an application acting as its application user. */
	record ClientCredentials(URI tokenEndpoint, String clientId, char[] clientSecret) implements CrmAuth {
		public ClientCredentials {
			Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
			Objects.requireNonNull(clientId, "clientId");
			Objects.requireNonNull(clientSecret, "clientSecret");
		}

		@Override
		public String toString() {
			return "ClientCredentials[" + clientId + " at " + tokenEndpoint + "]";
		}
	}

	/**
	 * Microsoft Entra ID (a real Dynamics 365 organization) with the device code flow, through MSAL4J.
	 * The user opens the URL shown by {@code instructions} and enters the code there; later sign-ins use the
	 * token cache, kept in secure storage under {@code tokenCacheKey}.
	 *
	 * @param authority e.g. {@code https://login.microsoftonline.com/organizations/}
	 * @param clientId the application (public client) registered in Entra ID
	 * @param scopes e.g. {@code https://contoso.crm.dynamics.com/user_impersonation}; empty: the
	 *        organization's {@code /.default}
	 * @param tokenCacheKey secure storage key of the token cache, or null for none
	 * @param instructions receives the message telling the user where to enter which code
	 */
	record EntraDeviceCode(String authority, String clientId, Set<String> scopes, String tokenCacheKey,
			Consumer<String> instructions) implements CrmAuth {
		public EntraDeviceCode {
			Objects.requireNonNull(authority, "authority");
			Objects.requireNonNull(clientId, "clientId");
			scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
			Objects.requireNonNull(instructions, "instructions");
		}
	}
}
