package org.liaison.messaging.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.profile.Profile;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.RemoteItem;

/**
 * One user's world as the tests made it, and the invariants every run must leave true however it
 * ended: every delivered message is one CRM email; every outgoing CRM email went out once, or is
 * marked Failed with the reason and went out at most once; the address book, calendar and task list
 * hold each CRM record in the sync filter exactly once, with the CRM's content; no edit made on
 * either side is lost; what was created in the address book is one CRM contact.
 */
final class Ledger {

	final World world;
	final String user;
	final Random random;
	private int serial;
	/** Message-IDs delivered to the user's INBOX (tracking option "all": each becomes one CRM email). */
	final Set<String> messageIds = new LinkedHashSet<>();
	/** Outgoing CRM emails marked to send, by id, with their subjects. */
	final Map<UUID, String> outgoing = new LinkedHashMap<>();
	/** Contacts, appointments and tasks the user owns and the filters select, by kind. */
	final Map<ItemKind, Set<UUID>> inFilter = new HashMap<>();
	/** Contacts edited in the CRM: the job title they must show on both sides. */
	final Map<UUID, String> crmJobTitles = new HashMap<>();
	/** Contacts edited in the address book: the city they must show on both sides. */
	final Map<UUID, String> davCities = new HashMap<>();
	/** Last names of contacts created in the address book: each one CRM contact. */
	final Set<String> davCreated = new LinkedHashSet<>();

	Ledger(World world, String user, long seed) {
		this.world = world;
		this.user = user;
		this.random = new Random(seed);
		for (ItemKind k : List.of(ItemKind.CONTACT, ItemKind.APPOINTMENT, ItemKind.TASK)) {
			inFilter.put(k, new LinkedHashSet<>());
		}
	}

	private CrmClient client;

	/** The user's CRM client, signed in once for the ledger's life. */
	CrmClient crm() throws Exception {
		if (client == null) {
			client = world.client(user);
		}
		return client;
	}

	private String next(String what) {
		return what + "-" + user + "-" + (++serial);
	}

	/** Adds CRM records, new mail and outgoing email: the work of a first sync. */
	void seed(int contacts, int appointments, int tasks, int messages, int outgoingMails) throws Exception {
		{
			CrmClient crm = crm();
			for (int i = 0; i < contacts; i++) {
				newContact(crm);
			}
			for (int i = 0; i < appointments; i++) {
				newAppointment(crm);
			}
			for (int i = 0; i < tasks; i++) {
				newTask(crm);
			}
			for (int i = 0; i < outgoingMails; i++) {
				newOutgoing(crm);
			}
		}
		deliver(messages);
	}

	/**
	 * A busy time since the last sync: CRM contacts, appointments and tasks made, changed, leaving
	 * the filter; contacts changed and made in the address book; new mail (replies among it); outgoing
	 * email. The address book's edits touch other contacts than the CRM's (no conflicts to resolve).
	 */
	void busy(Profile profile) throws Exception {
		List<UUID> contacts = new ArrayList<>(inFilter.get(ItemKind.CONTACT));
		java.util.Collections.shuffle(contacts, random);
		{
			CrmClient crm = crm();
			for (int i = 0; i < 2; i++) {
				newContact(crm);
				newAppointment(crm);
				newTask(crm);
			}
			int k = 0;
			for (; k < Math.min(3, contacts.size()); k++) {
				UUID id = contacts.get(k);
				String title = next("title");
				crm.write(CrmWrite.update("contacts", id, Map.of("jobtitle", title), "*"), List.of());
				crmJobTitles.put(id, title);
				davCities.remove(id);
			}
			if (k < contacts.size()) {
				UUID gone = contacts.get(k++);
				crm.write(CrmWrite.update("contacts", gone, Map.of("statecode", 1, "statuscode", 2), "*"), List.of());
				inFilter.get(ItemKind.CONTACT).remove(gone);
				crmJobTitles.remove(gone);
				davCities.remove(gone);
			}
			List<UUID> appts = new ArrayList<>(inFilter.get(ItemKind.APPOINTMENT));
			for (int i = 0; i < Math.min(2, appts.size()); i++) {
				crm.write(CrmWrite.update("appointments", appts.get(i), Map.of("subject", next("moved")), "*"), List.of());
			}
			List<UUID> open = new ArrayList<>(inFilter.get(ItemKind.TASK));
			if (!open.isEmpty()) {
				UUID done = open.get(random.nextInt(open.size()));
				crm.write(CrmWrite.update("tasks", done, Map.of("statecode", 1, "statuscode", 5), "*"), List.of());
				inFilter.get(ItemKind.TASK).remove(done);
			}
			newOutgoing(crm);
			// the address book: other contacts changed, new ones made
			ItemCollection book = world.davCollection(profile, ItemKind.CONTACT);
			Map<UUID, RemoteItem> items = new HashMap<>();
			for (RemoteItem it : world.davItems(profile, ItemKind.CONTACT)) {
				items.put(it.ident(), it);
			}
			for (int j = k; j < Math.min(k + 2, contacts.size()); j++) {
				RemoteItem it = items.get(contacts.get(j));
				if (it != null) {
					String city = next("city");
					book.update(it, it.data().with(Contact.CITY, city));
					davCities.put(it.ident(), city);
					crmJobTitles.remove(it.ident());
				}
			}
			for (int j = 0; j < 2; j++) {
				String last = next("Booked");
				book.create(UUID.randomUUID(), Contact.of("Dav", last, last.toLowerCase() + "@customer.test").toData());
				davCreated.add(last);
			}
		}
		deliver(8);
	}

