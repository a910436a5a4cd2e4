package org.liaison.api.store;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import org.liaison.api.model.EmailMessage;

/**
 * A message as the store keeps it: where it is (account, folder, UID), its IMAP state (MODSEQ,
 * flags and keywords, size), its ident, and its headers as an {@link EmailMessage} (bodies only if
 * the connector put them there), with the tracking state the message carries and the reason for it.
 *
 * @param account the account
 * @param folder the folder's full name
 * @param uid the IMAP UID, or for local mail the number the store gave it
 * @param ident the message's cross-side identity (from its Message-ID, see
 *        {@link org.liaison.api.model.Idents})
 * @param modSeq its MODSEQ, 0 if none
 * @param flags IMAP flags and keywords (e.g. {@code \Seen}, {@code $Liaison-Tracked})
 * @param size RFC 822 size in bytes, or -1
 * @param message the headers, parties, attachment references and tracking state
 * @param trackingReason why it is tracked or not, in words a user can read, or null
 */
public record CachedMessage(String account, String folder, long uid, UUID ident, long modSeq, Set<String> flags,
		long size, EmailMessage message, String trackingReason) {
	public CachedMessage {
		Objects.requireNonNull(account, "account");
		Objects.requireNonNull(folder, "folder");
		Objects.requireNonNull(ident, "ident");
		Objects.requireNonNull(message, "message");
		flags = flags == null ? Set.of() : Set.copyOf(flags);
	}
}
