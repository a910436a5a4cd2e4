package org.liaison.api.offline;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.crm.CrmClient;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One profile's offline copy: filters, the copy itself, offline work (each change kept as an intent in
 * the outbox), and going online (the outbox replayed with If-Match and the 3-way merge). Long work
 * reports progress to the monitor and stops when it is cancelled, leaving a state the next run resumes.
 * <p>
 * Threads: every method may be called from any thread, and from several at once. Reads ({@link #list},
 * {@link #get}, {@link #status}, {@link #outbox}, {@link #conflicts}) run beside long work and see what it has
 * committed so far (a first copy commits page by page); writes wait for one another. The long operations
 * ({@link #preview}, {@link #goOffline}, {@link #refresh}, {@link #goOnline}) talk to the CRM: in the desktop,
 * run them in an Eclipse {@code Job} and pass its monitor (cancel = {@code Job.cancel()}); never on the UI
 * thread. The offline work methods ({@link #create}, {@link #update}, {@link #delete}) touch only the local
 * store and return at once.
 * <p>
 * What a view shows: a record's {@link OfflineRecord#state()} (synced, created, changed, deleted offline),
 * the {@link #outbox} (what waits to be replayed, and failed changes with the reason), and the
 * {@link #conflicts} (per field: the value before, the server's, the offline one), settled field by field
 * with {@link #choose}.
 */
@ProviderType
public interface OfflineCopy extends AutoCloseable {

	String profile();

	// ---- filters

	/** The offline filters, one per record type (the defaults until set). */
	List<OfflineFilter> filters() throws OfflineException;

	/** Sets filters; a type whose filter changed is copied again at the next {@link #goOffline}. */
	void setFilters(List<OfflineFilter> filters) throws OfflineException;

	/** How many records each enabled filter selects now, and about how much room they take. */
	List<FilterPreview> preview(CrmClient client, List<OfflineFilter> filters, IProgressMonitor monitor)
			throws OfflineException;

	// ---- the copy

	/**
	 * Copies the filtered records, with the records they point to, into the store, continuing an
	 * interrupted first copy where it stopped; brings an existing copy up to date by the CRM's change
	 * tracking; then marks the profile offline.
	 */
	CopyReport goOffline(CrmClient client, IProgressMonitor monitor) throws OfflineException;

	/** Brings the copy up to date by the CRM's change tracking (and finishes first copies), while online. */
	CopyReport refresh(CrmClient client, IProgressMonitor monitor) throws OfflineException;

	/** The copy at a glance. */
	OfflineStatus status() throws OfflineException;

	// ---- offline work

	Optional<OfflineRecord> get(OfflineEntity entity, UUID id) throws OfflineException;

	/** Records of a type whose name starts with {@code prefix} (case-insensitive; empty for all), by name. */
	List<OfflineRecord> list(OfflineEntity entity, String prefix, int limit) throws OfflineException;

	/** Records of the copy that a new record with these fields would duplicate (same email; same name and account). */
	List<OfflineRecord> duplicates(OfflineEntity entity, Map<String, String> fields) throws OfflineException;

	/**
	 * Creates a record offline, with an id chosen here (the same id the CRM will have).
	 *
	 * @param evenIfDuplicate create it although {@link #duplicates} finds matches
	 * @throws DuplicateRecordException when it looks like a record in the copy and {@code evenIfDuplicate} is false
	 */
	OfflineRecord create(OfflineEntity entity, Map<String, String> fields, boolean evenIfDuplicate)
			throws OfflineException;

	/** Changes fields of a record offline (a null value clears a field). */
	OfflineRecord update(OfflineEntity entity, UUID id, Map<String, String> changes) throws OfflineException;

	/** Deletes a record offline. */
	void delete(OfflineEntity entity, UUID id) throws OfflineException;

	/** The outbox, oldest first; only what is still to be replayed (pending, waiting, failed) if asked. */
	List<OutboxEntry> outbox(boolean unfinishedOnly) throws OfflineException;

	/** Sends failed changes again at the next replay. */
	int retryFailed() throws OfflineException;

	/** Drops an unfinished change; the record shows the server's copy with the remaining changes on top. */
	void discard(long seq) throws OfflineException;

	// ---- online

	/**
	 * Replays the outbox in order, then (if asked) brings the copy up to date, and marks the profile
	 * online. Stops early, leaving the rest in the outbox, when the CRM throttles beyond the client's
	 * retries, the request budget is spent, the network fails or the monitor is cancelled.
	 */
	ReplayReport goOnline(CrmClient client, ReplayOptions options, IProgressMonitor monitor) throws OfflineException;

	/** Conflicts, newest first; only those waiting for the user if asked. */
	List<OfflineConflict> conflicts(boolean openOnly) throws OfflineException;

	/** Which side to keep for a field of an open conflict. */
	enum Take {
		SERVER, OFFLINE
	}

	/** The user's choice for an open conflict's fields (fields not named keep the server's value); replayed next time. */
	void choose(long conflictId, Map<String, Take> choices) throws OfflineException;

	@Override
	void close() throws OfflineException;
}
