package org.liaison.connector.mail.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailSecurity;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Removal;
import org.liaison.connector.mail.internal.servers.Dovecot;
import org.liaison.connector.mail.internal.servers.Maildirs;
import org.liaison.testing.FaultProxy;
import org.liaison.testing.TestHome;
import org.liaison.testing.TestPasswords;

/**
 * Messages no mail client should choke on, served by a real Dovecot (over IMAP, where the server
 * parses the MIME structure, and over POP3, where Liaison parses it): what can be read without loss
 * is read leniently; what cannot is reported with a reason naming the message, and quarantined;
 * the others go on. Then a server that drops the connection in the middle of one message.
 */
class BadInputTest {

	private static Dovecot dovecot;

	static final String GOOD = "Message-ID: <good@test>\r\nFrom: bob@example.test\r\nTo: alice@example.test\r\n"
			+ "Subject: Good\r\nDate: Mon, 5 Jan 2026 10:00:00 +0000\r\n\r\nAll fine.\r\n";

	static final String BROKEN_BOUNDARY = "Message-ID: <broken-boundary@test>\r\nFrom: bob@example.test\r\n"
			+ "Subject: Broken boundary\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n"
			+ "--ABC\r\nContent-Type: text/plain\r\n\r\nthe text\r\n--ABC--\r\n";

	static final String BAD_CHARSET = "Message-ID: <bad-charset@test>\r\nFrom: bob@example.test\r\n"
			+ "Subject: =?x-no-such-charset?Q?Caf=E9?=\r\nMIME-Version: 1.0\r\n"
			+ "Content-Type: text/plain; charset=x-no-such-charset\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCaf\u00e9 au lait\r\n";

	static byte[] bytes(String s, java.nio.charset.Charset cs) {
		return s.getBytes(cs);
	}

	static byte[] hugeHeader() {
		StringBuilder b = new StringBuilder("Message-ID: <huge@test>\r\nFrom: bob@example.test\r\nSubject: Huge\r\n");
		b.append("References:");
		for (int i = 0; i < 40_000; i++) {
			b.append(" <ref").append(i).append("@huge.example.test>\r\n");
		}
		b.append("\r\nbody\r\n");
		return b.toString().getBytes(StandardCharsets.US_ASCII);
	}

	@BeforeAll
	static void start() throws Exception {
		TestHome.get();
		dovecot = MailFixture.dovecot();
		java.nio.file.Path md = dovecot.maildir("alice");
		Maildirs.put(md, "1.a.test", GOOD.getBytes(StandardCharsets.US_ASCII));
		Maildirs.put(md, "2.b.test", BROKEN_BOUNDARY.getBytes(StandardCharsets.US_ASCII));
		Maildirs.put(md, "3.c.test", BAD_CHARSET.getBytes(StandardCharsets.ISO_8859_1));
		Maildirs.put(md, "4.d.test", ("Message-ID: <utf8@test>\r\nFrom: J\u00fcrgen <j@example.test>\r\n"
				+ "Subject: Gr\u00fc\u00dfe aus K\u00f6ln\r\n\r\nraw UTF-8 in headers\r\n").getBytes(StandardCharsets.UTF_8));
		Maildirs.put(md, "5.e.test", ("Message-ID: <latin1@test>\r\nFrom: bob@example.test\r\n"
				+ "Subject: Caf\u00e9 cr\u00e8me\r\n\r\nraw Latin-1 in headers\r\n").getBytes(StandardCharsets.ISO_8859_1));
		Maildirs.put(md, "6.f.test", hugeHeader());
		Maildirs.put(md, "7.g.test", ("From: bob@example.test\r\nSubject: No Message-ID\r\n\r\nanonymous\r\n")
				.getBytes(StandardCharsets.US_ASCII));
		Maildirs.put(md, "8.h.test", ("Message-ID: <encoded@test>\r\nFrom: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.test>\r\n"
				+ "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n =?ISO-8859-1?Q?_aus_K=F6ln?= und =?x-unknown?Q?abc?=\r\n\r\nencoded words\r\n")
				.getBytes(StandardCharsets.US_ASCII));
		dovecot.start();
	}

	@AfterAll
	static void stop() throws Exception {
		dovecot.close();
		dovecot.delete();
	}

	record Outcome(Map<String, RemoteItem> items, Map<String, String> bad) {
		RemoteItem bySubject(String s) {
			return items.values().stream().filter(i -> s.equals(i.data().get(EmailMessage.SUBJECT))).findFirst()
					.orElseThrow(() -> new AssertionError("no item '" + s + "' in " + items.keySet() + ", bad " + bad));
		}

		String badContaining(String text) {
			return bad.values().stream().filter(r -> r.contains(text)).findFirst()
					.orElseThrow(() -> new AssertionError("no bad item mentioning '" + text + "': " + bad));
		}
	}

	static Outcome listAndGet(ItemCollection c) throws Exception {
		List<String> hrefs = new ArrayList<>();
		c.list(null, new ListSink() {
			@Override
			public void present(ItemVersion item) {
				hrefs.add(item.href());
			}

			@Override
			public void removed(String href, Removal why) {
				throw new AssertionError("nothing was removed");
			}
		}, null);
		Map<String, RemoteItem> items = new HashMap<>();
		Map<String, String> bad = new HashMap<>();
		c.get(hrefs, new FetchSink() {
			@Override
			public void item(RemoteItem item) {
				items.put(item.href(), item);
			}

			@Override
			public void bad(String href, String version, String reason, String raw) {
				bad.put(href, reason);
			}
		}, null);
		assertEquals(hrefs.size(), items.size() + bad.size(), "every listed message is an item or quarantined");
		return new Outcome(items, bad);
	}

