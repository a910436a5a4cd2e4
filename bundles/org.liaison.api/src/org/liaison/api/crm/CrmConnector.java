package org.liaison.api.crm;

import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.ItemCollection;
import org.osgi.annotation.versioning.ProviderType;

/** The CRM side, in the Dynamics 365 Web API dialect (OData v4 JSON over HTTPS). */
@ProviderType
public interface CrmConnector {

	/** The Web API version path this connector speaks, e.g. {@code /api/data/v9.2/}. */
	String apiPath();

	/**
	 * Signs in to an organization (the reference server or Dynamics 365) and returns a client for it.
	 *
	 * @throws CrmException when the organization cannot be reached or refuses the credentials
	 */
	CrmClient connect(CrmEndpoint endpoint) throws CrmException;

	/**
	 * The sync engine's view of one kind of CRM record under a synchronization filter: contacts,
	 * appointments, tasks or emails. Records are identified by their CRM id, which is also the item's
	 * ident; creates use that id, so that a repeated create finds the record instead of duplicating it.
	 *
	 * @param client a signed-in client
	 * @param kind which records
	 * @param syncFilter the OData {@code $filter} selecting the records (a {@code SyncFilterProvider}'s), or
	 *        null for every record the user can read
	 */
	ItemCollection items(CrmClient client, ItemKind kind, String syncFilter);

	/**
	 * The write that creates an item of {@code kind} with the client-chosen id {@code ident}
	 * (PATCH-upsert with If-None-Match: *), mapped exactly as {@link #items} maps it, for callers that
	 * send many creates in one {@code $batch} (tracking mail in bulk).
	 *
	 * @throws org.liaison.api.sync.ItemRejectedException when the item cannot be mapped
	 */
	default CrmWrite createWrite(ItemKind kind, java.util.UUID ident, org.liaison.api.model.ItemData data)
			throws org.liaison.api.sync.SyncException {
		throw new UnsupportedOperationException("this CRM connector has no bulk creates");
	}
}
