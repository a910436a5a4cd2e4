package org.liaison.api.security;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Secrets (passwords, tokens, database boot keys) in Eclipse secure storage, encrypted with the
 * master password. Nothing else in Liaison writes a secret anywhere; no secret is ever logged.
 * Keys are paths such as {@code profiles/work/mail/password}. A profile's account passwords
 * ({@code profiles/NAME/crm|mail|smtp|dav/password}) may instead come from the environment variables
 * {@code LIAISON_CRM_PASSWORD}, {@code LIAISON_MAIL_PASSWORD}, {@code LIAISON_SMTP_PASSWORD} and
 * {@code LIAISON_DAV_PASSWORD}, which {@link #get} prefers.
 */
@ProviderType
public interface SecretStore {

	Optional<char[]> get(String key) throws SecretStoreException;

	void put(String key, char[] secret) throws SecretStoreException;

	void remove(String key) throws SecretStoreException;

	/**
	 * The secret at {@code key}, made (as {@code length} random URL-safe characters) and saved first if
	 * there is none yet: for keys Liaison generates itself, such as a database boot password.
	 */
	char[] getOrCreate(String key, int length) throws SecretStoreException;
}
