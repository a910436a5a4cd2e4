package org.liaison.api.messaging;

import java.util.List;
import java.util.Map;

import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.SyncReport;

/**
 * What one run did.
 *
 * @param instance the synchronizing-client rule's verdict (nothing else ran when it says no)
 * @param pim the contacts, appointments and tasks pairs' reports
 * @param scanned messages looked at for tracking
 * @param tracked messages newly tracked into the CRM
 * @param joined messages another user had tracked, joined as a party
 * @param untracked messages decided not to be tracked (each with its reason in the store)
 * @param trackingFailed messages that could not be tracked (quarantined with the reason)
 * @param sent outgoing CRM emails sent through SMTP
 * @param sendFailed outgoing emails that could not be sent
 * @param crmRequests requests made to the CRM in the run (each request inside a {@code $batch} counts)
 * @param problems one line per problem the user should know about
 * @param crmHttpCalls HTTP calls made to the CRM in the run (a {@code $batch} is one), or -1 if unknown
 */
public record MessagingReport(InstanceStatus instance, Map<ItemKind, SyncReport> pim, int scanned, int tracked,
		int joined, int untracked, int trackingFailed, int sent, int sendFailed, long crmRequests,
		List<String> problems, long crmHttpCalls) {

	/** A report that does not know the HTTP calls. */
	public MessagingReport(InstanceStatus instance, Map<ItemKind, SyncReport> pim, int scanned, int tracked, int joined,
			int untracked, int trackingFailed, int sent, int sendFailed, long crmRequests, List<String> problems) {
		this(instance, pim, scanned, tracked, joined, untracked, trackingFailed, sent, sendFailed, crmRequests, problems,
				-1);
	}

	public MessagingReport {
		pim = pim == null ? Map.of() : Map.copyOf(pim);
		problems = problems == null ? List.of() : List.copyOf(problems);
	}

	public boolean ok() {
		return problems.isEmpty();
	}
}
