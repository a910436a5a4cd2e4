package org.liaison.messaging.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.messaging.MessagingOptions;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.messaging.MessagingService;
import org.liaison.api.messaging.TrackResult;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemKind;
import org.liaison.api.model.RecordRef;
import org.liaison.api.model.TrackingState;
import org.liaison.api.profile.Profile;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.RunRecord;
import org.liaison.api.sync.SyncException;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestHome;

/**
 * The messaging sync end to end, each test named for what the user does, on the reference CRM
 * server, GreenMail and Radicale.
 */
class MessagingEndToEndTest {

	World world;

	@BeforeEach
	void start() {
		System.setProperty("liaison.home", TestHome.get().toString());
		world = new World();
	}

	@AfterEach
	void stop() throws Exception {
		world.close();
		System.setProperty("liaison.home", TestHome.get().toString());
	}

	static UUID create(CrmClient c, String set, Map<String, Object> fields) throws Exception {
		UUID id = UUID.randomUUID();
		c.write(CrmWrite.createWithId(set, id, fields), List.of());
		return id;
	}

	static Map<String, Object> contact(String first, String last, String email) {
		Map<String, Object> f = new LinkedHashMap<>();
		f.put("firstname", first);
		f.put("lastname", last);
		f.put("emailaddress1", email);
		return f;
	}

	@Test
	void replyToATrackedEmail_isTrackedToTheSameOpportunity() throws Exception {
		Profile alice = world.profile("alice", "replies", false);
		RecordRef deal;
		try (CrmClient crm = world.client("alice")) {
			create(crm, "contacts", contact("Ann", "Customer", "ann@customer.test"));
			deal = new RecordRef("opportunities", create(crm, "opportunities", Map.of("name", "ACME renewal")));
		}
		world.deliver("alice", "ann@customer.test", "Offer", "<offer-1@customer.test>", null);
		world.sync(alice);
		TrackResult t = Osgi.service(MessagingService.class).track(alice, "INBOX", 1, deal, new NullProgressMonitor());
		assertEquals(TrackingState.TRACKED, t.state());

		world.deliver("alice", "ann@customer.test", "Re: Offer", "<offer-2@customer.test>", "<offer-1@customer.test>");
		MessagingReport r = world.sync(alice);
		assertEquals(1, r.tracked(), "the reply is tracked: " + r);
		try (CrmClient crm = world.client("alice")) {
			List<CrmRecord> reply = world.emails(crm, "<offer-2@customer.test>");
			assertEquals(1, reply.size());
			assertEquals(deal.id(), reply.get(0).lookup("regardingobjectid"), "regarding the same opportunity");
			assertEquals(1, world.emails(crm, "<offer-1@customer.test>").size(), "the first email is still one");
		}
		assertEquals(0, world.sync(alice).tracked(), "a second run tracks nothing again");
		try (ProfileStore store = Osgi.service(OfflineStore.class).open(alice.name())) {
			List<RunRecord> runs = store.syncState().runs("mail", 10);
			assertEquals(4, runs.size(), "three syncs and one Set Regarding by hand: " + runs);
			for (RunRecord run : runs) {
				assertNotNull(run.finished(), "the Sync view shows every mail run ended: " + run);
			}
			assertTrue(runs.stream().anyMatch(run -> run.outcome().startsWith("set regarding INBOX/1")
					&& run.crm().updated() == 1), "the hand-tracking run says what it did: " + runs);
			assertTrue(runs.stream().anyMatch(run -> run.outcome().equals("done") && run.crm().created() == 1),
					"the sync that tracked the reply counts it: " + runs);
		}
	}

