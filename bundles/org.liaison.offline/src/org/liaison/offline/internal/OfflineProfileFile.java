package org.liaison.offline.internal;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

import org.liaison.api.crm.CrmAuth;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineFilter;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.SecretStoreException;
import org.liaison.api.sync.ConflictPolicy;

/**
 * The few profile keys {@code ./liaison offline} needs, read from a Java properties file. The keys are
 * those of the shared profile format ({@code name}, {@code crm.*}) plus Go Offline's own
 * ({@code offline.*}); this class is the one place that reads them, so that it can hand over to the shared
 * profile model when that lands. The file never holds a secret: the CRM password (or client secret)
 * comes from secure storage ({@code profiles/NAME/crm/password}) or the environment
 * ({@code LIAISON_CRM_PASSWORD}).
 *
 * <pre>
 * name = work                      # the profile (its store and its secrets); default: the file's name
 * crm.url = https://host:8443/api/data/v9.2/
 * crm.auth = password              # password | client-credentials | device-code
 * crm.user = alice                 # the user (password) or client id (client credentials)
 * crm.client-id = liaison          # the OAuth client id (password, device code)
 * crm.token-url = https://...      # default: /oauth2/token on the CRM's host
 * crm.authority = https://login.microsoftonline.com/organizations/   # device code
 * crm.scopes = https://org.crm.dynamics.com/user_impersonation      # device code
 * offline.types = accounts,contacts,leads,opportunities,emails,appointments,tasks
 * offline.filter.contacts = _ownerid_value eq {me} and statecode eq 0   # default: like the reference product
 * offline.conflicts = crm-wins     # crm-wins | offline-wins | newest | ask
 * offline.batch = 100              # offline changes per $batch when going online
 * </pre>
 */
final class OfflineProfileFile {

	/** The environment variable that may carry the CRM secret instead of secure storage. */
	static final String ENV = "LIAISON_CRM_PASSWORD";

	final String name;
	final URI serviceRoot;
	final String auth;
	final String user;
	final String clientId;
	final URI tokenEndpoint;
	final String authority;
	final List<String> scopes;
	final List<OfflineFilter> filters;
	final ConflictPolicy conflicts;
	final int batch;

	private OfflineProfileFile(Properties p, String defaultName) {
		for (String k : p.stringPropertyNames()) {
			String lk = k.toLowerCase(Locale.ROOT);
			if (lk.endsWith("password") || lk.endsWith("secret")) {
				throw new IllegalArgumentException("a profile file holds no secret (" + k + "): put it in secure storage"
						+ " or the environment (" + ENV + ")");
			}
		}
		name = p.getProperty("name", defaultName).trim();
		if (!name.matches("[A-Za-z0-9._-]+")) {
			throw new IllegalArgumentException("name may hold letters, digits, '.', '_' and '-' only: " + name);
		}
		String url = p.getProperty("crm.url");
		if (url == null || url.isBlank()) {
			throw new IllegalArgumentException("crm.url is missing (the Web API root, e.g. https://host:8443/api/data/v9.2/)");
		}
		serviceRoot = URI.create(url.trim());
		auth = p.getProperty("crm.auth", "password").trim();
		if (!List.of("password", "client-credentials", "device-code").contains(auth)) {
			throw new IllegalArgumentException("crm.auth is password, client-credentials or device-code, not " + auth);
		}
		user = p.getProperty("crm.user") == null ? null : p.getProperty("crm.user").trim();
		if (!auth.equals("device-code") && user == null) {
			throw new IllegalArgumentException("crm.user is missing");
		}
		clientId = p.getProperty("crm.client-id", "liaison").trim();
		tokenEndpoint = p.getProperty("crm.token-url") != null ? URI.create(p.getProperty("crm.token-url").trim())
				: serviceRoot.resolve("/oauth2/token");
		authority = p.getProperty("crm.authority", "https://login.microsoftonline.com/organizations/").trim();
		scopes = list(p.getProperty("crm.scopes", ""));
		Set<OfflineEntity> types = new LinkedHashSet<>();
		for (String s : list(p.getProperty("offline.types", "accounts,contacts,leads,opportunities,emails,appointments,tasks"))) {
			OfflineEntity e = OfflineEntity.of(s);
			if (e == null) {
				throw new IllegalArgumentException("offline.types: not a record type that goes offline: " + s + " (one of "
						+ Arrays.stream(OfflineEntity.values()).map(OfflineEntity::entitySet).toList() + ")");
			}
			types.add(e);
		}
		filters = new ArrayList<>();
		for (OfflineEntity e : OfflineEntity.values()) {
			String f = p.getProperty("offline.filter." + e.entitySet());
			filters.add(new OfflineFilter(e, types.contains(e), f == null ? OfflineFilter.defaultFilter(e) : f));
		}
		conflicts = switch (p.getProperty("offline.conflicts", "crm-wins").trim().toLowerCase(Locale.ROOT)) {
			case "crm-wins", "server-wins" -> ConflictPolicy.CRM_WINS;
			case "offline-wins" -> ConflictPolicy.MAILBOX_WINS;
			case "newest" -> ConflictPolicy.NEWEST;
			case "ask" -> ConflictPolicy.ASK;
			default -> throw new IllegalArgumentException("offline.conflicts is crm-wins, offline-wins, newest or ask, not "
					+ p.getProperty("offline.conflicts"));
		};
		batch = Integer.parseInt(p.getProperty("offline.batch", "100").trim());
	}

	static OfflineProfileFile load(Path file) throws IOException {
		Properties p = new Properties();
		try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			p.load(r);
		}
		try {
			return new OfflineProfileFile(p, file.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
		} catch (IllegalArgumentException e) {
			throw new IOException(file + ": " + e.getMessage(), e);
		}
	}

	/** The secure storage key of the CRM secret. */
	String secretKey() {
		return "profiles/" + name + "/crm/password";
	}

	/** How to sign in, with the secret from the environment or secure storage. */
	CrmAuth crmAuth(SecretStore secrets, Consumer<String> instructions) throws IOException {
		if (auth.equals("device-code")) {
			return new CrmAuth.EntraDeviceCode(authority, clientId, Set.copyOf(scopes), "profiles/" + name + "/crm/tokencache",
					instructions);
		}
		char[] secret = secret(secrets);
		return auth.equals("password") ? new CrmAuth.Password(tokenEndpoint, clientId, user, secret)
				: new CrmAuth.ClientCredentials(tokenEndpoint, user, secret);
	}

	private char[] secret(SecretStore secrets) throws IOException {
		String env = System.getenv(ENV);
		if (env != null && !env.isEmpty()) {
			return env.toCharArray();
		}
		try {
			Optional<char[]> s = secrets.get(secretKey());
			if (s.isPresent()) {
				return s.get();
			}
		} catch (SecretStoreException e) {
			throw new IOException("the CRM password of profile " + name + " is in secure storage, which is locked: "
					+ e.getMessage(), e);
		}
		throw new IOException("no CRM password for profile " + name + ": set " + ENV + " or put it in secure storage under "
				+ secretKey());
	}

	private static List<String> list(String v) {
		List<String> out = new ArrayList<>();
		for (String s : v.split(",")) {
			if (!s.isBlank()) {
				out.add(s.trim());
			}
		}
		return out;
	}
}
