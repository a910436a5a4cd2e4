package org.liaison.api.tracking;

import java.util.List;

import org.liaison.api.model.RecordRef;
import org.osgi.annotation.versioning.ProviderType;

/** What a tracking rule may ask about the CRM and the already-tracked mail. */
@ProviderType
public interface TrackingContext {

	/** The CRM records an address resolves to, in resolution order (user, contact, account, lead, ...). */
	List<RecordRef> resolve(String address);

	/** The CRM email already tracked for a Message-ID, or null. */
	RecordRef trackedEmail(String messageId);
}
