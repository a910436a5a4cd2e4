package org.liaison.api.tracking;

import java.util.List;
import java.util.Optional;

import org.liaison.api.model.RecordRef;
import org.osgi.annotation.versioning.ProviderType;

/** What tracking rules may ask about the CRM and the mail already tracked. */
@ProviderType
public interface TrackingContext {

	/**
	 * The CRM records whose email address is {@code address}, ordered by the reference product's
	 * resolution order of entity sets ({@link AddressResolution#ORDER}), then by id.
	 */
	List<RecordRef> resolve(String address);

	/** The CRM email tracked from the message with this Message-ID, if any. */
	Optional<TrackedEmail> trackedByMessageId(String messageId);

	/** The CRM email that carries this tracking token (e.g. {@code CRM:0001234}), if any. */
	Optional<TrackedEmail> trackedByToken(String token);

	/**
	 * The conversation in the CRM the message belongs to (see {@link Correlation}); the default
	 * looks for the default tracking token, an implementation whose user turned tokens off overrides.
	 */
	default Optional<Correlation> correlate(org.liaison.api.model.EmailMessage message) {
		return Correlation.find(message, this, Correlation.DEFAULT_TOKEN);
	}
}
