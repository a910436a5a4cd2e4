package org.liaison.api.profile;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.liaison.api.crm.CrmAuth;
import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailProtocol;
import org.liaison.api.mail.MailSecurity;
import org.liaison.api.mail.MailServer;
import org.liaison.api.model.ItemKind;
import org.liaison.api.pim.PimAccount;
import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.FieldDirection;
import org.liaison.api.sync.SyncPolicy;

/**
 * A Liaison profile: one CRM organization, one mailbox, where contacts, calendar and tasks live, and
 * the sync and tracking options. Read from a documented properties file (docs/profile.md); the file
 * never holds a secret: passwords come from Eclipse secure storage under {@link #secretKey(String)}
 * or from environment variables ({@link #ENV}).
 *
 * @param name the profile's name (its store, its secrets)
 * @param crm the CRM organization
 * @param mail the mailbox, or null for none
 * @param pim where contacts, appointments and tasks live: {@code dav} or {@code local}
 * @param dav the CalDAV/CardDAV account when {@code pim} is dav, else null
 * @param interval the sync interval
 * @param kinds the item kinds synchronized CRM-to-mailbox
 * @param filters user-defined sync filters (OData) per kind, replacing the default filter
 * @param policies the sync policy per kind
 * @param trackingOption the automatic tracking option (a tracking rule id)
 * @param trackingToken whether the subject's tracking token correlates replies
 * @param trackedFolders folders tracked as a whole, with the record they set regarding (or null)
 * @param scannedFolders the folders scanned for tracking
 * @param timeout how long a server may keep Liaison waiting for an answer ({@code net.timeout}, in
 *        seconds), for the CRM, the mail and the DAV servers alike; null for each connector's default
 * @param syncEnabled whether this computer syncs messaging data ({@code sync.enabled}): false when the
 *        user kept another computer as the synchronizing client; the CRM and Go Offline still work
 */
