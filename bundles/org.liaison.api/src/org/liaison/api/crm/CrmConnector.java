package org.liaison.api.crm;

import org.osgi.annotation.versioning.ProviderType;

/** The CRM side, in the Dynamics 365 Web API dialect (OData v4 JSON over HTTPS). */
@ProviderType
public interface CrmConnector {

	/** The Web API version path this connector speaks, e.g. {@code /api/data/v9.2/}. */
	String apiPath();
}
