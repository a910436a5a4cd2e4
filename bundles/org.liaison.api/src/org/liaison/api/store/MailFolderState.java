package org.liaison.api.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What the store knows of a mail folder: the IMAP values incremental sync needs (UIDVALIDITY,
 * UIDNEXT, HIGHESTMODSEQ) and a connector-defined token.
 *
 * @param account the account (a stable id, e.g. the account's configuration id)
 * @param folder the folder's full name
 * @param uidValidity IMAP UIDVALIDITY (a change means every cached UID is void), 0 if none
 * @param uidNext IMAP UIDNEXT when last synced, 0 if none
 * @param highestModSeq IMAP HIGHESTMODSEQ when last synced (CONDSTORE/QRESYNC), 0 if none
 * @param token anything else the connector keeps for the folder, or null
 * @param synced when the folder was last synced, or null
 */
public record MailFolderState(String account, String folder, long uidValidity, long uidNext, long highestModSeq,
		String token, Instant synced) {
	public MailFolderState {
		Objects.requireNonNull(account, "account");
		Objects.requireNonNull(folder, "folder");
	}
}
