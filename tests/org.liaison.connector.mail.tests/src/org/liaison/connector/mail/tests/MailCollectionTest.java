package org.liaison.connector.mail.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.Idents;
import org.liaison.api.model.ItemKind;
import org.liaison.api.model.ParticipationType;
import org.liaison.api.sync.AlreadyExistsException;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemRejectedException;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.TokenExpiredException;
import org.liaison.api.sync.WriteResult;
import org.liaison.connector.mail.internal.servers.Dovecot;
import org.liaison.connector.mail.internal.servers.Maildirs;
import org.liaison.testing.TestHome;

/** A Dovecot folder as an engine {@link ItemCollection}: listing with tokens, fetching, idempotent create. */
class MailCollectionTest {

	static final class Listing implements ListSink {
		final List<String> present = new ArrayList<>();
		final List<String> removed = new ArrayList<>();

		@Override
		public void present(ItemVersion item) {
			assertEquals("1", item.version(), "messages are immutable: one version");
			present.add(item.href());
		}

		@Override
		public void removed(String href, Removal why) {
			assertEquals(Removal.DELETED, why);
			removed.add(href);
		}
	}

	static List<RemoteItem> get(ItemCollection c, List<String> hrefs) throws Exception {
		List<RemoteItem> out = new ArrayList<>();
		c.get(hrefs, new FetchSink() {
			@Override
			public void item(RemoteItem item) {
				out.add(item);
			}

			@Override
			public void bad(String href, String version, String reason, String raw) {
				throw new AssertionError(href + ": " + reason);
			}
		}, null);
		return out;
	}

	@Test
	void folderCollection_listsIncrementally_createsOnce_refusesChanges() throws Exception {
		TestHome.get();
		Dovecot d = MailFixture.dovecot();
		Maildirs.generate(d.maildir("alice"), 5, 3);
		d.start();
		try (Mailbox mb = MailFixture.connector().open(MailFixture.imap(d, "alice"))) {
			ItemCollection c = MailFixture.connector().collection(mb, Mailbox.INBOX);
			assertEquals(ItemKind.EMAIL, c.info().kind());
			Listing l1 = new Listing();
			String t1 = c.list(null, l1, null);
			assertEquals(5, l1.present.size());
			List<RemoteItem> items = get(c, l1.present);
			assertEquals(5, items.size());
			RemoteItem first = items.get(0);
			EmailMessage m = EmailMessage.fromData(first.data());
			assertEquals(Idents.fromNaturalKey(m.messageId()), first.ident());
			assertTrue(m.bodyText().contains("the numbers look good"), m.bodyText());

			UUID ident = UUID.randomUUID();
			EmailMessage fresh = new EmailMessage("<created-" + ident + "@liaison.test>", null, null, "Created by sync",
					List.of(ActivityParty.of(ParticipationType.SENDER, "alice@example.test"),
							ActivityParty.of(ParticipationType.TO, "bob@example.test")),
					null, "made by the engine", null, null, null, null, true, null, null, null);
			WriteResult w = c.create(ident, fresh.toData());
			AlreadyExistsException again = assertThrows(AlreadyExistsException.class, () -> c.create(ident, fresh.toData()));
			assertEquals(w.href(), again.existing().href(), "a repeated create finds the first one");

			Listing l2 = new Listing();
			String t2 = c.list(t1, l2, null);
			assertEquals(List.of(w.href()), l2.present);
			RemoteItem created = get(c, List.of(w.href())).get(0);
			assertEquals(ident, created.ident(), "the ident travels in X-LIAISON-ID");
			assertEquals("made by the engine", created.data().get(EmailMessage.BODY_TEXT).trim());

			assertThrows(ItemRejectedException.class, () -> c.update(created, fresh.toData()));
			assertThrows(ItemRejectedException.class, () -> c.delete(w.href(), "1"));

			// moved away elsewhere: removed from this collection's listing
			long uid = Long.parseLong(first.href().substring(first.href().indexOf('/') + 1));
			mb.createFolder("Elsewhere");
			mb.move(Mailbox.INBOX, List.of(uid), "Elsewhere");
			Listing l3 = new Listing();
			String t3 = c.list(t2, l3, null);
			assertEquals(List.of(first.href()), l3.removed);
			assertEquals(List.of(), l3.present);

			ItemCollection other = MailFixture.connector().collection(mb, "Elsewhere");
			String te = other.list(null, new Listing(), null);
			try (var raw = new RawImap(d, "alice")) {
				raw.command("DELETE Elsewhere");
				raw.command("CREATE Elsewhere");
			}
			assertThrows(TokenExpiredException.class, () -> other.list(te, new Listing(), null));
			assertTrue(t3.startsWith("m1:"));
		} finally {
			d.close();
			d.delete();
		}
	}
}
