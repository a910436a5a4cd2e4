package org.liaison.sync.rules.internal;

import org.liaison.api.model.EmailMessage;
import org.liaison.api.tracking.TrackingContext;
import org.liaison.api.tracking.TrackingDecision;
import org.liaison.api.tracking.TrackingRule;
import org.osgi.service.component.annotations.Component;

/** Tracking option "email messages in response to CRM email". */
@Component(service = TrackingRule.class)
public class RepliesTrackingRule implements TrackingRule {

	@Override
	public String id() {
		return "replies";
	}

	@Override
	public String label() {
		return "Email messages in response to CRM email";
	}

	@Override
	public TrackingDecision decide(EmailMessage message, TrackingContext context) {
		return context.correlate(message)
				.map(c -> TrackingDecision.yes(id(), "it responds to CRM email: " + c.how(), c.email().regarding()))
				.orElseGet(() -> TrackingDecision.no(id(),
						"it does not respond to a tracked email (no tracked In-Reply-To, References or token)"));
	}
}
