package org.liaison.connector.crm.internal;

import org.liaison.api.crm.CrmConnector;
import org.osgi.service.component.annotations.Component;

/** The CRM connector: the Dynamics 365 Web API over HTTPS. */
@Component(service = CrmConnector.class)
public class WebApiCrmConnector implements CrmConnector {

	@Override
	public String apiPath() {
		return "/api/data/v9.2/";
	}
}
