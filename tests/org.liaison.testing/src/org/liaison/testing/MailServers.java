package org.liaison.testing;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.liaison.connector.mail.internal.servers.Dovecot;

/**
 * Mail servers for tests. Dovecot runs from a throwaway config in a temporary folder (base_dir,
 * state_dir, passwd-file users, maildirs owned by nobody), on free ports of 127.0.0.1, with IMAP,
 * IMAPS, POP3 and POP3S and a self-signed certificate; a machine without it fails the test with the
 * install hint, never a skip. GreenMail (IMAP, POP3, SMTP, TLS) is used directly from its bundle.
 */
public final class MailServers {

	private MailServers() {
	}

	/**
	 * A Dovecot configured but not started, so that its maildirs can be filled first; hide
	 * capabilities (e.g. QRESYNC, CONDSTORE) to exercise a client's fallbacks.
	 */
	public static Dovecot dovecot(String... withoutCapabilities) {
		return build(Dovecot.missing(), Dovecot.builder().without(withoutCapabilities));
	}

	/**
	 * A Dovecot with its SMTP submission service too (STARTTLS, AUTH), relaying to plain SMTP on
	 * {@code 127.0.0.1:relayPort} (e.g. GreenMail's); not started. Fails with the install hint for
	 * {@code dovecot-submissiond} when that is missing.
	 */
	public static Dovecot dovecotWithSubmission(int relayPort) {
		return build(Dovecot.missingSubmission(), Dovecot.builder().submission(relayPort));
	}

	private static Dovecot build(String missing, Dovecot.Builder builder) {
		if (missing != null) {
			throw new AssertionError(missing);
		}
		try {
			return builder.build();
		} catch (IOException e) {
			throw new UncheckedIOException("Dovecot could not be set up: " + e.getMessage(), e);
		}
	}

	/** A Dovecot started with empty maildirs. */
	public static Dovecot startDovecot(String... withoutCapabilities) {
		Dovecot d = dovecot(withoutCapabilities);
		try {
			return d.start();
		} catch (IOException e) {
			throw new UncheckedIOException("Dovecot did not start: " + e.getMessage(), e);
		}
	}
}
