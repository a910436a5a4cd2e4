package org.liaison.api.pim;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * One mailbox-side PIM account: where the server is, who signs in, and where the password is kept
 * in {@link org.liaison.api.security.SecretStore} (never the password itself).
 *
 * @param id a stable id of the account (for collection ids and pins), e.g. {@code work-dav}
 * @param url the server's URL: its root (discovery starts at {@code /.well-known/}), a principal
 *        or a collection; {@code https} except for a server on the loopback address
 * @param user the user name
 * @param secretKey the {@code SecretStore} key of the password, or null for none
 * @param timeout how long one request may wait for the server's answer (connect, response, each
 *        read of a body), or null for the connector's default
 */
public record PimAccount(String id, URI url, String user, String secretKey, Duration timeout) {
	public PimAccount {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(url, "url");
	}

	/** An account with the connector's default timeout. */
	public PimAccount(String id, URI url, String user, String secretKey) {
		this(id, url, user, secretKey, null);
	}

	public PimAccount withTimeout(Duration t) {
		return new PimAccount(id, url, user, secretKey, t);
	}
}
