package org.liaison.crm.server.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.liaison.crm.server.internal.Db.Tx;
import org.liaison.crm.server.internal.Http.Req;
import org.liaison.crm.server.internal.Http.Res;

/**
 * OAuth2 for the reference server: a token endpoint with the password, client-credentials,
 * refresh-token and device-code grants (the last as Microsoft Entra ID speaks it, see
 * {@link DeviceLogin}), opaque bearer tokens checked on every call. Passwords and client secrets are
 * kept only as salted PBKDF2 hashes; refresh tokens only as SHA-256 hashes; access tokens only in
 * memory (a restart signs every client out to its refresh token).
 */
final class Auth {

	static final int ITERATIONS = 120_000;
	private static final int LOCKOUT_FAILURES = 10;
	private static final long LOCKOUT_MILLIS = 60_000;
	private static final long REFRESH_MILLIS = 90L * 24 * 3600 * 1000;

	private record Session(Principal who, long expires) {
	}

	private final Db db;
	private final SecureRandom random = new SecureRandom();
	private final Map<String, Session> sessions = new ConcurrentHashMap<>();
	private final Map<String, long[]> failures = new ConcurrentHashMap<>();
	volatile long accessMillis = 3600_000;
	final DeviceLogin devices = new DeviceLogin(this);

	Auth(Db db) {
		this.db = db;
	}

