package org.liaison.connector.dav.internal;

import org.liaison.api.model.ItemKind;
import org.liaison.api.pim.PimConnector;
import org.osgi.service.component.annotations.Component;

/** Contacts over CardDAV, appointments and tasks over CalDAV. */
@Component(service = PimConnector.class)
public class DavPimConnector implements PimConnector {

	@Override
	public String id() {
		return "dav";
	}

	@Override
	public String label() {
		return "CalDAV and CardDAV server";
	}

	@Override
	public boolean supports(ItemKind kind) {
		return kind != ItemKind.EMAIL;
	}
}
