package org.liaison.api.security;

import java.security.cert.CertificateException;

/**
 * A server presented a certificate that the JDK's trust store does not vouch for and the user has
 * not pinned. Carries what the pin prompt shows.
 */
public class UntrustedCertificateException extends CertificateException {
	private static final long serialVersionUID = 1L;

	private final String host;
	private final int port;
	private final String fingerprint;

	public UntrustedCertificateException(String host, int port, String fingerprint, String subject, Throwable cause) {
		super("The certificate of " + host + ":" + port + " (" + subject + ", SHA-256 " + fingerprint
				+ ") is not trusted and not pinned; pin it only if you know this fingerprint is the server's", cause);
		this.host = host;
		this.port = port;
		this.fingerprint = fingerprint;
	}

	public String host() {
		return host;
	}

	public int port() {
		return port;
	}

	public String fingerprint() {
		return fingerprint;
	}
}
