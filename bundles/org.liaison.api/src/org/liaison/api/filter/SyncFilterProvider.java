package org.liaison.api.filter;

import java.util.UUID;

import org.liaison.api.model.ItemKind;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A synchronization filter (CRM to mailbox): which CRM records of a kind appear in the user's
 * mailbox. Providers are services; the highest-ranked provider for a kind is used, so a plug-in can
 * replace the defaults at runtime.
 */
@ConsumerType
public interface SyncFilterProvider {

	/** The kind of item filtered. */
	ItemKind kind();

	/** A name to show (e.g. "My contacts"). */
	String label();

	/**
	 * The OData {@code $filter} expression selecting the records for {@code userId} at this moment.
	 */
	String filter(UUID userId, java.time.Instant now);
}
