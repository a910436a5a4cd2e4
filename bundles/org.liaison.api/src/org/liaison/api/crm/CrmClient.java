package org.liaison.api.crm;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import org.eclipse.core.runtime.IProgressMonitor;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A signed-in client of one CRM organization: CRUD, queries with paging, change tracking, batches,
 * WhoAmI and email delivery. Retries 429/503 after the server's Retry-After, within the limits and the
 * request budget of its {@link CrmEndpoint}. Thread-safe.
 */
@ProviderType
public interface CrmClient extends AutoCloseable {

	URI serviceRoot();

	/** The signed-in user, business unit and organization. */
	WhoAmI whoAmI() throws CrmException;

	/** One record, or a {@link CrmException.Kind#NOT_FOUND} error. */
	CrmRecord retrieve(String entitySet, UUID id, CrmQuery query) throws CrmException;

	/** The first page of a query. */
	CrmPage query(String entitySet, CrmQuery query) throws CrmException;

	/** The page after {@code page}, or null if it was the last. */
	CrmPage next(CrmPage page) throws CrmException;

	/** Every record of a query, page by page, to {@code sink}. Cancellation stops between pages. */
	void queryAll(String entitySet, CrmQuery query, Consumer<CrmRecord> sink, IProgressMonitor monitor)
			throws CrmException;

	/**
	 * Change tracking. With {@code deltaLink == null}, reports every record (as changed) and returns the
	 * first delta link; with a delta link, reports what changed and what was deleted since.
	 *
	 * @param select the attributes to track (only {@code $select} is allowed with change tracking)
	 * @return the delta link for next time
	 * @throws CrmException of kind {@link CrmException.Kind#TOKEN_EXPIRED} when the link was refused:
	 *         call again with null
	 */
	String changes(String entitySet, List<String> select, String deltaLink, ChangeSink sink, IProgressMonitor monitor)
			throws CrmException;

	/** Receives change tracking results. */
	interface ChangeSink {
		void changed(CrmRecord record) throws CrmException;

		void deleted(UUID id) throws CrmException;
	}

	/** Performs one write and returns the record as the server stores it after (id and ETag at least). */
	CrmRecord write(CrmWrite write, List<String> select) throws CrmException;

	/**
	 * Performs writes in {@code $batch} requests of at most the endpoint's batch size. With {@code atomic},
	 * each batch is one change set (all or nothing); else each write stands alone and the batch goes on
	 * after a failure.
	 *
	 * @return one result per write, in order
	 */
	List<BatchResult> batch(List<CrmWrite> writes, boolean atomic) throws CrmException;

	/** The result of one write in a batch: the record's id and ETag, or the error. */
	record BatchResult(int status, UUID id, String etag, CrmException error) {
		public boolean ok() {
			return error == null;
		}
	}

	/** DeliverIncomingEmail: makes the CRM email for a message (one per Message-ID) and returns its id. */
	UUID deliverIncomingEmail(IncomingEmail email) throws CrmException;

	/** CheckIncomingEmail: whether the CRM would take a message, and why (Dynamics ReasonCode). */
	IncomingEmail.Check checkIncomingEmail(IncomingEmail email) throws CrmException;

	/** What this client has sent: requests (each request inside a batch counts), retries, throttling waits. */
	Stats stats();

	record Stats(long requests, long httpCalls, long retries, long throttledMillis) {
	}

	@Override
	void close();
}
