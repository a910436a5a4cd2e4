package org.liaison.sync.rules.internal;

import java.util.List;

import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.tracking.AddressResolution;
import org.liaison.api.tracking.TrackingContext;
import org.liaison.api.tracking.TrackingDecision;
import org.liaison.api.tracking.TrackingRule;

/**
 * Tracking options that look at who sent the message: "from CRM leads, contacts and accounts" and
 * "from any email-enabled record". The sender must resolve to exactly one record of the accepted
 * entity sets; an ambiguous sender is not guessed at.
 */
abstract class FromRecordsTrackingRule implements TrackingRule {

	abstract List<String> acceptedSets();

	abstract String describe();

	@Override
	public TrackingDecision decide(EmailMessage message, TrackingContext context) {
		ActivityParty sender = message.sender();
		if (sender == null || sender.address() == null) {
			return TrackingDecision.no(id(), "the message has no sender address");
		}
		AddressResolution.Result r = AddressResolution.resolve(sender.address(), context);
		if (r.resolved() && acceptedSets().contains(r.record().entitySet())) {
			return TrackingDecision.yes(id(), "the sender " + r.explain() + ", " + describe(), r.record());
		}
		if (r.ambiguous()) {
			return TrackingDecision.no(id(), "the sender " + r.explain() + "; choose the record and track by hand");
		}
		return TrackingDecision.no(id(), r.resolved() ? "the sender " + r.explain() + ", not " + describe()
				: "the sender " + r.explain());
	}
}
