package org.liaison.api.security;

import java.security.cert.X509Certificate;
import java.util.Optional;

import javax.net.ssl.SSLContext;

import org.osgi.annotation.versioning.ProviderType;

/**
 * TLS for every connection Liaison makes: TLS 1.2 or newer, certificates validated against the
 * JDK's trust store, and a self-signed server accepted only when the user pinned its certificate's
 * SHA-256 fingerprint for that host and port.
 */
@ProviderType
public interface TrustService {

	/** Protocols Liaison enables on every TLS socket. */
	String[] PROTOCOLS = { "TLSv1.3", "TLSv1.2" };

	/**
	 * An SSL context for connections to {@code host:port}. A certificate that fails validation and is
	 * not pinned fails the handshake with an {@link UntrustedCertificateException} as the cause.
	 */
	SSLContext sslContext(String host, int port);

	/** Connects once and returns the server's certificate chain without validating it (for the pin prompt). */
	X509Certificate[] probe(String host, int port) throws java.io.IOException;

	/** Pins a fingerprint (after the user consented). */
	void pin(String host, int port, String sha256Fingerprint);

	Optional<String> pinned(String host, int port);

	void unpin(String host, int port);

	/** The SHA-256 fingerprint of a certificate, as colon-separated upper-case hex pairs. */
	static String fingerprint(X509Certificate certificate) {
		try {
			byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
			StringBuilder b = new StringBuilder();
			for (byte x : d) {
				if (b.length() > 0) {
					b.append(':');
				}
				b.append(String.format("%02X", x));
			}
			return b.toString();
		} catch (java.security.GeneralSecurityException e) {
			throw new IllegalStateException(e);
		}
	}
}
