package org.liaison.api.offline;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.ConflictResolver.Resolution;
import org.liaison.api.sync.FieldConflict;

/**
 * What happened to an offline change that met a server change: kept so that it can be shown, never
 * settled silently. In {@link FieldConflict}s the server is the CRM side and the offline copy the
 * mailbox side (as in the sync engine's merge): {@code crmValue} is the server's, {@code mailboxValue}
 * the offline one.
 *
 * @param id the store's number
 * @param entity the record's type
 * @param recordId the record
 * @param outboxSeq the offline change it came from
 * @param kind what met what
 * @param fields per field: the value before, the server's and the offline one
 * @param resolutions how each field was settled ({@code TAKE_CRM}: the server's value stayed and the
 *        offline value is kept here; {@code TAKE_MAILBOX}: the offline value was written and the server's
 *        is kept here; {@code DEFER}: waiting for the user)
 * @param policy the policy in force
 * @param state where it is
 * @param note the summary shown to the user
 * @param at when it was found
 * @param settled when it was settled, or null while open
 */
public record OfflineConflict(long id, OfflineEntity entity, UUID recordId, long outboxSeq, Kind kind,
		List<FieldConflict> fields, Map<String, Resolution> resolutions, ConflictPolicy policy, State state, String note,
		Instant at, Instant settled) {

	/** What met what. */
	public enum Kind {
		/** The same fields were changed offline and on the server to different values. */
		FIELDS,
		/** Changed offline, deleted on the server: the record was made again with the offline values. */
		DELETED_ON_SERVER,
		/** Deleted offline, changed on the server: the change wins, the record stays. */
		CHANGED_ON_SERVER
	}

	/** Where a conflict is. */
	public enum State {
		/** Waiting for the user's choice; the record's offline changes wait too. */
		OPEN,
		/** The user chose; the next replay writes the choice. */
		CHOSEN,
		/** Settled by the policy (or by the rule "a change beats a deletion"); the losing values are kept here. */
		SETTLED
	}

	public OfflineConflict {
		Objects.requireNonNull(entity, "entity");
		Objects.requireNonNull(recordId, "recordId");
		fields = fields == null ? List.of() : List.copyOf(fields);
		resolutions = resolutions == null ? Map.of() : Map.copyOf(resolutions);
	}
}
