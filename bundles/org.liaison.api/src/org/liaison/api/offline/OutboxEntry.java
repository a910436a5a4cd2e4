package org.liaison.api.offline;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One change made offline, kept as the user's intent until it is replayed: what was done, to which
 * record, on which server version, and each field's value before and after.
 *
 * @param seq its place in the outbox (replayed in this order)
 * @param entity the record's type
 * @param recordId the record
 * @param op what the user did
 * @param baseEtag the server version the change was made on (null for a record created offline)
 * @param changes per field, the value the user saw and the value the user set (null: no value); for a
 *        delete, the record as it was
 * @param state where it is
 * @param note why it failed or waits, or how it was settled
 * @param attempts how many times it was sent
 * @param made when the user made it
 * @param done when its replay ended, or null
 */
public record OutboxEntry(long seq, OfflineEntity entity, UUID recordId, Op op, String baseEtag,
		Map<String, Change> changes, State state, String note, int attempts, Instant made, Instant done) {

	/** What the user did. */
	public enum Op {
		CREATE, UPDATE, DELETE
	}

	/** Where an entry is. */
	public enum State {
		/** Waiting to be replayed. */
		PENDING,
		/** Replayed (written, merged, or found already in the CRM). */
		DONE,
		/** A true conflict waits for the user's choice (policy "ask"); later changes to the record wait too. */
		CONFLICT,
		/** The CRM refused it (the note says why); later changes to the record wait until it is retried or discarded. */
		FAILED
	}

	/** One field's change: the value the user saw, and the value the user set. */
	public record Change(String before, String after) {
	}

	public OutboxEntry {
		Objects.requireNonNull(entity, "entity");
		Objects.requireNonNull(recordId, "recordId");
		Objects.requireNonNull(op, "op");
		changes = changes == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(changes));
	}
}
