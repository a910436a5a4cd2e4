package org.liaison.api.model;

import java.util.Locale;
import java.util.Objects;

/**
 * One party of an activity (email, appointment, task): an address as the mailbox knows it, the CRM
 * record it resolved to (if any), and the role it plays.
 *
 * @param address email address as written in the item (may be null for a party known only by record)
 * @param displayName the name shown with the address, may be null
 * @param resolved the CRM record the address resolved to, or null while unresolved or ambiguous
 * @param type the participation type
 */
public record ActivityParty(String address, String displayName, RecordRef resolved, ParticipationType type) {

	public ActivityParty {
		Objects.requireNonNull(type, "type");
		if (address == null && resolved == null) {
			throw new IllegalArgumentException("a party needs an address or a resolved record");
		}
	}

	public static ActivityParty of(ParticipationType type, String address) {
		return new ActivityParty(address, null, null, type);
	}

	/** The address lower-cased for matching, or null. */
	public String normalizedAddress() {
		return address == null ? null : address.trim().toLowerCase(Locale.ROOT);
	}

	public ActivityParty resolvedTo(RecordRef record) {
		return new ActivityParty(address, displayName, record, type);
	}

	/** A stable one-line text form used in item field maps: {@code type|address|name|record}. */
	public String encode() {
		return type.name() + '|' + FieldCodec.escape(address) + '|' + FieldCodec.escape(displayName) + '|'
				+ (resolved == null ? "" : resolved.toString());
	}

	public static ActivityParty decode(String text) {
		String[] p = FieldCodec.split(text, '|', 4);
		return new ActivityParty(FieldCodec.unescape(p[1]), FieldCodec.unescape(p[2]),
				p[3].isEmpty() ? null : RecordRef.parse(p[3]), ParticipationType.valueOf(p[0]));
	}
}