	private void newContact(CrmClient crm) throws Exception {
		UUID id = UUID.randomUUID();
		String last = next("Crm");
		Map<String, Object> f = new LinkedHashMap<>();
		f.put("firstname", "Pat");
		f.put("lastname", last);
		f.put("emailaddress1", last.toLowerCase() + "@customer.test");
		f.put("jobtitle", "buyer");
		crm.write(CrmWrite.createWithId("contacts", id, f), List.of());
		inFilter.get(ItemKind.CONTACT).add(id);
	}

	private void newAppointment(CrmClient crm) throws Exception {
		UUID id = UUID.randomUUID();
		Instant start = Instant.now().plus(1 + random.nextInt(60), ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
		Map<String, Object> f = new LinkedHashMap<>();
		f.put("subject", next("Meeting"));
		f.put("scheduledstart", start.toString());
		f.put("scheduledend", start.plus(1, ChronoUnit.HOURS).toString());
		crm.write(CrmWrite.createWithId("appointments", id, f), List.of());
		inFilter.get(ItemKind.APPOINTMENT).add(id);
	}

	private void newTask(CrmClient crm) throws Exception {
		UUID id = UUID.randomUUID();
		crm.write(CrmWrite.createWithId("tasks", id, Map.of("subject", next("Call"))), List.of());
		inFilter.get(ItemKind.TASK).add(id);
	}

	private void newOutgoing(CrmClient crm) throws Exception {
		UUID id = UUID.randomUUID();
		String subject = next("Quote");
		Map<String, Object> f = new LinkedHashMap<>();
		f.put("subject", subject);
		f.put("description", "Please find the quote.");
		f.put("directioncode", true);
		f.put("email_activity_parties", List.of(Map.of("participationtypemask", 2, "addressused", "bob@example.test")));
		crm.write(CrmWrite.createWithId("emails", id, f), List.of());
		crm.write(CrmWrite.update("emails", id, Map.of("statecode", 1, "statuscode", 6), "*"), List.of());
		outgoing.put(id, subject);
	}

	/** New mail in the INBOX: from CRM contacts and strangers, some replies to earlier mail. */
	void deliver(int n) throws Exception {
		List<String> earlier = new ArrayList<>(messageIds);
		for (int i = 0; i < n; i++) {
			String id = "<" + next("msg") + "@customer.test>";
			String reply = !earlier.isEmpty() && random.nextInt(3) == 0 ? earlier.get(random.nextInt(earlier.size())) : null;
			world.deliver(user, random.nextBoolean() ? "someone" + random.nextInt(5) + "@else.test" : "ann@customer.test",
					(reply == null ? "" : "Re: ") + "Subject " + id, id, reply);
			messageIds.add(id);
		}
	}

	/** Checks every invariant, after a run that should have converged. */
	void check(Profile profile, String context) throws Exception {
		String where = context + ": ";
		{
			CrmClient crm = crm();
			UUID me = world.users.get(user);
			// every delivered message is exactly one CRM email, and no Message-ID is there twice
			Map<String, Integer> perId = new HashMap<>();
			crm.queryAll("emails", CrmQuery.select("activityid", "messageid").filter("_ownerid_value eq " + me),
					r -> perId.merge(String.valueOf(r.string("messageid")), 1, Integer::sum), new NullProgressMonitor());
			for (String id : messageIds) {
				assertEquals(1, perId.getOrDefault(id, 0), where + "CRM emails with Message-ID " + id);
			}
			perId.forEach((id, n) -> assertTrue(n == 1 || id.equals("null"), where + n + " CRM emails with Message-ID " + id));

			// outgoing: sent once, or Failed (saying so) and sent at most once; never twice
			Map<String, Integer> received = world.inboxMessageIds("bob");
			for (Map.Entry<UUID, String> o : outgoing.entrySet()) {
				CrmRecord r = crm.retrieve("emails", o.getKey(),
						CrmQuery.select("statuscode", "messageid", "senton", "modifiedon", "versionnumber"));
				int copies = r.string("messageid") == null ? 0 : received.getOrDefault(r.string("messageid"), 0);
				int status = r.integer("statuscode");
				if (status == 3) {
					assertEquals(1, copies, () -> where + "'" + o.getValue() + "' is Sent: bob has it once; the CRM email "
							+ r.values() + ", bob's copies:" + world.inboxCopies("bob", r.string("messageid")));
				} else {
					assertEquals(8, status, where + "'" + o.getValue() + "' is neither Sent nor Failed");
					assertTrue(copies <= 1, where + "'" + o.getValue() + "' went out " + copies + " times");
				}
			}

			// the mailbox side holds exactly what the filters select, once each, with the CRM's content
			for (ItemKind kind : List.of(ItemKind.CONTACT, ItemKind.APPOINTMENT, ItemKind.TASK)) {
				Map<UUID, ItemData> dav = new HashMap<>();
				Set<String> hrefs = new TreeSet<>();
				for (RemoteItem it : world.davItems(profile, kind)) {
					assertTrue(dav.put(it.ident(), it.data()) == null, where + kind + " " + it.ident() + " twice in DAV");
					assertTrue(hrefs.add(it.href()), where + it.href());
				}
				Set<UUID> expected = new TreeSet<>(inFilter.get(kind));
				if (kind == ItemKind.CONTACT) {
					for (String last : davCreated) {
						List<CrmRecord> made = crm.query("contacts", CrmQuery.select("contactid", "lastname")
								.filter("lastname eq " + CrmQuery.quote(last))).records();
						assertEquals(1, made.size(), where + "the address book's new contact " + last + " in the CRM");
						expected.add(made.get(0).id());
					}
				}
				assertEquals(expected, new TreeSet<>(dav.keySet()), where + kind + ": DAV holds the filter's records");
				Map<UUID, CrmRecord> records = new HashMap<>();
				crm.queryAll(kind.entitySet(), (kind == ItemKind.CONTACT
						? CrmQuery.select("contactid", "lastname", "jobtitle", "address1_city")
						: CrmQuery.select("activityid", "subject")).filter("_ownerid_value eq " + me),
						r -> records.put(r.id(), r), new NullProgressMonitor());
				for (UUID id : expected) {
					CrmRecord r = records.get(id);
					ItemData d = dav.get(id);
					if (kind == ItemKind.CONTACT) {
						assertEquals(r.string("lastname"), d.get(Contact.LAST_NAME), where + id);
						assertEquals(r.string("jobtitle"), d.get(Contact.JOB_TITLE),
								() -> where + "job title of " + id + history(profile, "contacts", id));
						assertEquals(r.string("address1_city"), d.get(Contact.CITY),
								() -> where + "city of " + id + history(profile, "contacts", id));
						if (crmJobTitles.containsKey(id)) {
							assertEquals(crmJobTitles.get(id), r.string("jobtitle"), where + "the CRM's edit of " + id);
						}
						if (davCities.containsKey(id)) {
							assertEquals(davCities.get(id), r.string("address1_city"), where + "the address book's edit of " + id);
						}
					} else {
						assertEquals(r.string("subject"), d.get("subject"), where + kind + " " + id);
					}
				}
			}
		}
	}

	/** What the profile's store remembers of an item, for a failure message. */
	static String history(Profile profile, String pairId, UUID ident) {
		StringBuilder b = new StringBuilder("; its history:");
		try (var store = org.liaison.testing.Osgi.service(org.liaison.api.store.OfflineStore.class).open(profile.name())) {
			for (var h : store.syncState().history(pairId, ident, 50)) {
				b.append("\n    ").append(h);
			}
		} catch (Exception e) {
			b.append(" (cannot be read: ").append(e).append(')');
		}
		return b.toString();
	}

	/** Checks that a run had nothing left to do. */
	static void assertNothingToDo(MessagingReport r, String context) {
		for (var e : r.pim().entrySet()) {
			assertTrue(e.getValue().noop(), context + ": " + e.getKey() + " still had work: " + e.getValue());
		}
		assertEquals(0, r.tracked() + r.joined(), context + ": tracked again: " + r);
		assertEquals(0, r.sent(), context + ": sent again: " + r);
		assertTrue(r.ok(), context + ": problems: " + r.problems());
	}
}
