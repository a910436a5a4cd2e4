package org.liaison.api.offline;

import java.util.List;

/**
 * A record created offline looks like one already in the offline copy (the same email address, or the
 * same name and account). Create it anyway by saying so, or use the existing record.
 */
public class DuplicateRecordException extends OfflineException {
	private static final long serialVersionUID = 1L;

	private final transient List<OfflineRecord> matches;

	public DuplicateRecordException(String message, List<OfflineRecord> matches) {
		super(message);
		this.matches = List.copyOf(matches);
	}

	/** The records it looks like. */
	public List<OfflineRecord> matches() {
		return matches;
	}
}
