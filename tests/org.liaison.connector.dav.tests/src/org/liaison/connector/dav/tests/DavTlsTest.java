package org.liaison.connector.dav.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.liaison.api.model.ItemKind;
import org.liaison.api.pim.PimAccount;
import org.liaison.api.security.TrustService;
import org.liaison.api.sync.SyncException;
import org.liaison.testing.Osgi;
import org.liaison.testing.Radicale;

/** HTTPS to a server with a self-signed certificate: refused until the user pins it, then used. */
class DavTlsTest {

	@Test
	void selfSignedServer_refusedWithItsFingerprint_thenWorksOncePinned() throws Exception {
		try (Radicale radicale = Radicale.startTls()) {
			PimAccount account = radicale.account("tls");
			TrustService trust = Osgi.service(TrustService.class);
			String host = radicale.url().getHost();
			trust.unpin(host, radicale.port());
			SyncException e = assertThrows(SyncException.class,
					() -> Dav.connector().collections(account, new NullProgressMonitor()));
			X509Certificate[] chain = trust.probe(host, radicale.port());
			String fingerprint = TrustService.fingerprint(chain[0]);
			assertTrue(e.getMessage().contains("not trusted") && e.getMessage().contains(fingerprint), e.getMessage());

			trust.pin(host, radicale.port(), fingerprint); // what the user consents to in the pin prompt
			try {
				Dav.connector().createCollection(account, ItemKind.CONTACT, "Over TLS", new NullProgressMonitor());
				assertEquals(1, Dav.connector().collections(account, new NullProgressMonitor()).size());
			} finally {
				trust.unpin(host, radicale.port());
			}
		}
	}
}
