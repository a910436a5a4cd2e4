package org.liaison.sync.rules.internal;

import org.liaison.api.model.EmailMessage;
import org.liaison.api.tracking.TrackingContext;
import org.liaison.api.tracking.TrackingDecision;
import org.liaison.api.tracking.TrackingRule;
import org.osgi.service.component.annotations.Component;

/** Tracking option "no email": nothing is tracked automatically. */
@Component(service = TrackingRule.class)
public class NoTrackingRule implements TrackingRule {

	@Override
	public String id() {
		return "none";
	}

	@Override
	public String label() {
		return "No email messages";
	}

	@Override
	public TrackingDecision decide(EmailMessage message, TrackingContext context) {
		return TrackingDecision.no(id(), "automatic tracking is off; track by hand");
	}
}