	@Test
	void contactLeavesTheFilter_removedFromTheAddressBook_keptInTheCrm() throws Exception {
		Profile alice = world.profile("alice", "none", true);
		UUID ada;
		try (CrmClient crm = world.client("alice")) {
			ada = create(crm, "contacts", contact("Ada", "Lovelace", "ada@example.test"));
			create(crm, "contacts", contact("Grace", "Hopper", "grace@example.test"));
		}
		MessagingReport first = world.sync(alice);
		assertEquals(2, first.pim().get(ItemKind.CONTACT).mailbox().created(), first.toString());
		assertEquals(2, world.davItems(alice, ItemKind.CONTACT).size());

		try (CrmClient crm = world.client("alice")) {
			CrmRecord r = crm.retrieve("contacts", ada, CrmQuery.select("contactid"));
			crm.write(CrmWrite.update("contacts", ada, Map.of("statecode", 1, "statuscode", 2), r.etag()), List.of());
		}
		MessagingReport second = world.sync(alice);
		assertEquals(1, second.pim().get(ItemKind.CONTACT).mailbox().deleted(), second.toString());
		assertEquals(0, second.pim().get(ItemKind.CONTACT).crm().deleted(), "nothing is deleted in the CRM");
		List<String> names = world.davItems(alice, ItemKind.CONTACT).stream()
				.map(i -> Contact.fromData(i.data()).lastName()).toList();
		assertEquals(List.of("Hopper"), names);
		try (CrmClient crm = world.client("alice")) {
			assertNotNull(crm.retrieve("contacts", ada, CrmQuery.select("contactid")), "the CRM record stays");
		}
	}

	@Test
	void messagesDeletedInTheMailbox_leaveTheCache_theirCrmEmailsStay() throws Exception {
		Profile alice = world.profile("alice", "all", false);
		// more than one transaction's worth (500) of messages go, so the scan forgets them in parts
		int n = 620;
		for (int i = 0; i < n; i++) {
			world.deliver("alice", "ann@customer.test", "Note " + i, "<note-" + i + "@customer.test>", null);
		}
		assertEquals(n, world.sync(alice).tracked());
		String account = alice.mail().id();
		try (ProfileStore store = Osgi.service(OfflineStore.class).open(alice.name())) {
			assertEquals(n, store.mail().countMessages(account, "INBOX"));
		}
		Set<String> kept = java.util.stream.IntStream.range(0, n).filter(i -> i % 31 == 0)
				.mapToObj(i -> "<note-" + i + "@customer.test>").collect(Collectors.toSet());
		assertEquals(n - kept.size(), world.expunge("alice", id -> !kept.contains(id)));

		MessagingReport r = world.sync(alice);
		assertTrue(r.ok(), "the rescan after the deletion: " + r);
		assertEquals(0, r.tracked(), "nothing is tracked again: " + r);
		try (ProfileStore store = Osgi.service(OfflineStore.class).open(alice.name())) {
			assertEquals(kept.size(), store.mail().countMessages(account, "INBOX"), "the deleted messages left the cache");
			assertEquals(1, store.mail().byMessageId(account, "<note-31@customer.test>").size(), "a kept one stays");
			assertTrue(store.mail().byMessageId(account, "<note-32@customer.test>").isEmpty(), "a deleted one is gone");
		}
		try (CrmClient crm = world.client("alice")) {
			assertEquals(1, world.emails(crm, "<note-32@customer.test>").size(),
					"the CRM email of a deleted message stays");
		}
		assertEquals(0, world.sync(alice).tracked(), "and a third run changes nothing");
	}

	@Test
	void secondComputerDeclinesTakeOver_noMessagingSync() throws Exception {
		Profile alice = world.profile("alice", "all", false);
		assertTrue(world.sync(alice).instance().synchronizing(), "the first computer becomes the synchronizing client");

		world.newComputer();
		Profile again = world.profile("alice", "all", false);
		world.deliver("alice", "someone@else.test", "Hello", "<hello-1@else.test>", null);
		MessagingReport declined = world.sync(again);
		assertFalse(declined.instance().synchronizing());
		assertTrue(declined.instance().message().contains("not the synchronizing client"), declined.instance().message());
		assertEquals(0, declined.scanned(), "no messaging data is synced");
		try (CrmClient crm = world.client("alice")) {
			assertEquals(0, world.emails(crm, "<hello-1@else.test>").size());
		}

		MessagingReport took = world.sync(again, new MessagingOptions(false, true, false));
		assertTrue(took.instance().synchronizing(), took.instance().message());
		try (CrmClient crm = world.client("alice")) {
			assertEquals(1, world.emails(crm, "<hello-1@else.test>").size());
		}
	}

