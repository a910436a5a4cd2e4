package org.liaison.api.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.liaison.api.model.RecordRef;

/**
 * Resolving an email address to one CRM record, in the reference product's order: users first, then
 * contacts, accounts, leads. The first entity set with a match decides; two or more matches there
 * leave the address unresolved (ambiguous), to be shown to the user rather than guessed.
 */
public final class AddressResolution {

	/** Entity sets in resolution order; all are email-enabled. */
	public static final List<String> ORDER = List.of("systemusers", "contacts", "accounts", "leads");

	/** Entity sets whose records count for "email from CRM leads, contacts and accounts". */
	public static final List<String> CUSTOMER_SETS = List.of("contacts", "accounts", "leads");

	/**
	 * The outcome for one address.
	 *
	 * @param address the address, lower-cased
	 * @param record the record it resolved to, or null
	 * @param candidates when ambiguous: the records that matched in the deciding entity set
	 */
	public record Result(String address, RecordRef record, List<RecordRef> candidates) {
		public boolean resolved() {
			return record != null;
		}

		public boolean ambiguous() {
			return record == null && candidates.size() > 1;
		}

		/** Why, in words. */
		public String explain() {
			if (record != null) {
				return address + " is " + record;
			}
			if (candidates.size() > 1) {
				return address + " matches " + candidates.size() + " " + candidates.get(0).entitySet()
						+ " records: left unresolved";
			}
			return address + " matches no CRM record";
		}
	}

	private AddressResolution() {
	}

	public static Result resolve(String address, TrackingContext context) {
		String a = address == null ? "" : address.trim().toLowerCase(Locale.ROOT);
		List<RecordRef> all = a.isEmpty() ? List.of() : context.resolve(a);
		for (String set : ORDER) {
			List<RecordRef> inSet = new ArrayList<>();
			for (RecordRef r : all) {
				if (r.entitySet().equals(set)) {
					inSet.add(r);
				}
			}
			if (inSet.size() == 1) {
				return new Result(a, inSet.get(0), List.of());
			}
			if (inSet.size() > 1) {
				return new Result(a, null, List.copyOf(inSet));
			}
		}
		return new Result(a, null, List.of());
	}
}
