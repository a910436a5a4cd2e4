package org.liaison.crm.server.internal;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.liaison.crm.server.internal.Http.Req;
import org.liaison.crm.server.internal.Http.Res;

/**
 * The device code flow (RFC 8628) as Microsoft Entra ID serves it, so that Liaison's Entra sign-in
 * (MSAL4J) runs against the reference server: the authority is {@code https://HOST:PORT/TENANT/}
 * (any tenant name), with {@code TENANT/oauth2/v2.0/devicecode} and {@code TENANT/oauth2/v2.0/token};
 * the user approves a code on {@code /devicelogin} with their user name and password, as they would
 * on Microsoft's page. Codes live in memory for 15 minutes. The ID token is not signed (MSAL reads
 * it only to name the account in its cache; the access token is the server's own opaque token).
 */
final class DeviceLogin {

	/** The page where the user enters the code. */
	static final String PAGE = "/devicelogin";
	private static final long LIFETIME_MILLIS = 15 * 60_000;
	private static final String CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ";

	private static final class Pending {
		final String userCode;
		final String clientId;
		final String scope;
		final long expires = System.currentTimeMillis() + LIFETIME_MILLIS;
		volatile Principal approved;

		Pending(String userCode, String clientId, String scope) {
			this.userCode = userCode;
			this.clientId = clientId;
			this.scope = scope;
		}
	}

	private final Auth auth;
	/** By the SHA-256 of the device code. */
	private final Map<String, Pending> pending = new ConcurrentHashMap<>();

	DeviceLogin(Auth auth) {
		this.auth = auth;
	}

	/** Whether a path is one of an Entra authority's endpoints: {@code /TENANT/oauth2/v2.0/devicecode|token}. */
	static boolean isEndpoint(String rawPath) {
		return rawPath.matches("/[A-Za-z0-9._-]+/oauth2/v2\\.0/(devicecode|token)");
	}