	static String sha256(String s) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
		} catch (GeneralSecurityException e) {
			throw new IllegalStateException(e);
		}
	}

	static String[] hash(char[] secret, SecureRandom random) {
		byte[] salt = new byte[16];
		random.nextBytes(salt);
		return new String[] { Base64.getEncoder().encodeToString(salt), pbkdf2(secret, salt, ITERATIONS) };
	}

	static String pbkdf2(char[] secret, byte[] salt, int iterations) {
		try {
			PBEKeySpec spec = new PBEKeySpec(secret, salt, iterations, 256);
			byte[] h = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
			spec.clearPassword();
			return Base64.getEncoder().encodeToString(h);
		} catch (GeneralSecurityException e) {
			throw new IllegalStateException(e);
		}
	}

	static boolean verify(char[] secret, String salt, String hash, int iterations) {
		String h = pbkdf2(secret, Base64.getDecoder().decode(salt), iterations);
		return MessageDigest.isEqual(h.getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
	}

	String newSecret() {
		byte[] b = new byte[32];
		random.nextBytes(b);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
	}

	SecureRandom random() {
		return random;
	}

	/** The caller of an API request, or null when the bearer token is missing, unknown or expired. */
	Principal principal(Req req) {
		String h = req.header("Authorization");
		if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		Session s = sessions.get(sha256(h.substring(7).trim()));
		if (s == null) {
			return null;
		}
		if (s.expires < System.currentTimeMillis()) {
			sessions.remove(sha256(h.substring(7).trim()));
			return null;
		}
		return s.who;
	}

	/** Ends every session (tests: tokens expire). */
	void expireAll() {
		sessions.clear();
	}

	Res token(Req req) throws SQLException {
		if (!req.method().equals("POST")) {
			return oauthError(405, "invalid_request", "The token endpoint takes POST");
		}
		String ct = req.header("Content-Type");
		if (ct == null || !ct.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
			return oauthError(400, "invalid_request", "The token request must be application/x-www-form-urlencoded");
		}
		Map<String, String> form = form(req);
		String grant = form.get("grant_type");
		if (grant == null) {
			return oauthError(400, "invalid_request", "grant_type is missing");
		}
		return switch (grant) {
			case "password" -> password(form);
			case "client_credentials" -> clientCredentials(form);
			case "refresh_token" -> refresh(form);
			// MSAL sends the short name, RFC 8628 the URN
			case "device_code", "urn:ietf:params:oauth:grant-type:device_code" -> devices.redeem(form);
			default -> oauthError(400, "unsupported_grant_type", "The grant type '" + grant
					+ "' is not supported (password, client_credentials, refresh_token, device_code)");
		};
	}

	/** An application/x-www-form-urlencoded body. */
	static Map<String, String> form(Req req) {
		Map<String, String> form = new LinkedHashMap<>();
		for (String part : new String(req.body(), StandardCharsets.UTF_8).split("&")) {
			int eq = part.indexOf('=');
			if (eq > 0) {
				form.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
						URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
			}
		}
		return form;
	}

	private Res password(Map<String, String> form) throws SQLException {
		String user = form.get("username");
		String pw = form.get("password");
		if (user == null || pw == null) {
			return oauthError(400, "invalid_request", "The password grant needs username and password");
		}
		Object who = authenticate(user, pw.toCharArray());
		if (who instanceof String refused) {
			return oauthError(400, "invalid_grant", refused);
		}
		return issue((Principal) who, form.get("client_id"), true, form.get("scope"));
	}

	/**
	 * Checks a user's password (with the lockout after repeated failures): the {@link Principal}, or
	 * a sentence saying why not.
	 */
	Object authenticate(String user, char[] pw) throws SQLException {
		String key = user.toLowerCase(java.util.Locale.ROOT);
		long[] f = failures.get(key);
		if (f != null && f[0] >= LOCKOUT_FAILURES && System.currentTimeMillis() - f[1] < LOCKOUT_MILLIS) {
			return "Too many failed sign-ins for " + user + "; try again in a minute";
		}
		Principal who;
		try (Tx tx = db.begin()) {
			who = null;
			try (PreparedStatement ps = tx.c.prepareStatement("SELECT c.userid, c.salt, c.hash, c.iterations, c.isadmin,"
					+ " u.\"isdisabled\", c.username FROM CREDENTIAL c JOIN E_SYSTEMUSER u ON u.\"systemuserid\" = c.userid"
					+ " WHERE LOWER(c.username) = LOWER(?)")) {
				ps.setString(1, user);
				try (ResultSet rs = ps.executeQuery()) {
					if (rs.next() && rs.getString(3) != null
							&& verify(pw, rs.getString(2), rs.getString(3), rs.getInt(4))) {
						if (rs.getBoolean(6)) {
							return "The user " + user + " is disabled";
						}
						who = new Principal(rs.getString(1), rs.getString(7), rs.getBoolean(5));
					}
				}
			}
			tx.commit();
		}
		if (who == null) {
			failures.compute(key, (k, v) -> v == null ? new long[] { 1, System.currentTimeMillis() }
					: new long[] { v[0] + 1, System.currentTimeMillis() });
			return "The user name or password is incorrect";
		}
		failures.remove(key);
		return who;
	}

	private Res clientCredentials(Map<String, String> form) throws SQLException {
		String id = form.get("client_id");
		String secret = form.get("client_secret");
		if (id == null || secret == null) {
			return oauthError(401, "invalid_client", "The client_credentials grant needs client_id and client_secret");
		}
		Principal who = null;
		try (Tx tx = db.begin()) {
			try (PreparedStatement ps = tx.c.prepareStatement("SELECT a.salt, a.hash, a.iterations, a.userid, a.name,"
					+ " c.isadmin FROM APP a LEFT JOIN CREDENTIAL c ON c.userid = a.userid WHERE a.clientid = ?")) {
				ps.setString(1, id);
				try (ResultSet rs = ps.executeQuery()) {
					if (rs.next() && verify(secret.toCharArray(), rs.getString(1), rs.getString(2), rs.getInt(3))) {
						who = new Principal(rs.getString(4), rs.getString(5), rs.getBoolean(6));
					}
				}
			}
			tx.commit();
		}
		if (who == null) {
			return oauthError(401, "invalid_client", "The client id or secret is incorrect");
		}
		return issue(who, id, false, null);
	}

	private Res refresh(Map<String, String> form) throws SQLException {
		String token = form.get("refresh_token");
		if (token == null) {
			return oauthError(400, "invalid_request", "The refresh_token grant needs refresh_token");
		}
		Principal who = null;
		String client = null;
		try (Tx tx = db.begin()) {
			tx.forWrite();
			try (PreparedStatement ps = tx.c.prepareStatement("SELECT r.userid, r.clientid, r.expires, c.isadmin,"
					+ " c.username FROM REFRESH r JOIN CREDENTIAL c ON c.userid = r.userid WHERE r.tokenhash = ?")) {
				ps.setString(1, sha256(token));
				try (ResultSet rs = ps.executeQuery()) {
					if (rs.next() && rs.getLong(3) > System.currentTimeMillis()) {
						who = new Principal(rs.getString(1), rs.getString(5), rs.getBoolean(4));
						client = rs.getString(2);
					}
				}
			}
			// a refresh token is used once: the answer carries a new one
			try (PreparedStatement ps = tx.c.prepareStatement("DELETE FROM REFRESH WHERE tokenhash = ? OR expires < ?")) {
				ps.setString(1, sha256(token));
				ps.setLong(2, System.currentTimeMillis());
				ps.executeUpdate();
			}
			tx.commit();
		}
		if (who == null) {
			return oauthError(400, "invalid_grant", "The refresh token is unknown, used or expired; sign in again");
		}
		return issue(who, client, true, form.get("scope"));
	}

	/**
	 * Issues tokens; a request whose scope asks for {@code openid} (as MSAL's do) also gets an ID token
	 * and Entra's {@code client_info}, from which MSAL keeps the signed-in account.
	 */
	Res issue(Principal who, String clientId, boolean withRefresh, String scope) throws SQLException {
		String access = newSecret();
		sessions.put(sha256(access), new Session(who, System.currentTimeMillis() + accessMillis));
		String refresh = null;
		if (withRefresh) {
			refresh = newSecret();
			try (Tx tx = db.begin()) {
				tx.forWrite();
				try (PreparedStatement ps = tx.c
						.prepareStatement("INSERT INTO REFRESH (tokenhash, userid, clientid, expires) VALUES (?, ?, ?, ?)")) {
					ps.setString(1, sha256(refresh));
					ps.setString(2, who.userId());
					ps.setString(3, clientId);
					ps.setLong(4, System.currentTimeMillis() + REFRESH_MILLIS);
					ps.executeUpdate();
				}
				tx.commit();
			}
		}
		String r = refresh;
		Res res = Http.json(200, Json.write(g -> {
			g.writeStartObject();
			g.writeStringField("token_type", "Bearer");
			g.writeStringField("access_token", access);
			g.writeNumberField("expires_in", accessMillis / 1000);
			if (r != null) {
				g.writeStringField("refresh_token", r);
			}
			if (scope != null && java.util.Arrays.asList(scope.split(" ")).contains("openid")) {
				g.writeStringField("scope", scope);
				g.writeStringField("id_token", DeviceLogin.idToken(who, clientId));
				g.writeStringField("client_info", DeviceLogin.clientInfo(who));
			}
			g.writeEndObject();
		}));
		return res.header("Cache-Control", "no-store");
	}

	static Res oauthError(int status, String error, String description) {
		Res r = Http.json(status, Json.write(g -> {
			g.writeStartObject();
			g.writeStringField("error", error);
			g.writeStringField("error_description", description);
			g.writeEndObject();
		}));
		return r.header("Cache-Control", "no-store");
	}
}
