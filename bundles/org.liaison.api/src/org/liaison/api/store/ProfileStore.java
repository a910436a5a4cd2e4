package org.liaison.api.store;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One profile's open database. Safe for concurrent readers and one writer: reads run in parallel
 * on their own connections; writes are serialized, each call one transaction.
 */
@ProviderType
public interface ProfileStore extends AutoCloseable {

	String profile();

	/** The schema version the database is at after migrations. */
	int schemaVersion() throws StoreException;

	/** The sync engine's state: status, journal, tombstones, quarantine, conflicts, history, tokens. */
	SyncStateStore syncState();

	/** Contacts, appointments and tasks of accounts without CalDAV/CardDAV. */
	LocalPimStore localPim();

	/** Cached mail headers (IMAP) and local mail (POP3 downloads). */
	MailStore mail();

	@Override
	void close() throws StoreException;
}
