package org.liaison.api.pim;

import java.net.URI;
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
 */
public record PimAccount(String id, URI url, String user, String secretKey) {
	public PimAccount {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(url, "url");
	}
}
