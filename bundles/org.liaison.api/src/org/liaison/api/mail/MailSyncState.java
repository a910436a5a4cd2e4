package org.liaison.api.mail;

/**
 * Where one folder's sync got to: what {@link Mailbox#sync} returns and takes back next time. Its
 * text form ({@link #encode()}) is the sync token of the folder's item collection.
 *
 * @param uidValidity the folder's UIDVALIDITY at the time
 * @param uidNext the first UID not yet seen
 * @param highestModSeq the HIGHESTMODSEQ seen (0 without CONDSTORE)
 * @param messages how many messages the folder held
 * @param generation the connector's local snapshot this state belongs to (for servers without
 *        CONDSTORE, whose flag changes are found by comparing with the last snapshot)
 */
public record MailSyncState(long uidValidity, long uidNext, long highestModSeq, long messages, long generation) {

	public String encode() {
		return "m1:" + uidValidity + ":" + uidNext + ":" + highestModSeq + ":" + messages + ":" + generation;
	}

	/** Parses {@link #encode()}'s form; null for null. */
	public static MailSyncState decode(String token) {
		if (token == null) {
			return null;
		}
		String[] p = token.split(":");
		if (p.length != 6 || !"m1".equals(p[0])) {
			throw new IllegalArgumentException("not a mail sync token: " + token);
		}
		return new MailSyncState(Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]), Long.parseLong(p[4]),
				Long.parseLong(p[5]));
	}
}
