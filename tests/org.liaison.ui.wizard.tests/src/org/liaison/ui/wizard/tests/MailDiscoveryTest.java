package org.liaison.ui.wizard.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.liaison.ui.wizard.internal.MailDiscovery;

/** Reading a domain's autoconfiguration file (Thunderbird's format), as the mailbox page's discovery does. */
class MailDiscoveryTest {

	private static MailDiscovery.Found parse(String xml) throws IOException {
		return MailDiscovery.parseAutoconfig(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "test");
	}

	@Test
	void autoconfig_prefersImap_takesTheFirstSmtp_mapsSocketTypes() throws Exception {
		MailDiscovery.Found f = parse("""
				<clientConfig version="1.1"><emailProvider id="example.test">
				  <incomingServer type="pop3"><hostname>pop.example.test</hostname><port>995</port><socketType>SSL</socketType></incomingServer>
				  <incomingServer type="imap"><hostname>imap.example.test</hostname><port>143</port><socketType>STARTTLS</socketType></incomingServer>
				  <outgoingServer type="smtp"><hostname>smtp.example.test</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
				  <outgoingServer type="smtp"><hostname>other.example.test</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer>
				</emailProvider></clientConfig>""");
		assertEquals(new MailDiscovery.Server("imap", "imap.example.test", 143, "starttls"), f.incoming());
		assertEquals(new MailDiscovery.Server("smtp", "smtp.example.test", 465, "tls"), f.smtp());
	}

	@Test
	void autoconfig_withoutTls_offersNothing() throws Exception {
		// Liaison never suggests a plain connection to a server across the network
		assertNull(parse("""
				<clientConfig><emailProvider>
				  <incomingServer type="imap"><hostname>imap.example.test</hostname><port>143</port><socketType>plain</socketType></incomingServer>
				</emailProvider></clientConfig>"""));
	}

	@Test
	void autoconfig_malformed_saysSo() {
		IOException e = assertThrows(IOException.class, () -> parse("<clientConfig><emailProvider><incomingServer"));
		assertEquals(true, e.getMessage().startsWith("the autoconfiguration file cannot be read"), e.getMessage());
	}

	@Test
	void autoconfig_refusesExternalEntities() throws Exception {
		assertThrows(IOException.class, () -> parse("""
				<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
				<clientConfig><emailProvider><incomingServer type="imap"><hostname>&e;</hostname><port>993</port>
				<socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>"""));
	}
}
