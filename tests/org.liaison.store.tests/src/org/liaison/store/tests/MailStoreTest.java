package org.liaison.store.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.Idents;
import org.liaison.api.model.ItemKind;
import org.liaison.api.model.RecordRef;
import org.liaison.api.model.Tracking;
import org.liaison.api.model.TrackingState;
import org.liaison.api.store.CachedMessage;
import org.liaison.api.store.MailFolderState;
import org.liaison.api.store.MailStore;
import org.liaison.api.store.StoreException;
import org.liaison.store.derby.DerbyProfileStore;
import org.liaison.testing.contract.Samples;

/** Cached IMAP headers with folder state, and local POP3 mail with its raw MIME and UIDLs. */
class MailStoreTest {

	private DerbyProfileStore store;
	private MailStore mail;

	@BeforeEach
	void open() throws StoreException {
		store = Stores.memory();
		mail = store.mail();
	}

	@AfterEach
	void close() throws StoreException {
		store.close();
	}

	private static CachedMessage msg(String folder, long uid, int n) {
		EmailMessage m = EmailMessage.fromData(Samples.of(ItemKind.EMAIL, n));
		return new CachedMessage("acct", folder, uid, Idents.fromNaturalKey(m.messageId()), uid * 10, Set.of("\\Seen"),
				1000 + n, m, null);
	}

	@Test
	void folderState_andHeaders_streamByUid() throws Exception {
		mail.saveFolder(new MailFolderState("acct", "INBOX", 42, 101, 9000, null, Instant.EPOCH));
		assertEquals(42, mail.folder("acct", "INBOX").orElseThrow().uidValidity());
		List<CachedMessage> batch = new ArrayList<>();
		for (int i = 1; i <= 300; i++) {
			batch.add(msg("INBOX", i, i));
		}
		mail.putMessages(batch);
		assertEquals(300, mail.countMessages("acct", "INBOX"));
		assertEquals(300, mail.highestUid("acct", "INBOX"));
		List<Long> uids = new ArrayList<>();
		mail.messages("acct", "INBOX", 250, m -> uids.add(m.uid()));
		assertEquals(50, uids.size());
		assertEquals(251L, uids.get(0));

		CachedMessage one = mail.message("acct", "INBOX", 7).orElseThrow();
		assertEquals(batch.get(6).message(), one.message());
		assertEquals(Set.of("\\Seen"), one.flags());

		mail.updateFlags("acct", "INBOX", 7, Set.of("\\Seen", "$Liaison-Tracked"), 77);
		assertEquals(Set.of("\\Seen", "$Liaison-Tracked"), mail.message("acct", "INBOX", 7).orElseThrow().flags());
		mail.putMessages(List.of(msg("INBOX", 7, 1007))); // replaced, not added
		assertEquals(300, mail.countMessages("acct", "INBOX"));
		mail.removeMessages("acct", "INBOX", List.of(1L, 2L));
		assertEquals(298, mail.countMessages("acct", "INBOX"));
		mail.dropFolder("acct", "INBOX");
		assertEquals(0, mail.countMessages("acct", "INBOX"));
		assertTrue(mail.folder("acct", "INBOX").isEmpty());
	}

	@Test
	void correlationByMessageIdAndIdent_acrossFolders_andTrackingWithReason() throws Exception {
		mail.putMessages(List.of(msg("INBOX", 1, 5), msg("Archive", 9, 5), msg("INBOX", 2, 6)));
		String mid = EmailMessage.fromData(Samples.of(ItemKind.EMAIL, 5)).messageId();
		assertEquals(2, mail.byMessageId("acct", mid).size());
		assertEquals(2, mail.byIdent("acct", Idents.fromNaturalKey(mid)).size());

		RecordRef opp = new RecordRef("opportunities", UUID.randomUUID());
		RecordRef crm = new RecordRef("emails", UUID.randomUUID());
		mail.setTracking("acct", "INBOX", 1, new Tracking(TrackingState.TRACKED, opp, crm, "reply to a tracked email"));
		CachedMessage t = mail.message("acct", "INBOX", 1).orElseThrow();
		assertEquals(TrackingState.TRACKED, t.message().trackingState());
		assertEquals(opp, t.message().regarding());
		assertEquals(crm, t.message().crmEmail());
		assertEquals("reply to a tracked email", t.trackingReason());
	}

	@Test
	void localMail_rawStreamsBack_andUidlsAreRemembered() throws Exception {
		byte[] raw = new byte[3 * 1024 * 1024 + 17];
		new Random(3).nextBytes(raw);
		long uid1 = mail.storeLocal(msg("INBOX", 0, 1), "UIDL-1", new ByteArrayInputStream(raw));
		long uid2 = mail.storeLocal(msg("INBOX", 0, 2), "UIDL-2", new ByteArrayInputStream(new byte[] { 1, 2 }));
		assertEquals(uid1 + 1, uid2, "local mail gets the folder's next number");
		try (InputStream in = mail.openLocal("acct", "INBOX", uid1).orElseThrow()) {
			assertArrayEquals(raw, in.readAllBytes());
		}
		assertTrue(mail.openLocal("acct", "INBOX", 999).isEmpty());
		assertEquals(Set.of("UIDL-3"), mail.unknownUidls("acct", List.of("UIDL-1", "UIDL-2", "UIDL-3")));
		mail.rememberUidls("acct", List.of("UIDL-3", "UIDL-3"));
		assertTrue(mail.unknownUidls("acct", List.of("UIDL-3")).isEmpty());
		mail.forgetUidls("acct", List.of("UIDL-1"));
		assertEquals(Set.of("UIDL-1"), mail.unknownUidls("acct", List.of("UIDL-1")));
		mail.dropAccount("acct");
		assertEquals(0, mail.countMessages("acct", "INBOX"));
		assertEquals(Set.of("UIDL-2"), mail.unknownUidls("acct", List.of("UIDL-2")));
	}
}
