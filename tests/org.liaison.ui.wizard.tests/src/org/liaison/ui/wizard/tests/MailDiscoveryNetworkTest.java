package org.liaison.ui.wizard.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liaison.ui.wizard.internal.MailDiscovery;
import org.liaison.ui.wizard.internal.MailDiscovery.Found;
import org.liaison.ui.wizard.internal.MailDiscovery.Network;
import org.liaison.ui.wizard.internal.MailDiscovery.Server;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * Discovery from the address where the domain tells, against real servers started here: DNS SRV
 * records (RFC 6186) served by dnsmasq on 127.0.0.1, and the usual host names ({@code imap.},
 * {@code mail.}, {@code smtp.}) answered by GreenMail through a resolver that maps them to it.
 */
class MailDiscoveryNetworkTest {

	private static Process dnsmasq;
	private static Path dir;
	private static Network dns;

	@BeforeAll
	static void startDnsmasq() throws Exception {
		String binary = null;
		for (String d : new String[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin" }) {
			if (Files.isExecutable(Path.of(d, "dnsmasq"))) {
				binary = d + "/dnsmasq";
			}
		}
		assertTrue(binary != null, "dnsmasq is not installed: apt-get install dnsmasq-base (or ./liaison test, which"
				+ " installs the test servers)");
		dir = Files.createTempDirectory("liaison-dnsmasq");
		int port;
		try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
			port = s.getLocalPort();
		}
		List<String> cmd = new ArrayList<>(List.of(binary, "--port=" + port, "--no-daemon", "--no-resolv", "--no-hosts",
				"--conf-file=/dev/null", "--listen-address=127.0.0.1", "--bind-interfaces",
				"--pid-file=" + dir.resolve("pid"), "--user=" + System.getProperty("user.name")));
		for (String srv : new String[] {
				// example.test: IMAP over TLS and submission with STARTTLS
				"_imaps._tcp.example.test,imap.example.test,993", "_submission._tcp.example.test,smtp.example.test,587",
				// both: the TLS record is preferred to the STARTTLS one
				"_imaps._tcp.both.test,secure.both.test,993", "_imap._tcp.both.test,plain.both.test,143",
				// starttls.test: IMAP with STARTTLS only, submission over TLS
				"_imap._tcp.starttls.test,mx.starttls.test,1143", "_submissions._tcp.starttls.test,out.starttls.test,465",
				// pop.test: POP3 over TLS only, no submission record
				"_pop3s._tcp.pop.test,pop.pop.test,995" }) {
			cmd.add("--srv-host=" + srv);
		}
		dnsmasq = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
		dns = new Network("dns://127.0.0.1:" + port + "/", InetSocketAddress::new);
		long until = System.nanoTime() + 10_000_000_000L;
		while (MailDiscovery.srv("example.test", dns) == null) {
			if (!dnsmasq.isAlive() || System.nanoTime() > until) {
				throw new IOException("dnsmasq did not answer on 127.0.0.1:" + port + ": " + Files.readString(dir.resolve("log")));
			}
			Thread.sleep(100);
		}
	}

	@AfterAll
	static void stopDnsmasq() throws Exception {
		if (dnsmasq != null) {
			dnsmasq.destroy();
			dnsmasq.waitFor();
		}
	}

	@Test
	void srvRecords_imapsAndSubmission_found() {
		Found f = MailDiscovery.discover("ada@Example.test", dns, new NullProgressMonitor());
		assertEquals(new Server("imap", "imap.example.test", 993, "tls"), f.incoming());
		assertEquals(new Server("smtp", "smtp.example.test", 587, "starttls"), f.smtp());
		assertEquals("the DNS service records of example.test", f.how());
	}

	@Test
	void srvRecords_tlsPreferredToStarttls_starttlsAndPop3sTaken_whenThatIsAllThereIs() {
		assertEquals(new Server("imap", "secure.both.test", 993, "tls"), MailDiscovery.srv("both.test", dns).incoming());
		Found starttls = MailDiscovery.srv("starttls.test", dns);
		assertEquals(new Server("imap", "mx.starttls.test", 1143, "starttls"), starttls.incoming());
		assertEquals(new Server("smtp", "out.starttls.test", 465, "tls"), starttls.smtp());
		Found pop = MailDiscovery.srv("pop.test", dns);
		assertEquals(new Server("pop3", "pop.pop.test", 995, "tls"), pop.incoming());
		assertNull(pop.smtp());
	}

	@Test
	void srvRecords_noneForTheDomain_nothingFound() {
		assertNull(MailDiscovery.srv("nothing.test", dns));
	}

	@Test
	void usualHostNames_answeringOnTheUsualPorts_found() throws Exception {
		GreenMail mail = new GreenMail(new ServerSetup[] { new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS),
				new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP) });
		mail.start();
		try {
			// the resolver knows only mail.guess.test:993 (GreenMail's IMAPS) and smtp.guess.test:587 (its SMTP)
			Map<String, Integer> known = Map.of("mail.guess.test:993", mail.getImaps().getPort(),
					"smtp.guess.test:587", mail.getSmtp().getPort());
			List<String> tried = new ArrayList<>();
			Network net = new Network(null, (host, port) -> {
				tried.add(host + ":" + port);
				Integer local = known.get(host + ":" + port);
				return local == null ? InetSocketAddress.createUnresolved(host, port)
						: new InetSocketAddress("127.0.0.1", local);
			});
			Found f = MailDiscovery.guess("guess.test", net);
			assertEquals(new Server("imap", "mail.guess.test", 993, "tls"), f.incoming());
			assertEquals(new Server("smtp", "smtp.guess.test", 587, "starttls"), f.smtp());
			assertEquals("servers answering at the usual names of guess.test", f.how());
			assertEquals(List.of("imap.guess.test:993", "imap.guess.test:143", "mail.guess.test:993", "smtp.guess.test:587"),
					tried, "imap. first, then mail.; TLS before STARTTLS");
			assertNull(MailDiscovery.guess("nowhere.test", net), "no server answers: nothing found");
		} finally {
			mail.stop();
		}
	}
}
