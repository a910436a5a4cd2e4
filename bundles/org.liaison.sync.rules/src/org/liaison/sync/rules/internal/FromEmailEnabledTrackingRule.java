package org.liaison.sync.rules.internal;

import java.util.List;

import org.liaison.api.tracking.AddressResolution;
import org.liaison.api.tracking.TrackingRule;
import org.osgi.service.component.annotations.Component;

/** Tracking option "email messages from CRM records that are email enabled". */
@Component(service = TrackingRule.class)
public class FromEmailEnabledTrackingRule extends FromRecordsTrackingRule {

	@Override
	public String id() {
		return "from-email-enabled";
	}

	@Override
	public String label() {
		return "Email messages from CRM records that are email enabled";
	}

	@Override
	List<String> acceptedSets() {
		return AddressResolution.ORDER;
	}

	@Override
	String describe() {
		return "an email-enabled CRM record";
	}
}
