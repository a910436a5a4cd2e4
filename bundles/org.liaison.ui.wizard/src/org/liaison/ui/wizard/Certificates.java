package org.liaison.ui.wizard;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import javax.net.ssl.SSLSocket;

import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.widgets.Shell;
import org.liaison.api.security.TrustService;
import org.liaison.api.security.UntrustedCertificateException;

/**
 * The TLS check of a server and the certificate-pinning prompt: a server whose certificate the JDK
 * does not vouch for is accepted only when the user, shown its SHA-256 fingerprint, pins it.
 */
public final class Certificates {

	private Certificates() {
	}

	/**
	 * What a TLS handshake with a server showed.
	 *
	 * @param protocol the TLS version agreed (never below 1.2: Liaison offers no less)
	 * @param subject the server certificate's subject
	 * @param issuer its issuer
	 * @param fingerprint its SHA-256 fingerprint
	 * @param pinned whether it is accepted because the user pinned it (else the JDK's trust store vouches for it)
	 */
	public record Handshake(String protocol, String subject, String issuer, String fingerprint, boolean pinned) {
		@Override
		public String toString() {
			return protocol + ", certificate of " + subject + (pinned ? " (pinned by you)" : " issued by " + issuer);
		}
	}

	/**
	 * Shakes hands with {@code host:port} as every Liaison connection does (TLS 1.3/1.2, validated or
	 * pinned). Runs network I/O: call it off the UI thread.
	 *
	 * @throws UntrustedCertificateException the certificate is neither trusted nor pinned (ask the user)
	 * @throws IOException the server cannot be reached or refused the handshake
	 */
	public static Handshake check(TrustService trust, String host, int port)
			throws IOException, UntrustedCertificateException {
		try (SSLSocket s = (SSLSocket) trust.sslContext(host, port).getSocketFactory().createSocket()) {
			s.connect(new InetSocketAddress(host, port), 10_000);
			s.setSoTimeout(10_000);
			s.setEnabledProtocols(TrustService.PROTOCOLS);
			try {
				s.startHandshake();
			} catch (IOException e) {
				Optional<UntrustedCertificateException> u = untrusted(e);
				if (u.isPresent()) {
					throw u.get();
				}
				throw e;
			}
			Certificate[] chain = s.getSession().getPeerCertificates();
			X509Certificate leaf = (X509Certificate) chain[0];
			String fp = TrustService.fingerprint(leaf);
			boolean pinned = trust.pinned(host, port).map(fp::equalsIgnoreCase).orElse(false);
			return new Handshake(s.getSession().getProtocol(), leaf.getSubjectX500Principal().getName(),
					leaf.getIssuerX500Principal().getName(), fp, pinned);
		}
	}

	/** The untrusted-certificate failure inside {@code t}, if that is what it is. */
	public static Optional<UntrustedCertificateException> untrusted(Throwable t) {
		for (Throwable c = t; c != null; c = c.getCause()) {
			if (c instanceof UntrustedCertificateException u) {
				return Optional.of(u);
			}
			for (Throwable s : c.getSuppressed()) {
				if (s instanceof UntrustedCertificateException u) {
					return Optional.of(u);
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * When {@code failure} is a server certificate nobody vouches for: reads the certificate (a Job
	 * through {@code context}), shows it and asks whether to pin it. On the UI thread.
	 *
	 * @return empty when {@code failure} is something else; else whether the user pinned the
	 *         certificate (the caller then tries again)
	 */
	public static Optional<Boolean> offerToPin(SettingsContext context, Throwable failure) {
		Optional<UntrustedCertificateException> u = untrusted(failure);
		if (u.isEmpty()) {
			return Optional.empty();
		}
		TrustService trust = context.service(TrustService.class);
		X509Certificate[] chain = null;
		try {
			chain = context.run("Reading the server's certificate", m -> trust.probe(u.get().host(), u.get().port()));
		} catch (java.lang.reflect.InvocationTargetException | InterruptedException probeFailed) {
			// the prompt shows the fingerprint alone
		}
		return Optional.of(askToPin(context.shell(), trust, u.get(), chain));
	}

	/**
	 * Shows the server's certificate (read by {@link TrustService#probe}, without validating it) and asks
	 * whether to pin it; pins it if the user says yes. On the UI thread; {@code chain} may be null when
	 * the probe failed (then only the fingerprint from the failure is shown).
	 *
	 * @return whether the user pinned it
	 */
	public static boolean askToPin(Shell shell, TrustService trust, UntrustedCertificateException failure,
			X509Certificate[] chain) {
		StringBuilder b = new StringBuilder();
		b.append("The server ").append(failure.host()).append(':').append(failure.port())
				.append(" presented a certificate that no authority this computer trusts vouches for.\n\n");
		if (chain != null && chain.length > 0) {
			X509Certificate c = chain[0];
			DateTimeFormatter d = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneId.systemDefault());
			b.append("Subject: ").append(c.getSubjectX500Principal().getName()).append('\n');
			b.append("Issued by: ").append(c.getIssuerX500Principal().getName())
					.append(c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) ? " (self-signed)" : "")
					.append('\n');
			b.append("Valid: ").append(d.format(c.getNotBefore().toInstant())).append(" to ")
					.append(d.format(c.getNotAfter().toInstant())).append('\n');
		}
		b.append("SHA-256 fingerprint:\n").append(failure.fingerprint()).append("\n\n");
		b.append("Trust it only if you know this fingerprint is your server's (ask its administrator). "
				+ "Liaison will then accept this certificate, and only this one, for this server.");
		MessageDialog dialog = new MessageDialog(shell, "Untrusted certificate", null, b.toString(),
				MessageDialog.WARNING, 1, "Trust this certificate", IDialogConstants.CANCEL_LABEL);
		if (dialog.open() != 0) {
			return false;
		}
		trust.pin(failure.host(), failure.port(), failure.fingerprint());
		return true;
	}
}
