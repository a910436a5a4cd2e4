package org.liaison.api.store;

import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.liaison.api.model.Tracking;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Mail in the profile's database: cached headers of IMAP folders (so that a re-scan costs what
 * changed, and tracking and correlation work without the server), and local mail, the messages a
 * POP3 account downloads, with their raw MIME. Each method is one transaction; listings stream.
 */
@ProviderType
public interface MailStore {

	// ---- folders

	Optional<MailFolderState> folder(String account, String folder) throws StoreException;

	List<MailFolderState> folders(String account) throws StoreException;

	/** Inserts or replaces a folder's state (a write). */
	void saveFolder(MailFolderState state) throws StoreException;

	/** Forgets a folder with its cached and local messages (a write), e.g. when UIDVALIDITY changed. */
	void dropFolder(String account, String folder) throws StoreException;

	/** Forgets an account: folders, messages, local mail and known UIDLs (a write). */
	void dropAccount(String account) throws StoreException;

	// ---- cached messages

	/** Inserts or replaces messages by (account, folder, uid), in one transaction (a write). */
	void putMessages(Collection<CachedMessage> messages) throws StoreException;

	/** Sets a message's flags and MODSEQ (a write). */
	void updateFlags(String account, String folder, long uid, Set<String> flags, long modSeq) throws StoreException;

	/** New flags and MODSEQ of one message, for {@link #updateFlags(String, String, Collection)}. */
	record FlagChange(long uid, Set<String> flags, long modSeq) {
	}

	/**
	 * Sets the flags and MODSEQ of many messages of a folder in one transaction (a write): a rescan
	 * after tracking reports every message the keyword was set on.
	 */
	default void updateFlags(String account, String folder, Collection<FlagChange> changes) throws StoreException {
		for (FlagChange c : changes) {
			updateFlags(account, folder, c.uid(), c.flags(), c.modSeq());
		}
	}

	/** Removes messages (expunged, VANISHED, moved away) with any local copy (a write). */
	void removeMessages(String account, String folder, Collection<Long> uids) throws StoreException;

	Optional<CachedMessage> message(String account, String folder, long uid) throws StoreException;

	/** Streams a folder's messages by UID, starting above {@code afterUid} (0: all). */
	void messages(String account, String folder, long afterUid, StoreConsumer<CachedMessage> sink)
			throws StoreException;

	int countMessages(String account, String folder) throws StoreException;

	/** The highest UID cached in a folder, 0 if none. */
	long highestUid(String account, String folder) throws StoreException;

	/** Messages of the account (any folder) with this Message-ID: reply correlation, tracking once. */
	List<CachedMessage> byMessageId(String account, String messageId) throws StoreException;

	/** Messages of the account (any folder) with this ident. */
	List<CachedMessage> byIdent(String account, UUID ident) throws StoreException;

	/** Sets a message's tracking state, regarding record, CRM record and reason (a write). */
	void setTracking(String account, String folder, long uid, Tracking tracking) throws StoreException;

	// ---- local mail (POP3 downloads)

	/**
	 * Stores a downloaded message: its headers and its raw MIME, streamed, in one transaction (a
	 * write); the UIDL is remembered as downloaded. Returns the UID the store gave it in the folder
	 * ({@code headers.uid()} is ignored).
	 */
	long storeLocal(CachedMessage headers, String uidl, InputStream raw) throws StoreException;

	/** The raw MIME of a local message, streamed; the caller closes it. Empty if not stored locally. */
	Optional<InputStream> openLocal(String account, String folder, long uid) throws StoreException;

	/** Of these UIDLs, the ones never downloaded (nor remembered) for the account. */
	Set<String> unknownUidls(String account, Collection<String> uidls) throws StoreException;

	/** Remembers UIDLs as downloaded, e.g. messages the user chose to skip (a write). */
	void rememberUidls(String account, Collection<String> uidls) throws StoreException;

	/** Forgets UIDLs gone from the server, so the list does not grow forever (a write). */
	void forgetUidls(String account, Collection<String> uidls) throws StoreException;
}
