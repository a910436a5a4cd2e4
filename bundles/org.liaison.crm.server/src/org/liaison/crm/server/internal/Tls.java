package org.liaison.crm.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The server's TLS identity: a self-signed certificate made at first start (EC P-256, names for
 * localhost, the loopback addresses and the listening host). The key store file is encrypted with a
 * password that lives only in Liaison's secure storage; an ephemeral identity never touches disk.
 */
final class Tls {

	static final String ALIAS = "liaison-crm-server";

	record Identity(SSLContext context, X509Certificate certificate) {
	}

	private Tls() {
	}

	static Identity ephemeral(String host) throws IOException {
		try {
			KeyStore ks = KeyStore.getInstance("PKCS12");
			ks.load(null, null);
			char[] pw = new char[0];
			generate(ks, host, pw);
			return identity(ks, pw);
		} catch (GeneralSecurityException e) {
			throw new IOException("cannot make a TLS certificate: " + e.getMessage(), e);
		}
	}

	/** Loads the key store of {@code dataDir}, making it (and its certificate) at first start. */
	static Identity persistent(Path dataDir, String host, char[] password) throws IOException {
		Path file = dataDir.resolve("tls").resolve("server.p12");
		try {
			KeyStore ks = KeyStore.getInstance("PKCS12");
			if (Files.exists(file)) {
				try (InputStream in = Files.newInputStream(file)) {
					ks.load(in, password);
				} catch (IOException e) {
					throw new IOException("cannot open the server's key store " + file + " with the password kept in secure"
							+ " storage (was the data folder copied from another Liaison home?): " + e.getMessage(), e);
				}
			} else {
				ks.load(null, null);
				generate(ks, host, password);
				Files.createDirectories(file.getParent());
				Path tmp = file.resolveSibling("server.p12.tmp");
				try (OutputStream out = Files.newOutputStream(tmp)) {
					ks.store(out, password);
				}
				Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			return identity(ks, password);
		} catch (GeneralSecurityException e) {
			throw new IOException("cannot set up TLS: " + e.getMessage(), e);
		}
	}

	private static Identity identity(KeyStore ks, char[] password) throws GeneralSecurityException {
		KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		kmf.init(ks, password);
		SSLContext ctx = SSLContext.getInstance("TLS");
		ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
		return new Identity(ctx, (X509Certificate) ks.getCertificate(ALIAS));
	}

	private static void generate(KeyStore ks, String host, char[] password) throws GeneralSecurityException, IOException {
		KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
		g.initialize(new ECGenParameterSpec("secp256r1"));
		KeyPair kp = g.generateKeyPair();
		X500Name name = new X500Name("CN=Liaison reference CRM server (" + host + "), O=Liaison");
		Instant now = Instant.now();
		BigInteger serial = new BigInteger(64, new SecureRandom());
		JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial,
				Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(825))), name, kp.getPublic());
		List<GeneralName> names = new ArrayList<>();
		names.add(new GeneralName(GeneralName.dNSName, "localhost"));
		names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
		names.add(new GeneralName(GeneralName.iPAddress, "::1"));
		if (host != null && !host.equals("localhost") && !host.equals("127.0.0.1") && !host.equals("0.0.0.0")) {
			boolean ip = host.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':');
			names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
		}
		if (host != null && host.equals("0.0.0.0")) {
			names.add(new GeneralName(GeneralName.dNSName, InetAddress.getLocalHost().getHostName()));
		}
		b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
		b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
		b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
		b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
		try {
			X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
			X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
			ks.setKeyEntry(ALIAS, kp.getPrivate(), password, new X509Certificate[] { cert });
		} catch (OperatorCreationException e) {
			throw new GeneralSecurityException(e.getMessage(), e);
		}
	}
}
