package org.liaison.api.store;

import org.osgi.annotation.versioning.ProviderType;

/** One profile's open database. Safe for concurrent readers and one writer. */
@ProviderType
public interface ProfileStore extends AutoCloseable {

	String profile();

	/** The schema version the database is at after migrations. */
	int schemaVersion() throws StoreException;

	@Override
	void close() throws StoreException;
}
