package org.liaison.ui.internal;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.eclipse.e4.core.di.annotations.Creatable;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.offline.OfflineCopy;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineRecord;
import org.liaison.api.offline.OfflineStatus;

/**
 * The Go Offline state of CRM records as the CRM view shows it, from the profile's offline copy
 * ({@code org.liaison.api.offline}): in the copy and in step, changed offline and waiting to be
 * replayed, or online only. Go Offline covers the synchronizing organization only.
 */
@Creatable
@Singleton
public class OfflineState {

	@Inject
	Session session;

	/** Each record's offline state, in words (from a Job). */
	public Map<UUID, String> states(Session.Organization org, String entitySet, List<CrmRecord> records)
			throws Exception {
		Map<UUID, String> out = new HashMap<>();
		Optional<OfflineCopy> copy = org.synchronizing() ? session.offlineCopy() : Optional.empty();
		OfflineEntity entity = copy.isPresent() ? OfflineEntity.of(entitySet) : null;
		for (CrmRecord r : records) {
			String state = !org.synchronizing() ? "not offline (other organization)"
					: copy.isEmpty() ? "online only (Go Offline not installed)"
							: entity == null ? "online only" : state(copy.get().get(entity, r.id()));
			out.put(r.id(), state);
		}
		return out;
	}

	static String state(Optional<OfflineRecord> r) {
		if (r.isEmpty()) {
			return "online only";
		}
		String why = r.get().scope() == OfflineRecord.Scope.REFERENCE ? " (referenced)" : "";
		return switch (r.get().state()) {
			case SYNCED -> "offline copy, in step" + why;
			case CREATED -> "created offline: to replay";
			case CHANGED -> "changed offline: to replay";
			case DELETED -> "deleted offline: to replay";
		};
	}

	/** The copy at a glance, for the CRM view's status (from a Job); null without Go Offline. */
	public String summary() throws Exception {
		Optional<OfflineCopy> copy = session.offlineCopy();
		if (copy.isEmpty()) {
			return null;
		}
		OfflineStatus s = copy.get().status();
		long n = s.records().values().stream().mapToLong(Long::longValue).sum();
		return (s.offline() ? "Offline" : "Online") + "; " + n + " records in the offline copy"
				+ (s.pending() > 0 ? ", " + s.pending() + " changes to replay" : "")
				+ (s.openConflicts() > 0 ? ", " + s.openConflicts() + " offline conflicts" : "");
	}
}
