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
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.SecretStoreException;
import org.liaison.api.sync.ConflictPolicy;

/**
 * What {@code ./liaison offline} reads from a profile file: the shared profile ({@link Profile}: {@code name},
 * {@code crm.*}, see docs/profile.md) plus Go Offline's own keys ({@code offline.*}). The file never holds
 * a secret: the CRM password (or client secret) comes from the environment ({@code LIAISON_CRM_PASSWORD})
 * or secure storage ({@code profiles/NAME/crm/password}).
 *
 * <pre>
 * offline.types = accounts,contacts,leads,opportunities,emails,appointments,tasks
 * offline.filter.contacts = _ownerid_value eq {me} and statecode eq 0   # default: like the reference product
 * offline.conflicts = crm-wins     # crm-wins | offline-wins | newest | ask
 * offline.batch = 100              # offline changes per $batch when going online
 * </pre>
 */
final class OfflineProfileFile {

	private static final String AUTHORITY = "https://login.microsoftonline.com/organizations/";

	final Profile profile;
	final String name;
	final URI serviceRoot;
	final List<OfflineFilter> filters;
	final ConflictPolicy conflicts;
	final int batch;

	private OfflineProfileFile(Properties p, String defaultName) {
		profile = Profile.parse(p, defaultName);
		name = profile.name();
		serviceRoot = profile.crm().serviceRoot();
		Set<OfflineEntity> types = new LinkedHashSet<>();
		for (String s : p.getProperty("offline.types", "accounts,contacts,leads,opportunities,emails,appointments,tasks")
				.split(",")) {
			if (s.isBlank()) {
				continue;
			}
			OfflineEntity e = OfflineEntity.of(s);
			if (e == null) {
				throw new IllegalArgumentException("offline.types: not a record type that goes offline: " + s.trim()
						+ " (one of " + Arrays.stream(OfflineEntity.values()).map(OfflineEntity::entitySet).toList() + ")");
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

	/** How to sign in, with the secret from the environment or secure storage. */
	CrmAuth crmAuth(SecretStore secrets, Consumer<String> instructions) throws IOException {
		Profile.Crm crm = profile.crm();
		if (!profile.crmNeedsSecret()) {
			return new CrmAuth.EntraDeviceCode(crm.authority() == null ? AUTHORITY : crm.authority(), crm.clientId(),
					Set.copyOf(crm.scopes()), "profiles/" + name + "/crm/tokencache", instructions);
		}
		return profile.crmAuth(secret(secrets));
	}

	private char[] secret(SecretStore secrets) throws IOException {
		String var = Profile.ENV.get("crm");
		String env = System.getenv(var);
		if (env != null && !env.isEmpty()) {
			return env.toCharArray();
		}
		String key = profile.secretKey("crm");
		try {
			Optional<char[]> s = secrets.get(key);
			if (s.isPresent()) {
				return s.get();
			}
		} catch (SecretStoreException e) {
			throw new IOException("the CRM password of profile " + name + " is in secure storage, which is locked: "
					+ e.getMessage(), e);
		}
		throw new IOException("no CRM password for profile " + name + ": set " + var + " or put it in secure storage under "
				+ key + " (./liaison sync --profile FILE --set-secret crm)");
	}
}
