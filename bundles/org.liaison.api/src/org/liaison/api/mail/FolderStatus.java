package org.liaison.api.mail;

/**
 * A folder's state as the server reports it.
 *
 * @param uidValidity UIDVALIDITY: when it changes, every UID of the folder is void
 * @param uidNext UIDNEXT: the UID the next message will get
 * @param highestModSeq HIGHESTMODSEQ with CONDSTORE, else 0
 * @param messages how many messages are in it
 */
public record FolderStatus(long uidValidity, long uidNext, long highestModSeq, long messages) {
}
