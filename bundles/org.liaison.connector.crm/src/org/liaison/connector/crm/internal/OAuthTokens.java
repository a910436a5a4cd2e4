package org.liaison.connector.crm.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmException.Kind;

/**
 * The password and client-credentials grants of RFC 6749 against a token endpoint (the reference
 * server's), with the refresh token kept in memory only and used when the access token runs out.
 */
final class OAuthTokens implements Tokens {

	private final HttpClient http;
	private final ObjectMapper json;
	private final CrmAuth auth;
	private final URI endpoint;
	private final Duration timeout;
	private String access;
	private long expires;
	private String refresh;

	OAuthTokens(HttpClient http, ObjectMapper json, CrmAuth auth, Duration timeout) {
		this.http = http;
		this.json = json;
		this.auth = auth;
		this.timeout = timeout;
		this.endpoint = auth instanceof CrmAuth.Password p ? p.tokenEndpoint()
				: ((CrmAuth.ClientCredentials) auth).tokenEndpoint();
	}

	@Override
	public synchronized String token(boolean forceRefresh) throws CrmException {
		if (!forceRefresh && access != null && System.currentTimeMillis() < expires - 30_000) {
			return access;
		}
		Map<String, String> form = new LinkedHashMap<>();
		if (refresh != null) {
			form.put("grant_type", "refresh_token");
			form.put("refresh_token", refresh);
			if (auth instanceof CrmAuth.Password p && p.clientId() != null) {
				form.put("client_id", p.clientId());
			}
			try {
				return request(form);
			} catch (CrmException e) {
				if (e.kind() != Kind.UNAUTHORIZED) {
					throw e;
				}
				refresh = null; // sign in again with the credentials
			}
			form.clear();
		}
		if (auth instanceof CrmAuth.Password p) {
			form.put("grant_type", "password");
			form.put("username", p.username());
			form.put("password", new String(p.password()));
			if (p.clientId() != null) {
				form.put("client_id", p.clientId());
			}
		} else {
			CrmAuth.ClientCredentials c = (CrmAuth.ClientCredentials) auth;
			form.put("grant_type", "client_credentials");
			form.put("client_id", c.clientId());
			form.put("client_secret", new String(c.clientSecret()));
		}
		return request(form);
	}

	private String request(Map<String, String> form) throws CrmException {
		StringBuilder b = new StringBuilder();
		form.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
				.append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
		HttpRequest req = HttpRequest.newBuilder(endpoint).timeout(timeout)
				.header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(b.toString())).build();
		HttpResponse<byte[]> res;
		try {
			res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
		} catch (IOException e) {
			throw WebApiClient.network("sign in at " + endpoint, e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new CrmException(Kind.NETWORK, "interrupted while signing in", e);
		}
		JsonNode n;
		try {
			n = json.readTree(res.body());
		} catch (IOException e) {
			throw new CrmException(Kind.SERVER, res.statusCode(), null,
					"the token endpoint " + endpoint + " answered " + res.statusCode() + " without JSON", -1, e);
		}
		if (res.statusCode() != 200 || !n.hasNonNull("access_token")) {
			String err = n.path("error").asText("error");
			String desc = n.path("error_description").asText("");
			Kind kind = res.statusCode() == 400 || res.statusCode() == 401 ? Kind.UNAUTHORIZED : Kind.SERVER;
			throw new CrmException(kind, res.statusCode(), err, "Sign-in refused by " + endpoint + ": " + err
					+ (desc.isEmpty() ? "" : " (" + desc + ")"), -1, null);
		}
		access = n.get("access_token").asText();
		expires = System.currentTimeMillis() + n.path("expires_in").asLong(3600) * 1000;
		if (n.hasNonNull("refresh_token")) {
			refresh = n.get("refresh_token").asText();
		}
		return access;
	}
}
