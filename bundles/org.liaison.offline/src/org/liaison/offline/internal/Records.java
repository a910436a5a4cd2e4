package org.liaison.offline.internal;

import java.util.Locale;
import java.util.SortedMap;

import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineRecord;

/** What names a record, and what "the same name and account" compares, for listing and duplicate detection. */
final class Records {

	private Records() {
	}

	/** The record's name (see {@link OfflineRecord#nameOf}), or null. */
	static String name(OfflineEntity e, SortedMap<String, String> view) {
		return OfflineRecord.nameOf(e, view);
	}

	/**
	 * What a record's name is compared within for duplicates: the account of a contact, the customer of an
	 * opportunity, the company of a lead (two records with the same name and neither set are duplicates
	 * too); null for accounts, where the name alone counts.
	 */
	static String parent(OfflineEntity e, SortedMap<String, String> view) {
		return switch (e) {
			case CONTACTS -> view.get("parentcustomerid");
			case OPPORTUNITIES -> view.get("customerid");
			case LEADS -> view.get("companyname") == null ? null
					: "company:" + view.get("companyname").trim().toLowerCase(Locale.ROOT);
			default -> null;
		};
	}

	/** Whether "same name" alone makes a duplicate (accounts), or the parent must match too. */
	static boolean nameAlone(OfflineEntity e) {
		return e == OfflineEntity.ACCOUNTS;
	}

	/** Whether duplicates are looked for at all (people and organizations, not activities). */
	static boolean checked(OfflineEntity e) {
		return !e.activity();
	}
}