	@Test
	void imap_malformedMessages_readLeniently_orQuarantinedWithReason_restGoesOn() throws Exception {
		try (Mailbox mb = MailFixture.connector().open(MailFixture.imap(dovecot, "alice"))) {
			Outcome o = listAndGet(MailFixture.connector().collection(mb, Mailbox.INBOX));
			assertEquals(8, o.items.size() + o.bad.size());
			assertEquals("All fine.", o.bySubject("Good").data().get(EmailMessage.BODY_TEXT).trim());
			// RFC 2047: B and Q words, folded, adjacent words joined, an unknown charset kept as written
			RemoteItem enc = o.bySubject("Gr\u00fc\u00dfe aus K\u00f6ln und =?x-unknown?Q?abc?=");
			assertTrue(enc.data().get(EmailMessage.PARTIES).contains("J\u00fcrgen M\u00fcller"), enc.data().toString());
			// raw 8-bit headers: UTF-8 when it is UTF-8, else Windows-1252
			RemoteItem utf8 = o.bySubject("Gr\u00fc\u00dfe aus K\u00f6ln");
			assertTrue(utf8.data().get(EmailMessage.PARTIES).contains("J\u00fcrgen"), utf8.data().toString());
			o.bySubject("Caf\u00e9 cr\u00e8me");
			// an unknown charset: the text is kept, decoded as well as it can be
			RemoteItem cs = o.items.values().stream().filter(i -> "<bad-charset@test>".equals(i.data().get(EmailMessage.MESSAGE_ID)))
					.findFirst().orElseThrow(() -> new AssertionError(o.bad.toString()));
			assertTrue(cs.data().get(EmailMessage.BODY_TEXT).contains("Caf\u00e9 au lait"), cs.data().toString());
			// a header block over the limit: quarantined, the reason names the message
			String huge = o.badContaining("header block");
			assertTrue(huge.contains("UID") && huge.contains("INBOX") && huge.contains("limit"), huge);
			// no Message-ID: an ident from the headers, the same every time
			RemoteItem anon = o.bySubject("No Message-ID");
			Outcome again = listAndGet(MailFixture.connector().collection(mb, Mailbox.INBOX));
			assertEquals(anon.ident(), again.bySubject("No Message-ID").ident());
			// a multipart whose boundary never comes: Dovecot finds nothing in it, Liaison's own
			// parse says why; quarantined with the reason
			String bb = o.badContaining("MIME");
			assertTrue(bb.contains("UID") && bb.contains("INBOX") && bb.contains("boundary"), bb);
			assertEquals(6, o.items.size(), o.bad.toString());
		}
	}

	@Test
	void pop3_malformedMessages_parsedLocally_brokenBoundaryQuarantined() throws Exception {
		MailAccount pop = MailAccount.pop3("bad-pop-" + TestPasswords.random(),
				MailFixture.server("127.0.0.1", dovecot.pop3Port, MailSecurity.NONE, "alice", dovecot.password("alice")),
				null, "alice@example.test", true).withTimeout(Duration.ofSeconds(20));
		try (Mailbox mb = MailFixture.connector().open(pop)) {
			Outcome o = listAndGet(MailFixture.connector().collection(mb, Mailbox.INBOX));
			assertEquals(8, o.items.size() + o.bad.size());
			String bb = o.badContaining("MIME");
			assertTrue(bb.contains("UID") && bb.contains("INBOX"), bb);
			o.badContaining("header block");
			assertEquals("All fine.", o.bySubject("Good").data().get(EmailMessage.BODY_TEXT).trim());
			assertEquals(6, o.items.size(), o.bad.toString());
		}
	}

	@Test
	void serverDropsConnectionInOneMessage_thatMessageQuarantined_othersScanned() throws Exception {
		Dovecot d = MailFixture.dovecot();
		Maildirs.generate(d.maildir("alice"), 12, 21);
		ByteArrayOutputStream poison = new ByteArrayOutputStream();
		poison.writeBytes(MailFixture.message("<poison@test>", "POISON-PILL trips the proxy", "x"));
		Maildirs.put(d.maildir("alice"), "999.poison.test", poison.toByteArray());
		d.start();
		try (FaultProxy proxy = FaultProxy.tcp(d.imapPort).onMarker("POISON-PILL", FaultProxy.Fault.TRUNCATE)) {
			MailAccount viaProxy = MailAccount.imap("proxy-" + TestPasswords.random(),
					MailFixture.server("127.0.0.1", proxy.port(), MailSecurity.NONE, "alice", d.password("alice")), null,
					"alice@example.test").withTimeout(Duration.ofSeconds(10));
			try (Mailbox mb = MailFixture.connector().open(viaProxy)) {
				MailFixture.Recorder r = new MailFixture.Recorder();
				mb.sync(Mailbox.INBOX, null, r, null);
				assertEquals(12, r.added.size(), r.toString());
				assertEquals(1, r.bad.size(), r.toString());
				assertTrue(r.bad.get(0).contains("UID " + r.badUids.get(0)) && r.bad.get(0).contains("could not be fetched"),
						r.bad.get(0));
				assertTrue(proxy.faults.get() > 0);
			}
		} finally {
			d.close();
			d.delete();
		}
	}
}
