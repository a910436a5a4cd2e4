package org.liaison.api.mail;

import java.util.Objects;

/**
 * Where one mail service is and how to log in. The password is not here: {@code secretKey} names it
 * in {@link org.liaison.api.security.SecretStore}.
 *
 * @param host the server's host name or address
 * @param port its port
 * @param security TLS, STARTTLS, or none (loopback only)
 * @param user the login name
 * @param secretKey the key of the password in the secret store, or null for a server without login
 *        (an SMTP relay on this machine)
 */
public record MailServer(String host, int port, MailSecurity security, String user, String secretKey) {
	public MailServer {
		Objects.requireNonNull(host, "host");
		Objects.requireNonNull(security, "security");
		if (port <= 0 || port > 65535) {
			throw new IllegalArgumentException("port out of range: " + port);
		}
	}

	@Override
	public String toString() {
		return user + "@" + host + ":" + port + " (" + security + ")";
	}
}
