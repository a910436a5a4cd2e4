package org.liaison.connector.mail.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailFlags;
import org.liaison.api.mail.MailHeader;
import org.liaison.api.mail.MailStateExpiredException;
import org.liaison.api.mail.MailSyncState;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.model.Idents;
import org.liaison.connector.mail.internal.servers.Dovecot;
import org.liaison.connector.mail.internal.servers.Maildirs;
import org.liaison.testing.TestHome;

/**
 * Incremental IMAP sync on a real Dovecot, in its three forms: QRESYNC (VANISHED), CONDSTORE alone
 * (CHANGEDSINCE plus a UID search when the count says messages went), and neither (new UIDs plus a
 * flag listing compared with the last snapshot). Each must report exactly what changed.
 */
class DovecotSyncTest {

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "qresync", "condstore-only", "no-condstore" })
	void incrementalSync_reportsExactlyTheChanges(String mode) throws Exception {
		TestHome.get();
		String[] without = switch (mode) {
			case "condstore-only" -> new String[] { "QRESYNC" };
			case "no-condstore" -> new String[] { "QRESYNC", "CONDSTORE" };
			default -> new String[0];
		};
		Dovecot d = MailFixture.dovecot(without);
		Maildirs.generate(d.maildir("alice"), 30, 7);
		d.start();
		try (Mailbox mb = MailFixture.connector().open(MailFixture.imap(d, "alice"))) {
			Set<String> caps = mb.capabilities();
			assertEquals(mode.equals("qresync"), caps.contains("QRESYNC"), caps.toString());
			assertEquals(!mode.equals("no-condstore"), caps.contains("CONDSTORE"), caps.toString());

			MailFixture.Recorder first = new MailFixture.Recorder();
			MailSyncState s1 = mb.sync(Mailbox.INBOX, null, first, null);
			assertEquals(30, first.added.size(), first.toString());
			assertTrue(first.bad.isEmpty(), first.toString());
			assertEquals(30, s1.messages());
			MailHeader h0 = first.added.get(0);
			assertTrue(h0.message().messageId().startsWith("<gen.7."), h0.message().messageId());
			assertEquals(Idents.fromNaturalKey(h0.message().messageId()), h0.ident());
			assertEquals("alice@example.test", h0.message().parties().get(1).address());
			long seenCount = first.added.stream().filter(h -> h.has(MailFlags.SEEN)).count();
			assertEquals(10, seenCount, "a third of the generated messages are seen");

			MailFixture.Recorder quiet = new MailFixture.Recorder();
			MailSyncState s2 = mb.sync(Mailbox.INBOX, s1, quiet, null);
			assertEquals(0, quiet.added.size() + quiet.changed.size() + quiet.vanished.size(), quiet.toString());

			List<Long> uids = first.added.stream().map(MailHeader::uid).sorted().toList();
			long flagged = uids.get(2);
			long tracked = uids.get(3);
			long moved = uids.get(4);
			long expunged = uids.get(5);
			mb.setFlags(Mailbox.INBOX, List.of(flagged), Set.of(MailFlags.FLAGGED), true);
			mb.setFlags(Mailbox.INBOX, List.of(tracked), Set.of(MailAccount.TRACKED_KEYWORD), true);
			mb.createFolder("Archive");
			Map<Long, Long> map = mb.move(Mailbox.INBOX, List.of(moved), "Archive");
			if (caps.contains("UIDPLUS")) {
				assertEquals(Set.of(moved), map.keySet(), "UIDPLUS gives the new UID");
			}
			mb.move(Mailbox.INBOX, List.of(expunged), "Archive");
			long a1 = mb.append(Mailbox.INBOX, MailFixture.message("<new1@test>", "New one", "hello"), Set.of());
			mb.append(Mailbox.INBOX, MailFixture.message("<new2@test>", "New two", "hello"), Set.of(MailFlags.SEEN));
			if (caps.contains("UIDPLUS")) {
				assertTrue(a1 > uids.get(uids.size() - 1), "APPENDUID: " + a1);
			}

			MailFixture.Recorder inc = new MailFixture.Recorder();
			MailSyncState s3 = mb.sync(Mailbox.INBOX, s2, inc, null);
			assertEquals(List.of("New one", "New two"), inc.added.stream().map(h -> h.message().subject()).toList(),
					inc.toString());
			assertTrue(inc.added.get(1).has(MailFlags.SEEN));
			assertEquals(new TreeSet<>(List.of(moved, expunged)), new TreeSet<>(inc.vanished), inc.toString());
			assertEquals(new TreeSet<>(List.of(flagged, tracked)), new TreeSet<>(inc.changed), inc.toString());
			int ti = inc.changed.indexOf(tracked);
			assertTrue(inc.changedFlags.get(ti).contains(MailAccount.TRACKED_KEYWORD), inc.changedFlags.toString());
			assertEquals(30, s3.messages());

			MailFixture.Recorder quietAgain = new MailFixture.Recorder();
			mb.sync(Mailbox.INBOX, s3, quietAgain, null);
			// the same state once more (as after a crash before the engine saved the newer token)
			MailFixture.Recorder replay = new MailFixture.Recorder();
			mb.sync(Mailbox.INBOX, s3, replay, null);
			assertEquals(0, replay.added.size() + replay.changed.size() + replay.vanished.size(), replay.toString());
			assertEquals(0, quietAgain.added.size() + quietAgain.changed.size() + quietAgain.vanished.size(),
					quietAgain.toString());

			// the archive got the two moved messages
			MailFixture.Recorder arch = new MailFixture.Recorder();
			MailSyncState sa = mb.sync("Archive", null, arch, null);
			assertEquals(2, arch.added.size(), arch.toString());
			assertEquals(1, mb.findByMessageId("Archive", arch.added.get(0).message().messageId()).size());

			// a folder made anew has a new UIDVALIDITY: the old state is refused, not misread
			try (var raw = new RawImap(d, "alice")) {
				raw.command("DELETE Archive");
				raw.command("CREATE Archive");
			}
			assertThrows(MailStateExpiredException.class,
					() -> mb.sync("Archive", sa, new MailFixture.Recorder(), null));
			MailFixture.Recorder fresh = new MailFixture.Recorder();
			mb.sync("Archive", null, fresh, null);
			assertFalse(fresh.added.size() > 0, fresh.toString());
		} finally {
			d.close();
			d.delete();
		}
	}
}
