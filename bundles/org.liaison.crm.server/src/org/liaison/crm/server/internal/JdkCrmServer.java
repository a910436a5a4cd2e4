package org.liaison.crm.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.liaison.api.security.SecretStore;
import org.liaison.api.security.SecretStoreException;
import org.liaison.crm.server.CrmServer;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** The reference CRM server on the JDK's HTTP server and Derby. */
@Component(service = CrmServer.class)
public class JdkCrmServer implements CrmServer {

	@Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
	private volatile SecretStore secrets;

	@Override
	public Running start(Options options) throws IOException {
		org.liaison.crm.server.internal.Store store = new org.liaison.crm.server.internal.Store(options.dataDirectory());
		try {
			Tls.Identity tls = null;
			if (!options.plainHttp()) {
				tls = options.ephemeralCertificate() ? Tls.ephemeral(options.host())
						: Tls.persistent(options.dataDirectory(), options.host(), keyStorePassword(options.dataDirectory()));
			}
			return new Server(options, store, tls);
		} catch (IOException | RuntimeException e) {
			store.close();
			throw e;
		}
	}

	@Override
	public Store open(Path dataDirectory) throws IOException {
		return new org.liaison.crm.server.internal.Store(dataDirectory);
	}

	/** The key store's password: made once, kept only in secure storage, under a key per data folder. */
	private char[] keyStorePassword(Path dir) throws IOException {
		SecretStore s = secrets;
		if (s == null) {
			throw new IOException("secure storage is not available, so the server's TLS key cannot be protected");
		}
		String key = "crm-server/" + digest(dir.toAbsolutePath().normalize().toString()) + "/keystore-password";
		try {
			return s.getOrCreate(key, 32);
		} catch (SecretStoreException e) {
			throw new IOException("cannot read the TLS key store password from secure storage: " + e.getMessage(), e);
		}
	}

	private static String digest(String s) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)),
					0, 12);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
