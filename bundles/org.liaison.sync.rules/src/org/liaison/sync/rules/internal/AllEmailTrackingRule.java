package org.liaison.sync.rules.internal;

import org.liaison.api.model.EmailMessage;
import org.liaison.api.tracking.TrackingContext;
import org.liaison.api.tracking.TrackingDecision;
import org.liaison.api.tracking.TrackingRule;
import org.osgi.service.component.annotations.Component;

/** Tracking option "all email messages". */
@Component(service = TrackingRule.class)
public class AllEmailTrackingRule implements TrackingRule {

	@Override
	public String id() {
		return "all";
	}

	@Override
	public String label() {
		return "All email messages";
	}

	@Override
	public TrackingDecision decide(EmailMessage message, TrackingContext context) {
		return TrackingDecision.yes(id(), "the tracking option is 'all email messages'", null);
	}
}
