package org.liaison.connector.mail.internal;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Where mail downloaded over POP3 (and the sent copies of a POP3 account) is kept on this computer:
 * folders of messages with local UIDs, flags and a modification sequence, so that the local folder
 * syncs like an IMAP folder with CONDSTORE. A small interface so that it can move into the
 * profile's store: {@link StoreLocalMail} keeps it in the profile's {@code MailStore} (Derby), and
 * {@link FileLocalMail} in files for a mailbox opened without a store.
 */
interface LocalMail {

	/** One message: its local UID, the POP3 UIDL it came from (null for a local copy), flags, MODSEQ. */
	record Entry(long uid, String uidl, long modSeq, Set<String> flags) {
	}

	/** A folder's counters. */
	record State(long uidValidity, long uidNext, long highestModSeq, long messages) {
	}

	List<String> folders() throws IOException;

	void createFolder(String folder) throws IOException;

	State state(String folder) throws IOException;

	List<Entry> entries(String folder) throws IOException;

	/** UIDs expunged from a folder after a MODSEQ. */
	List<Long> vanishedSince(String folder, long modSeq) throws IOException;

	byte[] raw(String folder, long uid) throws IOException;

	/** Saves a message durably before returning; returns its local UID. */
	long add(String folder, String uidl, byte[] raw, Set<String> flags) throws IOException;

	void setFlags(String folder, List<Long> uids, Set<String> flags, boolean set) throws IOException;

	/** Moves one message; returns its UID in the target folder, or -1 if it was not there. */
	long move(String folder, long uid, String target) throws IOException;

	/** Of the server's UIDLs, those never downloaded. */
	Set<String> unknown(java.util.Collection<String> uidls) throws IOException;

	/** Forgets downloaded UIDLs that are not on the server any more (the local messages stay). */
	void forgetAllBut(Set<String> onServer) throws IOException;
}