	@Test
	void reinstall_duplicatesNothing() throws Exception {
		Profile alice = world.profile("alice", "all", true);
		try (CrmClient crm = world.client("alice")) {
			create(crm, "contacts", contact("Ada", "Lovelace", "ada@example.test"));
			create(crm, "tasks", Map.of("subject", "Call Ada"));
		}
		world.deliver("alice", "ada@example.test", "Question", "<q-1@example.test>", null);
		world.sync(alice);
		int contacts = world.davItems(alice, ItemKind.CONTACT).size();
		int tasks = world.davItems(alice, ItemKind.TASK).size();

		world.newComputer();
		Profile reinstalled = world.profile("alice", "all", true);
		MessagingReport r = world.sync(reinstalled, new MessagingOptions(false, true, false));
		for (var e : r.pim().entrySet()) {
			assertEquals(0, e.getValue().crm().created(), e.getKey() + ": nothing created in the CRM " + e.getValue());
			assertEquals(0, e.getValue().mailbox().created(), e.getKey() + ": nothing created in the mailbox");
		}
		assertEquals(0, r.tracked(), "the tracked message is not tracked twice");
		assertEquals(contacts, world.davItems(reinstalled, ItemKind.CONTACT).size());
		assertEquals(tasks, world.davItems(reinstalled, ItemKind.TASK).size());
		try (CrmClient crm = world.client("alice")) {
			assertEquals(1, world.emails(crm, "<q-1@example.test>").size());
			assertEquals(1, crm.query("contacts", CrmQuery.select("contactid").filter("lastname eq 'Lovelace'"))
					.records().size());
		}
	}

	@Test
	void outgoingCrmEmail_isSentThroughTheUsersSmtp_markedSent_andFiled() throws Exception {
		Profile alice = world.profile("alice", "none", false);
		UUID email;
		try (CrmClient crm = world.client("alice")) {
			Map<String, Object> f = new LinkedHashMap<>();
			f.put("subject", "Your quote");
			f.put("description", "Please find the quote.");
			f.put("directioncode", true);
			f.put("email_activity_parties", List.of(Map.of("participationtypemask", 2, "addressused", "bob@example.test")));
			email = create(crm, "emails", f);
			crm.write(CrmWrite.update("emails", email, Map.of("statecode", 1, "statuscode", 6), "*"), List.of());
		}
		MessagingReport r = world.sync(alice);
		assertEquals(1, r.sent(), r.toString());
		var imap = world.mail.getManagers().getImapHostManager();
		var inbox = imap.getInbox(world.mailUsers.get("bob"));
		assertEquals(1, inbox.getMessageCount(), "bob received it");
		assertEquals("Your quote", inbox.getMessages().get(0).getMimeMessage().getSubject());
		assertEquals(1, imap.getFolder(world.mailUsers.get("alice"), "Sent").getMessageCount(), "the sent copy is filed");
		try (CrmClient crm = world.client("alice")) {
			CrmRecord after = crm.retrieve("emails", email, CrmQuery.select("statuscode", "messageid"));
			assertEquals(3, after.integer("statuscode"), "the CRM says Sent");
			assertNotNull(after.string("messageid"));
		}
		assertEquals(0, world.sync(alice).sent(), "nothing is sent twice");
		assertEquals(1, inbox.getMessageCount(), "bob received it once");
	}

	@Test
	void aRunStoppedWhileHandingAnEmailOver_theNextRunNeverSendsItTwice() throws Exception {
		// as a run leaves an email it was killed while handing over: Sending, its Message-ID given;
		// one went out and was filed in Sent before the stop, the other not (no copy to tell)
		Profile alice = world.profile("alice", "none", false);
		var imap = world.mail.getManagers().getImapHostManager();
		int bobHad = imap.getInbox(world.mailUsers.get("bob")).getMessageCount();
		UUID filed;
		UUID unknown;
		String filedId = "<" + UUID.randomUUID() + "@liaison.invalid>";
		String unknownId = "<" + UUID.randomUUID() + "@liaison.invalid>";
		try (CrmClient crm = world.client("alice")) {
			filed = sending(crm, "Filed before the stop", filedId);
			unknown = sending(crm, "Stopped mid-hand-over", unknownId);
		}
		world.deliverTo("alice", "Sent", "Filed before the stop", filedId);
		MessagingReport r = world.sync(alice);
		assertEquals(1, r.sent(), "the filed one counts as sent: " + r);
		assertEquals(1, r.sendFailed(), r.toString());
		assertTrue(r.problems().stream().anyMatch(p -> p.contains("Stopped mid-hand-over") && p.contains("may or may not")),
				r.problems().toString());
		assertEquals(bobHad, imap.getInbox(world.mailUsers.get("bob")).getMessageCount(), "nothing was sent again");
		try (CrmClient crm = world.client("alice")) {
			assertEquals(3, crm.retrieve("emails", filed, CrmQuery.select("statuscode")).integer("statuscode"));
			assertEquals(8, crm.retrieve("emails", unknown, CrmQuery.select("statuscode")).integer("statuscode"),
					"marked Failed for the user to check");
		}
		assertEquals(0, world.sync(alice).sent(), "and not later either");
	}

