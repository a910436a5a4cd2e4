package org.liaison.ui.internal;

import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.e4.core.di.annotations.Creatable;
import org.liaison.api.crm.CrmRecord;

/**
 * The Go Offline state of CRM records as the CRM view shows it. Until the Go Offline service is
 * installed every record is online only.
 */
@Creatable
@Singleton
public class OfflineState {

	/** Each record's offline state, in words (from a Job). */
	public Map<UUID, String> states(Session.Organization org, String entitySet, List<CrmRecord> records) {
		Map<UUID, String> out = new HashMap<>();
		for (CrmRecord r : records) {
			out.put(r.id(), org.synchronizing() ? "online only" : "online only (not the synchronizing org)");
		}
		return out;
	}
}