	Res endpoint(Req req, String base) throws SQLException {
		if (!req.method().equals("POST")) {
			return Auth.oauthError(405, "invalid_request", "This endpoint takes POST");
		}
		if (req.path().endsWith("/token")) {
			return auth.token(req);
		}
		Map<String, String> form = Auth.form(req);
		String client = form.get("client_id");
		if (client == null) {
			return Auth.oauthError(400, "invalid_request", "client_id is missing");
		}
		pending.values().removeIf(p -> p.expires < System.currentTimeMillis());
		String deviceCode = auth.newSecret();
		StringBuilder code = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			code.append(i == 4 ? "-" : "").append(CODE_LETTERS.charAt(auth.random().nextInt(CODE_LETTERS.length())));
		}
		String userCode = code.toString();
		pending.put(Auth.sha256(deviceCode), new Pending(userCode, client, form.get("scope")));
		String page = base + PAGE;
		return Http.json(200, Json.write(g -> {
			g.writeStartObject();
			g.writeStringField("device_code", deviceCode);
			g.writeStringField("user_code", userCode);
			g.writeStringField("verification_uri", page);
			g.writeNumberField("expires_in", LIFETIME_MILLIS / 1000);
			g.writeNumberField("interval", 1);
			g.writeStringField("message", "To sign in, open " + page + " and enter the code " + userCode
					+ " to authenticate.");
			g.writeEndObject();
		})).header("Cache-Control", "no-store");
	}

	/** The token grant: pending until the user approved the code, then the tokens, once. */
	Res redeem(Map<String, String> form) throws SQLException {
		String deviceCode = form.get("device_code");
		Pending p = deviceCode == null ? null : pending.get(Auth.sha256(deviceCode));
		if (p == null) {
			return Auth.oauthError(400, "invalid_grant", "The device code is unknown or was used already");
		}
		if (p.expires < System.currentTimeMillis()) {
			pending.remove(Auth.sha256(deviceCode));
			return Auth.oauthError(400, "expired_token", "The device code expired; sign in again");
		}
		Principal who = p.approved;
		if (who == null) {
			return Auth.oauthError(400, "authorization_pending", "The user has not entered the code " + p.userCode
					+ " yet");
		}
		if (pending.remove(Auth.sha256(deviceCode)) == null) {
			return Auth.oauthError(400, "invalid_grant", "The device code was used already");
		}
		String scope = form.get("scope") != null ? form.get("scope") : p.scope;
		return auth.issue(who, p.clientId, true, scope);
	}

	/** The page: GET shows the form, POST (user_code, username, password) approves the code. */
	Res page(Req req) throws SQLException {
		if (req.method().equals("GET")) {
			return html(200, "<form method=\"post\"><p>Enter the code shown by the application, and sign in.</p>"
					+ "<p>Code <input name=\"user_code\"></p><p>User name <input name=\"username\"></p>"
					+ "<p>Password <input name=\"password\" type=\"password\"></p><p><button>Sign in</button></p></form>");
		}
		if (!req.method().equals("POST")) {
			return html(405, "<p>This page takes GET and POST.</p>");
		}
		Map<String, String> form = Auth.form(req);
		String userCode = form.getOrDefault("user_code", "").trim().toUpperCase(java.util.Locale.ROOT);
		Pending p = null;
		for (Pending x : pending.values()) {
			if (x.userCode.equals(userCode) && x.expires >= System.currentTimeMillis()) {
				p = x;
			}
		}
		if (p == null) {
			return html(400, "<p>The code " + escape(userCode) + " is unknown or expired.</p>");
		}
		String user = form.get("username");
		String password = form.get("password");
		if (user == null || password == null) {
			return html(400, "<p>Sign in with your user name and password.</p>");
		}
		Object who = auth.authenticate(user, password.toCharArray());
		if (who instanceof String refused) {
			return html(400, "<p>" + escape(refused) + "</p>");
		}
		p.approved = (Principal) who;
		return html(200, "<p>You are signed in as " + escape(((Principal) who).name())
				+ ". You can close this page and return to the application.</p>");
	}

	/** An ID token as Entra's v2.0 endpoint shapes it, unsigned. */
	static String idToken(Principal who, String clientId) {
		long now = System.currentTimeMillis() / 1000;
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("aud", clientId == null ? "" : clientId);
		claims.put("iss", "https://liaison.invalid/" + TENANT + "/v2.0");
		claims.put("iat", now);
		claims.put("nbf", now);
		claims.put("exp", now + 3600);
		claims.put("oid", who.userId());
		claims.put("sub", who.userId());
		claims.put("tid", TENANT);
		claims.put("preferred_username", who.name());
		claims.put("name", who.name());
		return b64(Json.write(g -> {
			g.writeStartObject();
			g.writeStringField("alg", "none");
			g.writeStringField("typ", "JWT");
			g.writeEndObject();
		})) + "." + b64(Json.write(g -> {
			g.writeStartObject();
			for (Map.Entry<String, Object> c : claims.entrySet()) {
				if (c.getValue() instanceof Long l) {
					g.writeNumberField(c.getKey(), l);
				} else {
					g.writeStringField(c.getKey(), c.getValue().toString());
				}
			}
			g.writeEndObject();
		})) + ".";
	}

	/** Entra's {@code client_info}: the user's id and tenant, from which MSAL names the account. */
	static String clientInfo(Principal who) {
		return b64(Json.write(g -> {
			g.writeStartObject();
			g.writeStringField("uid", who.userId());
			g.writeStringField("utid", TENANT);
			g.writeEndObject();
		}));
	}

	/** The one tenant of the reference server, whatever name the authority gives it. */
	private static final String TENANT = "liaison";

	private static String b64(byte[] b) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
	}

	private static String escape(String s) {
		return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	private static Res html(int status, String body) {
		Map<String, String> h = new LinkedHashMap<>();
		h.put("Content-Type", "text/html; charset=utf-8");
		h.put("Cache-Control", "no-store");
		return new Res(status, h, ("<!DOCTYPE html><html><head><title>Sign in to Liaison's reference CRM</title></head>"
				+ "<body>" + body + "</body></html>").getBytes(StandardCharsets.UTF_8));
	}
}
