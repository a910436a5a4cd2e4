package org.liaison.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import org.liaison.api.env.LiaisonHome;
import org.liaison.api.security.TrustService;
import org.liaison.api.security.UntrustedCertificateException;
import org.osgi.service.component.annotations.Component;

/**
 * {@link TrustService}: the JDK's trust store first; a certificate it rejects is accepted only when
 * its SHA-256 fingerprint is pinned for that host and port. Pins are not secrets: they live in
 * {@code trust/pins.properties} under Liaison's home.
 */
@Component(service = TrustService.class)
public class PinningTrustService implements TrustService {

	private final Object lock = new Object();

	private Path pinsFile() {
		return LiaisonHome.resolve("trust", "pins.properties");
	}

	private Properties loadPins() {
		Properties p = new Properties();
		Path f = pinsFile();
		if (Files.exists(f)) {
			try (InputStream in = Files.newInputStream(f)) {
				p.load(in);
			} catch (IOException e) {
				throw new IllegalStateException("cannot read pinned certificates from " + f + ": " + e.getMessage(), e);
			}
		}
		return p;
	}

	private void storePins(Properties p) {
		Path f = pinsFile();
		try {
			Files.createDirectories(f.getParent());
			Path tmp = f.resolveSibling("pins.properties.tmp");
			try (OutputStream out = Files.newOutputStream(tmp)) {
				p.store(out, "Certificates the user pinned: host:port = SHA-256 fingerprint");
			}
			Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		} catch (IOException e) {
			throw new IllegalStateException("cannot save pinned certificates to " + f + ": " + e.getMessage(), e);
		}
	}

	private static String key(String host, int port) {
		return host.toLowerCase(java.util.Locale.ROOT) + ":" + port;
	}

	@Override
	public void pin(String host, int port, String sha256Fingerprint) {
		synchronized (lock) {
			Properties p = loadPins();
			p.setProperty(key(host, port), sha256Fingerprint.toUpperCase(java.util.Locale.ROOT));
			storePins(p);
		}
	}

	@Override
	public Optional<String> pinned(String host, int port) {
		synchronized (lock) {
			return Optional.ofNullable(loadPins().getProperty(key(host, port)));
		}
	}

	@Override
	public void unpin(String host, int port) {
		synchronized (lock) {
			Properties p = loadPins();
			if (p.remove(key(host, port)) != null) {
				storePins(p);
			}
		}
	}

	@Override
	public SSLContext sslContext(String host, int port) {
		try {
			TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			tmf.init((KeyStore) null);
			X509ExtendedTrustManager jdk = null;
			for (TrustManager tm : tmf.getTrustManagers()) {
				if (tm instanceof X509ExtendedTrustManager x) {
					jdk = x;
				}
			}
			SSLContext ctx = SSLContext.getInstance("TLS");
			ctx.init(null, new TrustManager[] { new Pinning(jdk, host, port, pinned(host, port).orElse(null)) }, null);
			return ctx;
		} catch (GeneralSecurityException e) {
			throw new IllegalStateException("TLS is not available: " + e.getMessage(), e);
		}
	}

	@Override
	public X509Certificate[] probe(String host, int port) throws IOException {
		AtomicReference<X509Certificate[]> seen = new AtomicReference<>();
		X509TrustManager recorder = new X509TrustManager() {
			@Override
			public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
				throw new CertificateException("not a server");
			}

			@Override
			public void checkServerTrusted(X509Certificate[] chain, String authType) {
				seen.set(chain.clone());
			}

			@Override
			public X509Certificate[] getAcceptedIssuers() {
				return new X509Certificate[0];
			}
		};
		try {
			SSLContext ctx = SSLContext.getInstance("TLS");
			ctx.init(null, new TrustManager[] { recorder }, null);
			try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
				s.connect(new java.net.InetSocketAddress(host, port), 10_000);
				s.setSoTimeout(10_000);
				s.setEnabledProtocols(PROTOCOLS);
				s.startHandshake();
			}
		} catch (GeneralSecurityException e) {
			throw new IOException("TLS is not available: " + e.getMessage(), e);
		}
		X509Certificate[] chain = seen.get();
		if (chain == null || chain.length == 0) {
			throw new IOException(host + ":" + port + " presented no certificate");
		}
		return chain;
	}

	/** Validates with the JDK; on failure accepts only the pinned fingerprint. */
	static final class Pinning extends X509ExtendedTrustManager {
		private final X509ExtendedTrustManager jdk;
		private final String host;
		private final int port;
		private final String pin;

		Pinning(X509ExtendedTrustManager jdk, String host, int port, String pin) {
			this.jdk = jdk;
			this.host = host;
			this.port = port;
			this.pin = pin;
		}

		private void fallback(X509Certificate[] chain, CertificateException e) throws CertificateException {
			if (chain == null || chain.length == 0) {
				throw e;
			}
			String fp = TrustService.fingerprint(chain[0]);
			if (pin != null && pin.equalsIgnoreCase(fp)) {
				return;
			}
			throw new UntrustedCertificateException(host, port, fp, chain[0].getSubjectX500Principal().getName(), e);
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
				throws CertificateException {
			try {
				jdk.checkServerTrusted(chain, authType, socket);
			} catch (CertificateException e) {
				fallback(chain, e);
			}
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
				throws CertificateException {
			try {
				jdk.checkServerTrusted(chain, authType, engine);
			} catch (CertificateException e) {
				fallback(chain, e);
			}
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			try {
				jdk.checkServerTrusted(chain, authType);
			} catch (CertificateException e) {
				fallback(chain, e);
			}
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
				throws CertificateException {
			throw new CertificateException("Liaison does not accept client connections here");
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
				throws CertificateException {
			throw new CertificateException("Liaison does not accept client connections here");
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			throw new CertificateException("Liaison does not accept client connections here");
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return jdk.getAcceptedIssuers();
		}
	}
}
