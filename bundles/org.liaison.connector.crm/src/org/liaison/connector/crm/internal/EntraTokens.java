package org.liaison.connector.crm.internal;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.CompletionException;

import com.microsoft.aad.msal4j.DeviceCodeFlowParameters;
import com.microsoft.aad.msal4j.IAccount;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.ITokenCacheAccessAspect;
import com.microsoft.aad.msal4j.ITokenCacheAccessContext;
import com.microsoft.aad.msal4j.PublicClientApplication;
import com.microsoft.aad.msal4j.SilentParameters;

import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmException.Kind;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.SecretStoreException;
import org.liaison.api.security.TrustService;

/**
 * Microsoft Entra ID tokens for a real Dynamics 365 organization through MSAL4J: silently from the
 * token cache (kept in secure storage) when it can, else by the device code flow, the user entering
 * the shown code in a browser on any device. TLS to the authority goes through {@link TrustService}
 * (so a pinned self-signed authority, such as the reference server's, is accepted). An authority
 * outside Microsoft's clouds (the reference server) is used as given: no instance discovery, no
 * authority validation.
 */
final class EntraTokens implements Tokens {

	private final CrmAuth.EntraDeviceCode auth;
	private final Set<String> scopes;
	private final PublicClientApplication app;

	EntraTokens(CrmAuth.EntraDeviceCode auth, URI serviceRoot, SecretStore secrets, TrustService trust)
			throws CrmException {
		this.auth = auth;
		this.scopes = auth.scopes().isEmpty()
				? Set.of(serviceRoot.getScheme() + "://" + serviceRoot.getAuthority() + "/.default")
				: auth.scopes();
		try {
			PublicClientApplication.Builder b = PublicClientApplication.builder(auth.clientId()).authority(auth.authority());
			URI authority = URI.create(auth.authority());
			if (!microsoft(authority.getHost())) {
				b.instanceDiscovery(false).validateAuthority(false);
			}
			if (trust != null) {
				int port = authority.getPort() > 0 ? authority.getPort() : 443;
				b.sslSocketFactory(trust.sslContext(authority.getHost(), port).getSocketFactory());
			}
			if (auth.tokenCacheKey() != null && secrets != null) {
				b.setTokenCacheAccessAspect(new SecureCache(secrets, auth.tokenCacheKey()));
			}
			app = b.build();
		} catch (Exception e) {
			throw new CrmException(Kind.UNAUTHORIZED, "cannot set up sign-in with Microsoft Entra ID at "
					+ auth.authority() + ": " + e.getMessage(), e);
		}
	}

	@Override
	public synchronized String token(boolean refresh) throws CrmException {
		try {
			IAuthenticationResult r = null;
			Set<IAccount> accounts = app.getAccounts().join();
			if (!accounts.isEmpty()) {
				// the authority as configured: MSAL's cache keeps its host without the port
				SilentParameters.SilentParametersBuilder sp = SilentParameters.builder(scopes, accounts.iterator().next())
						.authorityUrl(auth.authority());
				if (refresh) {
					sp.forceRefresh(true);
				}
				try {
					r = app.acquireTokenSilently(sp.build()).join();
				} catch (CompletionException | java.net.MalformedURLException silentFailed) {
					r = null; // interaction needed
				}
			}
			if (r == null) {
				r = app.acquireToken(DeviceCodeFlowParameters
						.builder(scopes, code -> auth.instructions().accept(code.message())).build()).join();
			}
			return r.accessToken();
		} catch (CompletionException e) {
			Throwable c = e.getCause() == null ? e : e.getCause();
			throw new CrmException(Kind.UNAUTHORIZED, "Microsoft Entra ID sign-in failed: " + c.getMessage(), c);
		}
	}

	/** Whether a host is one of Microsoft Entra ID's sign-in hosts (public and national clouds). */
	static boolean microsoft(String host) {
		String h = host == null ? "" : host.toLowerCase(java.util.Locale.ROOT);
		return h.endsWith("microsoftonline.com") || h.endsWith("microsoftonline.us") || h.endsWith("chinacloudapi.cn")
				|| h.equals("login.windows.net");
	}

	/** MSAL's token cache, serialized into secure storage (never a plain file). */
	private record SecureCache(SecretStore secrets, String key) implements ITokenCacheAccessAspect {
		@Override
		public void beforeCacheAccess(ITokenCacheAccessContext ctx) {
			try {
				secrets.get(key).ifPresent(c -> ctx.tokenCache().deserialize(new String(c)));
			} catch (SecretStoreException e) {
				// no cache: the user signs in again
			}
		}

		@Override
		public void afterCacheAccess(ITokenCacheAccessContext ctx) {
			if (ctx.hasCacheChanged()) {
				try {
					secrets.put(key, ctx.tokenCache().serialize().toCharArray());
				} catch (SecretStoreException e) {
					// not kept: the next start asks again
				}
			}
		}
	}
}
