package org.liaison.api.crm;

import java.util.List;

/**
 * One page of a query's answer.
 *
 * @param records the records on this page
 * @param nextLink where the next page is, or null on the last
 * @param count the total count when asked for ({@code $count=true}), else -1
 */
public record CrmPage(String entitySet, List<CrmRecord> records, String nextLink, long count) {
	public CrmPage {
		records = List.copyOf(records);
	}
}
