package org.liaison.ui.wizard.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CRM organizations of a profile as the wizard edits them. The synchronizing one is written as
 * {@code crm.*} (with {@code crm.org} its id and {@code crm.label} its name), the others as
 * {@code org.ID.*} with the same suffixes: they are browsed and edited in the desktop, and no
 * messaging data syncs with them.
 */
final class Organizations {

	static final String[] KEYS = { "label", "url", "auth", "user", "client-id", "token-url", "authority", "scopes" };
	static final String[] AUTHS = { "password", "client-credentials", "device-code" };

	/** One organization's settings (by the suffixes in {@link #KEYS}). */
	static final class Org {
		String id;
		final Map<String, String> values = new LinkedHashMap<>();

		Org(String id) {
			this.id = id;
		}

		String get(String key) {
			return values.getOrDefault(key, "");
		}

		/** What signing in depends on (the auth's default filled in), to tell whether it changed. */
		String connection() {
			return get("url") + "|" + get("user") + "|" + values.getOrDefault("auth", "password") + "|"
					+ get("client-id") + "|" + get("token-url") + "|" + get("authority");
		}

		String label() {
			String l = get("label");
			if (!l.isBlank()) {
				return l;
			}
			try {
				String host = URI.create(get("url")).getHost();
				return host == null ? id : host;
			} catch (IllegalArgumentException e) {
				return id;
			}
		}

		/** What is wrong with it, or null. */
		String problem() {
			String url = get("url");
			if (url.isBlank()) {
				return label() + ": the Web API address is missing";
			}
			URI u;
			try {
				u = URI.create(url);
			} catch (IllegalArgumentException e) {
				return label() + ": not an address: " + url;
			}
			if (u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
				return label() + ": the Web API address starts with https:// (e.g. https://crm.example.com/api/data/v9.2/)";
			}
			if ("http".equals(u.getScheme()) && !loopback(u.getHost())) {
				return label() + ": plain http is allowed only for a server on this computer; use https";
			}
			if (!"device-code".equals(get("auth")) && get("user").isBlank()) {
				return label() + ": the user name is missing";
			}
			if ("device-code".equals(get("auth")) && get("authority").isBlank()) {
				return label() + ": Microsoft Entra ID sign-in needs the authority (e.g. https://login.microsoftonline.com/organizations/)";
			}
			return null;
		}
	}

	static boolean loopback(String host) {
		return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.equals("[::1]");
	}

	private Organizations() {
	}

	/** The organizations in {@code settings}, the synchronizing one first. */
	static List<Org> read(Map<String, String> settings) {
		List<Org> out = new ArrayList<>();
		if (settings.get("crm.url") != null) {
			Org o = new Org(settings.getOrDefault("crm.org", "main"));
			for (String k : KEYS) {
				if (settings.get("crm." + k) != null) {
					o.values.put(k, settings.get("crm." + k));
				}
			}
			out.add(o);
		}
		Map<String, Org> others = new LinkedHashMap<>();
		for (Map.Entry<String, String> e : settings.entrySet()) {
			String k = e.getKey();
			if (k.startsWith("org.") && k.indexOf('.', 4) > 4) {
				String id = k.substring(4, k.indexOf('.', 4));
				if (out.stream().anyMatch(o -> o.id.equals(id))) {
					continue;
				}
				others.computeIfAbsent(id, Org::new).values.put(k.substring(k.indexOf('.', 4) + 1), e.getValue());
			}
		}
		out.addAll(others.values());
		return out;
	}

	/** Writes the organizations: {@code syncId}'s as {@code crm.*}, the others as {@code org.ID.*}. */
	static void write(List<Org> orgs, String syncId, Map<String, String> settings) {
		for (String k : List.copyOf(settings.keySet())) {
			if (k.startsWith("org.") || k.equals("crm.org")
					|| List.of(KEYS).stream().anyMatch(s -> k.equals("crm." + s))) {
				settings.remove(k);
			}
		}
		Org sync = orgs.stream().filter(o -> o.id.equals(syncId)).findFirst().orElse(orgs.isEmpty() ? null : orgs.get(0));
		for (Org o : orgs) {
			String prefix = o == sync ? "crm." : "org." + o.id + ".";
			o.values.forEach((k, v) -> {
				if (v != null && !v.isBlank()) {
					settings.put(prefix + k, v);
				}
			});
		}
		if (sync != null) {
			settings.put("crm.org", sync.id);
		}
	}

	static String newId(List<Org> orgs) {
		for (int i = orgs.isEmpty() ? 1 : 2;; i++) {
			String id = i == 1 ? "main" : "org" + i;
			if (orgs.stream().noneMatch(o -> o.id.equals(id))) {
				return id;
			}
		}
	}
}
