package org.liaison.api.crm;

import java.net.URI;
import java.util.Objects;

/**
 * Where and how to reach a CRM organization.
 *
 * @param serviceRoot the Web API root, e.g. {@code https://contoso.crm.dynamics.com/api/data/v9.2/}
 * @param auth how to get tokens
 * @param limits retries, budget, paging
 */
public record CrmEndpoint(URI serviceRoot, CrmAuth auth, CrmLimits limits) {
	public CrmEndpoint {
		Objects.requireNonNull(serviceRoot, "serviceRoot");
		Objects.requireNonNull(auth, "auth");
		limits = limits == null ? CrmLimits.defaults() : limits;
		if (!serviceRoot.toString().endsWith("/")) {
			serviceRoot = URI.create(serviceRoot + "/");
		}
	}

	public CrmEndpoint(URI serviceRoot, CrmAuth auth) {
		this(serviceRoot, auth, null);
	}
}
