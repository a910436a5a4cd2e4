package org.liaison.api.tracking;

import java.util.List;

import org.liaison.api.model.EmailMessage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Decides, with a reason, whether a message is tracked: a message already in the CRM stays one CRM
 * email (another user tracking it is added as a party); a message in a tracked folder is tracked;
 * otherwise the user's tracking option (a {@link TrackingRule} service) decides; a tracked message
 * takes the regarding record of the conversation it belongs to when the rule names none.
 */
@ProviderType
public interface TrackingService {

	TrackingDecision decide(EmailMessage message, TrackingOptions options, TrackingContext context);

	/** The tracking options available now (rule services), in a stable order. */
	List<TrackingRule> rules();
}
