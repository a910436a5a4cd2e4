package org.liaison.connector.crm.internal;

import java.net.URI;
import java.net.http.HttpClient;

import javax.net.ssl.SSLParameters;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmException;
import org.liaison.api.model.ItemKind;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.TrustService;
import org.liaison.api.sync.ItemCollection;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** The CRM connector: the Dynamics 365 Web API over HTTPS (TLS 1.2+, certificates by {@link TrustService}). */
@Component(service = CrmConnector.class)
public class WebApiCrmConnector implements CrmConnector {

	@Reference
	private TrustService trust;

	@Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
	private volatile SecretStore secrets;

	@Override
	public String apiPath() {
		return "/api/data/v9.2/";
	}

	@Override
	public CrmClient connect(CrmEndpoint endpoint) throws CrmException {
		URI root = endpoint.serviceRoot();
		String scheme = root.getScheme();
		HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(java.time.Duration.ofSeconds(20)).followRedirects(HttpClient.Redirect.NEVER);
		if ("https".equals(scheme)) {
			int port = root.getPort() < 0 ? 443 : root.getPort();
			b.sslContext(trust.sslContext(root.getHost(), port)).sslParameters(new SSLParameters(null, TrustService.PROTOCOLS));
		} else if (!"http".equals(scheme) || !isLoopback(root.getHost())) {
			throw new CrmException(CrmException.Kind.NETWORK, "the CRM must be reached over HTTPS (plain HTTP only to a"
					+ " server on this machine's loopback address): " + root, null);
		}
		HttpClient http = b.build();
		ObjectMapper json = new ObjectMapper();
		Tokens tokens = switch (endpoint.auth()) {
			case CrmAuth.Password p -> new OAuthTokens(http, json, p, endpoint.limits().timeout());
			case CrmAuth.ClientCredentials c -> new OAuthTokens(http, json, c, endpoint.limits().timeout());
			case CrmAuth.EntraDeviceCode d -> new EntraTokens(d, root, secrets, trust);
		};
		WebApiClient client = new WebApiClient(root, http, json, tokens, endpoint.limits());
		try {
			tokens.token(false);
		} catch (CrmException e) {
			client.close();
			throw e;
		}
		return client;
	}

	private static boolean isLoopback(String host) {
		return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
				|| host.equals("::1"));
	}

	@Override
	public ItemCollection items(CrmClient client, ItemKind kind, String syncFilter) {
		return new CrmItemCollection(client, kind, syncFilter);
	}

	@Override
	public org.liaison.api.crm.CrmWrite createWrite(ItemKind kind, java.util.UUID ident,
			org.liaison.api.model.ItemData data) throws org.liaison.api.sync.SyncException {
		return CrmItemCollection.createWrite(new Mapping(kind), ident, data);
	}
}
