package org.liaison.sync.engine.internal;

import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.api.sync.FieldConflict;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The default resolver: does what the policy names. "Newest" compares the two sides' modification
 * times and defers when either is unknown; "ask" always defers to the user.
 */
@Component(service = ConflictResolver.class)
@ServiceRanking(0)
public class PolicyConflictResolver implements ConflictResolver {

	@Override
	public Resolution resolve(FieldConflict c, ConflictPolicy policy) {
		return switch (policy) {
			case CRM_WINS -> Resolution.TAKE_CRM;
			case MAILBOX_WINS -> Resolution.TAKE_MAILBOX;
			case ASK -> Resolution.DEFER;
			case NEWEST -> {
				if (c.crmModified() == null || c.mailboxModified() == null) {
					yield Resolution.DEFER;
				}
				yield c.mailboxModified().isAfter(c.crmModified()) ? Resolution.TAKE_MAILBOX : Resolution.TAKE_CRM;
			}
		};
	}
}