	private static UUID sending(CrmClient crm, String subject, String messageId) throws Exception {
		Map<String, Object> f = new LinkedHashMap<>();
		f.put("subject", subject);
		f.put("description", "Please find the quote.");
		f.put("directioncode", true);
		f.put("email_activity_parties", List.of(Map.of("participationtypemask", 2, "addressused", "bob@example.test")));
		UUID id = create(crm, "emails", f);
		crm.write(CrmWrite.update("emails", id, Map.of("statecode", 1, "statuscode", 7, "messageid", messageId), "*"),
				List.of());
		return id;
	}

	@Test
	void oneMessageTrackedByTwoUsers_isOneCrmEmailWithBothAsParties() throws Exception {
		Profile alice = world.profile("alice", "all", false);
		Profile bob = world.profile("bob", "all", false);
		world.deliver("alice", "carol@customer.test", "Kick-off", "<kickoff@customer.test>", null, "bob");
		world.deliver("bob", "carol@customer.test", "Kick-off", "<kickoff@customer.test>", null, "alice");
		assertEquals(1, world.sync(alice).tracked());
		MessagingReport b = world.sync(bob);
		assertEquals(0, b.tracked());
		assertEquals(1, b.joined(), "bob's copy joins alice's CRM email");
		try (CrmClient crm = world.client("alice")) {
			List<CrmRecord> one = world.emails(crm, "<kickoff@customer.test>");
			assertEquals(1, one.size());
			Set<String> parties = one.get(0).list("email_activity_parties").stream()
					.map(p -> String.valueOf(p.get("_partyid_value"))).collect(Collectors.toSet());
			assertTrue(parties.contains(world.users.get("alice").toString()), "alice is a party: " + parties);
			assertTrue(parties.contains(world.users.get("bob").toString()), "bob is a party: " + parties);
		}
	}

	@Test
	void mailboxAddressOfAnotherUser_isRefusedWithAClearError() throws Exception {
		world.sync(world.profile("bob", "none", false));
		Profile alice = world.profile("alice", "none", false, "mail.address", "bob@example.test");
		SyncException e = assertThrows(SyncException.class, () -> world.sync(alice));
		assertTrue(e.getMessage().contains("refused this mailbox") && e.getMessage().contains("at most one"),
				e.getMessage());
	}

	@Test
	void dryRun_reportsWhatWouldHappen_andChangesNothing() throws Exception {
		Profile alice = world.profile("alice", "all", true);
		try (CrmClient crm = world.client("alice")) {
			create(crm, "contacts", contact("Ada", "Lovelace", "ada@example.test"));
		}
		world.sync(alice);
		try (CrmClient crm = world.client("alice")) {
			create(crm, "contacts", contact("Grace", "Hopper", "grace@example.test"));
		}
		world.deliver("alice", "ada@example.test", "Dry", "<dry@example.test>", null);
		MessagingReport dry = world.sync(alice, new MessagingOptions(true, false, false));
		assertEquals(1, dry.pim().get(ItemKind.CONTACT).mailbox().created(), dry.toString());
		assertEquals(1, dry.tracked());
		assertEquals(1, world.davItems(alice, ItemKind.CONTACT).size(), "the address book is unchanged");
		try (CrmClient crm = world.client("alice")) {
			assertEquals(0, world.emails(crm, "<dry@example.test>").size(), "nothing tracked");
		}
		MessagingReport real = world.sync(alice);
		assertEquals(1, real.pim().get(ItemKind.CONTACT).mailbox().created());
		assertEquals(1, real.tracked());
	}
}