public record Profile(String name, Crm crm, MailAccount mail, String pim, PimAccount dav, Duration interval,
		List<ItemKind> kinds, Map<ItemKind, String> filters, Map<ItemKind, SyncPolicy> policies, String trackingOption,
		boolean trackingToken, Map<String, String> trackedFolders, List<String> scannedFolders, Duration timeout,
		boolean syncEnabled) {

	/** A profile of the synchronizing computer. */
	public Profile(String name, Crm crm, MailAccount mail, String pim, PimAccount dav, Duration interval,
			List<ItemKind> kinds, Map<ItemKind, String> filters, Map<ItemKind, SyncPolicy> policies,
			String trackingOption, boolean trackingToken, Map<String, String> trackedFolders,
			List<String> scannedFolders, Duration timeout) {
		this(name, crm, mail, pim, dav, interval, kinds, filters, policies, trackingOption, trackingToken,
				trackedFolders, scannedFolders, timeout, true);
	}

	/** A profile with the connectors' default timeouts. */
	public Profile(String name, Crm crm, MailAccount mail, String pim, PimAccount dav, Duration interval,
			List<ItemKind> kinds, Map<ItemKind, String> filters, Map<ItemKind, SyncPolicy> policies,
			String trackingOption, boolean trackingToken, Map<String, String> trackedFolders,
			List<String> scannedFolders) {
		this(name, crm, mail, pim, dav, interval, kinds, filters, policies, trackingOption, trackingToken,
				trackedFolders, scannedFolders, null, true);
	}

	/** Environment variables that may carry the secrets instead of secure storage. */
	public static final Map<String, String> ENV = Map.of("crm", "LIAISON_CRM_PASSWORD", "mail", "LIAISON_MAIL_PASSWORD",
			"smtp", "LIAISON_SMTP_PASSWORD", "dav", "LIAISON_DAV_PASSWORD");

	/**
	 * The CRM organization.
	 *
	 * @param serviceRoot the Web API root, e.g. {@code https://host:8443/api/data/v9.2/}
	 * @param auth password, client-credentials or device-code
	 * @param user the user name (password grant) or client id (client credentials)
	 * @param clientId the OAuth client id
	 * @param tokenEndpoint the OAuth2 token endpoint (password and client credentials)
	 * @param authority the Entra ID authority (device code)
	 * @param scopes the Entra ID scopes (device code)
	 */
	public record Crm(URI serviceRoot, String auth, String user, String clientId, URI tokenEndpoint, String authority,
			List<String> scopes) {
	}

	/** The secure storage key of one of the profile's secrets ({@code crm}, {@code mail}, {@code smtp}, {@code dav}). */
	public String secretKey(String which) {
		return "profiles/" + name + "/" + which + "/password";
	}

	/** Whether the CRM auth needs a secret from the user (a password or client secret). */
	public boolean crmNeedsSecret() {
		return !"device-code".equals(crm.auth());
	}

	/** Reads a profile file. */
	public static Profile load(Path file) throws IOException {
		Properties p = new Properties();
		try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			p.load(r);
		}
		try {
			return parse(p, file.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
		} catch (IllegalArgumentException e) {
			throw new IOException(file + ": " + e.getMessage(), e);
		}
	}

	/** Builds a profile from properties; {@code defaultName} is used when {@code name} is missing. */
	public static Profile parse(Properties p, String defaultName) {
		for (String k : p.stringPropertyNames()) {
			String lk = k.toLowerCase(Locale.ROOT);
			if (lk.endsWith("password") || lk.endsWith("secret")) {
				throw new IllegalArgumentException("a profile file holds no secret (" + k
						+ "): put it in secure storage or the environment (" + ENV.values() + ")");
			}
		}
		String name = p.getProperty("name", defaultName).trim();
		if (!name.matches("[A-Za-z0-9._-]+")) {
			throw new IllegalArgumentException("name may hold letters, digits, '.', '_' and '-' only: " + name);
		}
		URI root = URI.create(required(p, "crm.url"));
		String auth = p.getProperty("crm.auth", "password").trim();
		if (!List.of("password", "client-credentials", "device-code").contains(auth)) {
			throw new IllegalArgumentException("crm.auth is password, client-credentials or device-code, not " + auth);
		}
		URI token = p.getProperty("crm.token-url") != null ? URI.create(p.getProperty("crm.token-url").trim())
				: root.resolve("/oauth2/token");
		Crm crm = new Crm(root, auth, p.getProperty("crm.user"), p.getProperty("crm.client-id", "liaison"), token,
				p.getProperty("crm.authority"), list(p.getProperty("crm.scopes", "")));
		if (!"device-code".equals(auth) && crm.user() == null) {
			throw new IllegalArgumentException("crm.user is missing");
		}

		Profile draft = new Profile(name, crm, null, null, null, null, null, null, null, null, false, null, null);
		String t = p.getProperty("net.timeout");
		Duration timeout = t == null || t.isBlank() ? null : Duration.ofSeconds(Long.parseLong(t.trim()));
		if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
			throw new IllegalArgumentException("net.timeout is a number of seconds above 0, not " + t);
		}
		MailAccount mail = null;
		String protocol = p.getProperty("mail.protocol", "none").trim().toLowerCase(Locale.ROOT);
		if (!protocol.equals("none")) {
			MailServer incoming = server(p, "mail", draft.secretKey("mail"), protocol.equals("pop3") ? 995 : 993);
			MailServer smtp = p.getProperty("smtp.host") == null ? null
					: server(p, "smtp", draft.secretKey("smtp"), 587);
			String address = required(p, "mail.address");
			mail = switch (protocol) {
				case "imap" -> MailAccount.imap(name, incoming, smtp, address)
						.withSentFolder(p.getProperty("mail.sent-folder", "Sent"));
				case "pop3" -> MailAccount.pop3(name, incoming, smtp, address,
						Boolean.parseBoolean(p.getProperty("mail.leave-on-server", "true")));
				default -> throw new IllegalArgumentException("mail.protocol is imap, pop3 or none, not " + protocol);
			};
			if (mail.protocol() != MailProtocol.IMAP && mail.protocol() != MailProtocol.POP3) {
				throw new IllegalStateException();
			}
			if (timeout != null) {
				mail = mail.withTimeout(timeout);
			}
		}
		String pim = p.getProperty("pim", "local").trim();
		PimAccount dav = null;
		if (pim.equals("dav")) {
			dav = new PimAccount(name, URI.create(required(p, "dav.url")), p.getProperty("dav.user"),
					draft.secretKey("dav"), timeout);
		} else if (!pim.equals("local")) {
			throw new IllegalArgumentException("pim is dav or local, not " + pim);
		}
		Duration interval = Duration.ofMinutes(Long.parseLong(p.getProperty("sync.interval", "15").trim()));
		List<ItemKind> kinds = new ArrayList<>();
		for (String k : list(p.getProperty("sync.kinds", "contacts,appointments,tasks"))) {
			kinds.add(kind(k));
		}
		Map<ItemKind, String> filters = new EnumMap<>(ItemKind.class);
		Map<ItemKind, SyncPolicy> policies = new EnumMap<>(ItemKind.class);
		for (ItemKind k : ItemKind.values()) {
			String f = p.getProperty("filter." + k.entitySet());
			if (f != null && !f.isBlank()) {
				filters.put(k, f.trim());
			}
			policies.put(k, policy(p, k));
		}
		Map<String, String> tracked = new LinkedHashMap<>();
		for (String k : p.stringPropertyNames()) {
			if (k.startsWith("tracking.folder.")) {
				String v = p.getProperty(k).trim();
				tracked.put(k.substring("tracking.folder.".length()), v.isEmpty() ? null : v);
			}
		}
		return new Profile(name, crm, mail, pim, dav, interval, List.copyOf(kinds), filters, policies,
				p.getProperty("tracking.option", "replies").trim(),
				Boolean.parseBoolean(p.getProperty("tracking.token", "true")), tracked,
				list(p.getProperty("mail.folders", "INBOX")), timeout,
				!"false".equalsIgnoreCase(p.getProperty("sync.enabled", "").trim()));
	}

	/** The CRM auth with the secret filled in. */
	public CrmAuth crmAuth(char[] secret) {
		return switch (crm.auth()) {
			case "password" -> new CrmAuth.Password(crm.tokenEndpoint(), crm.clientId(), crm.user(), secret);
			case "client-credentials" -> new CrmAuth.ClientCredentials(crm.tokenEndpoint(), crm.user(), secret);
			default -> throw new IllegalStateException("device-code sign-in is made by the CRM connector");
		};
	}

	private static SyncPolicy policy(Properties p, ItemKind k) {
		SyncPolicy d = SyncPolicy.defaults();
		String prefix = k.entitySet();
		ConflictPolicy conflicts = ConflictPolicy
				.valueOf(p.getProperty("conflict." + prefix, d.conflicts().name()).trim().toUpperCase(Locale.ROOT));
		Map<String, FieldDirection> directions = new LinkedHashMap<>();
		for (String key : p.stringPropertyNames()) {
			if (key.startsWith("direction." + prefix + ".")) {
				directions.put(key.substring(("direction." + prefix + ".").length()), FieldDirection
						.valueOf(p.getProperty(key).trim().toUpperCase(Locale.ROOT).replace('-', '_')));
			}
		}
		double share = Double.parseDouble(p.getProperty("delete-brake.share", Double.toString(d.deleteBrakeShare())));
		int count = Integer.parseInt(p.getProperty("delete-brake.count", Integer.toString(d.deleteBrakeCount())));
		return new SyncPolicy(conflicts, d.defaultDirection(), directions, share, count, d.mailboxDeletesReachCrm());
	}

	private static MailServer server(Properties p, String prefix, String secretKey, int defaultPort) {
		MailSecurity security = MailSecurity.valueOf(
				p.getProperty(prefix + ".security", "TLS").trim().toUpperCase(Locale.ROOT).replace('-', '_'));
		return new MailServer(required(p, prefix + ".host"),
				Integer.parseInt(p.getProperty(prefix + ".port", Integer.toString(defaultPort)).trim()), security,
				p.getProperty(prefix + ".user"), secretKey);
	}

	static ItemKind kind(String entitySet) {
		for (ItemKind k : ItemKind.values()) {
			if (k.entitySet().equals(entitySet.trim())) {
				return k;
			}
		}
		throw new IllegalArgumentException("not a kind of item: " + entitySet + " (contacts, appointments, tasks)");
	}

	private static String required(Properties p, String key) {
		String v = p.getProperty(key);
		if (v == null || v.isBlank()) {
			throw new IllegalArgumentException(key + " is missing");
		}
		return v.trim();
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
