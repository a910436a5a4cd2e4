package org.liaison.api.crm;

import java.time.Duration;

/**
 * How the connector treats the organization's limits.
 *
 * @param maxRetries retries of a request refused with 429 or 503 or a dropped connection
 * @param maxRetryWait the longest single wait (a longer Retry-After fails the call with a clear error)
 * @param requestBudget the most requests one client may send (a run that would exceed it stops), or
 *        {@code Long.MAX_VALUE}
 * @param pageSize records per page asked for (Prefer: odata.maxpagesize)
 * @param batchSize requests per {@code $batch} for bulk writes (at most 1,000)
 * @param timeout per request
 */
public record CrmLimits(int maxRetries, Duration maxRetryWait, long requestBudget, int pageSize, int batchSize,
		Duration timeout) {

	public static CrmLimits defaults() {
		return new CrmLimits(5, Duration.ofMinutes(5), Long.MAX_VALUE, 1000, 500, Duration.ofSeconds(120));
	}

	public CrmLimits withBudget(long requests) {
		return new CrmLimits(maxRetries, maxRetryWait, requests, pageSize, batchSize, timeout);
	}

	public CrmLimits withPageSize(int size) {
		return new CrmLimits(maxRetries, maxRetryWait, requestBudget, size, batchSize, timeout);
	}

	public CrmLimits withRetries(int retries, Duration longestWait) {
		return new CrmLimits(retries, longestWait, requestBudget, pageSize, batchSize, timeout);
	}

	public CrmLimits withTimeout(Duration perRequest) {
		return new CrmLimits(maxRetries, maxRetryWait, requestBudget, pageSize, batchSize, perRequest);
	}

	public CrmLimits withBatchSize(int size) {
		return new CrmLimits(maxRetries, maxRetryWait, requestBudget, pageSize, size, timeout);
	}
}
