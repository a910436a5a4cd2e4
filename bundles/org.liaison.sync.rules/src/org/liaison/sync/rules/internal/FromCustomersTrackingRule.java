package org.liaison.sync.rules.internal;

import java.util.List;

import org.liaison.api.tracking.AddressResolution;
import org.liaison.api.tracking.TrackingRule;
import org.osgi.service.component.annotations.Component;

/** Tracking option "email messages from CRM leads, contacts and accounts". */
@Component(service = TrackingRule.class)
public class FromCustomersTrackingRule extends FromRecordsTrackingRule {

	@Override
	public String id() {
		return "from-crm-customers";
	}

	@Override
	public String label() {
		return "Email messages from CRM leads, contacts and accounts";
	}

	@Override
	List<String> acceptedSets() {
		return AddressResolution.CUSTOMER_SETS;
	}

	@Override
	String describe() {
		return "a lead, contact or account";
	}
}
