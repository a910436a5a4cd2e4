package org.liaison.connector.mail.internal;

import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import javax.net.ssl.SSLHandshakeException;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FolderClosedException;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.StoreClosedException;

import org.liaison.api.mail.MailException;
import org.liaison.api.mail.MailSecurity;
import org.liaison.api.mail.MailServer;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.SecretStoreException;
import org.liaison.api.security.TrustService;
import org.liaison.api.security.UntrustedCertificateException;

/**
 * Jakarta Mail sessions for Liaison's rules: TLS 1.2+ through {@link TrustService} (pinning for a
 * self-signed server), a timeout on every socket operation, passwords only from {@link SecretStore},
 * plain connections only to this machine. Also turns Jakarta Mail's exceptions into clear
 * {@link MailException}s.
 */
final class MailSessions {

	static final String TLS_PROTOCOLS = String.join(" ", TrustService.PROTOCOLS);

	private MailSessions() {
	}

	/** The Jakarta Mail protocol name: imap/imaps, pop3/pop3s, smtp/smtps. */
	static String protocol(String base, MailServer server) {
		return server.security() == MailSecurity.TLS ? base + "s" : base;
	}

	static Session session(String base, MailServer server, Duration timeout, TrustService trust) throws MailException {
		Properties p = new Properties();
		String proto = protocol(base, server);
		String k = "mail." + proto + ".";
		String ms = Long.toString(timeout.toMillis());
		p.put(k + "host", server.host());
		p.put(k + "port", Integer.toString(server.port()));
		p.put(k + "connectiontimeout", ms);
		p.put(k + "timeout", ms);
		p.put(k + "writetimeout", ms);
		p.put("mail.mime.allowutf8", "true");
		// Angus Mail otherwise retries a refused TLS handshake with the JDK's default socket factory,
		// going around the trust service (and its pins) altogether
		p.put(k + "socketFactory.fallback", "false");
		p.put(k + "socketFactory", new NoDelay.Plain());
		p.put(k + "ssl.socketFactory.fallback", "false");
		switch (server.security()) {
			case TLS, STARTTLS -> {
				if (trust == null) {
					throw new MailException("TLS to " + server.host() + " needs Liaison's trust service, which is not running");
				}
				p.put(k + "ssl.socketFactory",
						new NoDelay.Tls(trust.sslContext(server.host(), server.port()).getSocketFactory()));
				p.put(k + "ssl.protocols", TLS_PROTOCOLS);
				// A pinned certificate is identified by its fingerprint; any other must name the host.
				p.put(k + "ssl.checkserveridentity",
						Boolean.toString(trust.pinned(server.host(), server.port()).isEmpty()));
				if (server.security() == MailSecurity.STARTTLS) {
					p.put(k + "starttls.enable", "true");
					p.put(k + "starttls.required", "true");
				}
			}
			case NONE -> requireLoopback(server);
		}
		if ("smtp".equals(base)) {
			p.put(k + "auth", Boolean.toString(server.secretKey() != null));
		}
		if ("imap".equals(base)) {
			// large literals for attachments; headers are fetched by Liaison's own commands
			p.put(k + "fetchsize", "65536");
			p.put(k + "peek", "true");
			// a closed folder's connection stays logged in for the next folder (a login costs a server process)
			p.put(k + "connectionpoolsize", "2");
			p.put(k + "connectionpooltimeout", Long.toString(Math.max(60_000, timeout.toMillis())));
		}
		return Session.getInstance(p);
	}

	static void requireLoopback(MailServer server) throws MailException {
		try {
			if (!InetAddress.getByName(server.host()).isLoopbackAddress()) {
				throw new MailException("refusing a connection without TLS to " + server.host() + ":" + server.port()
						+ ": plain connections are allowed only to this machine; choose TLS or STARTTLS");
			}
		} catch (UnknownHostException e) {
			throw new MailException("unknown host " + server.host(), true, e);
		}
	}

	static String password(MailServer server, SecretStore secrets) throws MailException {
		if (server.secretKey() == null) {
			return null;
		}
		if (secrets == null) {
			throw new MailException("the secret store is not running; cannot log in to " + server);
		}
		try {
			Optional<char[]> pw = secrets.get(server.secretKey());
			if (pw.isEmpty()) {
				throw new MailException("no password saved for " + server + " (secret " + server.secretKey() + ")");
			}
			return new String(pw.get());
		} catch (SecretStoreException e) {
			throw new MailException("cannot read the password for " + server + ": " + e.getMessage(), false, e);
		}
	}

	/** Whether a failure is the connection's (worth reconnecting), not the request's. */
	static boolean connectionLost(Throwable e) {
		for (Throwable t = e; t != null; t = t.getCause()) {
			if (t instanceof UntrustedCertificateException || t instanceof SSLHandshakeException
					|| t instanceof AuthenticationFailedException) {
				return false;
			}
			if (t instanceof FolderClosedException || t instanceof StoreClosedException
					|| t instanceof SocketTimeoutException || t instanceof java.net.SocketException
					|| t instanceof java.io.EOFException
					|| t instanceof org.eclipse.angus.mail.iap.ConnectionException
					|| t instanceof jakarta.mail.MessagingException m && m.getNextException() instanceof java.io.IOException
					|| t instanceof java.io.IOException && !(t instanceof java.io.CharConversionException)) {
				return true;
			}
		}
		return false;
	}

	/** Whether a handshake failed because the server speaks only TLS older than 1.2. */
	private static boolean oldTls(String message) {
		return message != null && (message.contains("protocol_version") || message.contains("No appropriate protocol")
				|| message.contains("not supported or disabled") || message.contains("protocol is disabled"));
	}

	/** A clear message for a failure of {@code what} on {@code server}. */
	static MailException fail(String what, MailServer server, Throwable e) {
		for (Throwable t = e; t != null; t = t.getCause()) {
			if (t instanceof UntrustedCertificateException u) {
				return new MailException(what + " failed: " + u.getMessage(), false, e);
			}
			if (t instanceof AuthenticationFailedException) {
				return new MailException(what + " failed: " + server + " refused the login: " + t.getMessage(), false, e);
			}
			if (t instanceof FolderNotFoundException) {
				return new MailException(what + " failed: no such folder on " + server, false, e);
			}
			if (t instanceof SocketTimeoutException) {
				return new MailException(what + " failed: " + server + " did not answer in time", true, e);
			}
			if (t instanceof SSLHandshakeException h && oldTls(h.getMessage())) {
				return new MailException(what + " failed: " + server + " offers no TLS 1.2 or newer, which Liaison "
						+ "requires (" + h.getMessage() + "); the server needs updating", false, e);
			}
			if (server.security() == MailSecurity.STARTTLS && t.getMessage() != null
					&& t.getMessage().toUpperCase(java.util.Locale.ROOT).contains("STARTTLS")
					&& t.getMessage().contains("not support")) {
				return new MailException(what + " failed: " + server + " does not offer STARTTLS, so Liaison did not "
						+ "log in (the password would go in plain text); choose TLS if the server has a TLS port",
						false, e);
			}
		}
		String reason = e.getMessage();
		if (e instanceof MessagingException m && m.getNextException() != null) {
			reason = reason + ": " + m.getNextException().getMessage();
		}
		return new MailException(what + " failed on " + server + ": " + reason, connectionLost(e), e);
	}
}
