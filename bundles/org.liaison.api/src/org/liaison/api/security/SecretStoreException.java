package org.liaison.api.security;

/** Secure storage could not be read or written (no master password, a damaged file). */
public class SecretStoreException extends Exception {
	private static final long serialVersionUID = 1L;

	public SecretStoreException(String message, Throwable cause) {
		super(message, cause);
	}
}
