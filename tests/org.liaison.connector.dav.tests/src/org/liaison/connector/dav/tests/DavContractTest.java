package org.liaison.connector.dav.tests;

import java.util.UUID;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.liaison.api.model.Idents;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.pim.PimAccount;
import org.liaison.api.sync.ItemCollection;
import org.liaison.testing.Radicale;
import org.liaison.testing.contract.Capability;
import org.liaison.testing.contract.ContractFixture;
import org.liaison.testing.contract.ItemCollectionContract;
import org.liaison.testing.contract.Samples;

/**
 * The connector contract on Radicale: address books, calendars and task lists with sync-collection,
 * and a calendar holding events and tasks alike (listed by component with ctag/etag).
 */
class DavContractTest {

	private static Radicale radicale;
	private static PimAccount account;

	@BeforeAll
	static void start() {
		radicale = Radicale.start();
		account = radicale.account("contract");
	}

	@AfterAll
	static void stop() {
		if (radicale != null) {
			radicale.close();
		}
	}

	private static ContractFixture fixture(ItemKind kind, boolean mixed) {
		return new ContractFixture() {
			@Override
			public ItemCollection newCollection() throws Exception {
				if (!mixed) {
					return Dav.connector().createCollection(account, kind, "Contract " + kind, new NullProgressMonitor());
				}
				String path = "/" + radicale.user() + "/mixed-" + UUID.randomUUID() + "/";
				if (new Dav.Raw(radicale).send("MKCALENDAR", path, null, null).statusCode() != 201) {
					throw new AssertionError("MKCALENDAR " + path + " failed");
				}
				return Dav.connector().collections(account, new NullProgressMonitor()).stream()
						.filter(c -> Dav.path(c).equals(path) && c.info().kind() == kind).findFirst().orElseThrow();
			}

			@Override
			public ItemData sample(int n) {
				return Samples.of(kind, n);
			}

			@Override
			public java.util.Set<Capability> capabilities() {
				return java.util.EnumSet.allOf(Capability.class);
			}

			/** Radicale stores it (its parser does not care), Liaison refuses the corrupt ident it carries. */
			@Override
			public String plantMalformed(ItemCollection collection) throws Exception {
				String uid = UUID.randomUUID().toString();
				String href;
				String body;
				if (kind == ItemKind.CONTACT) {
					href = Dav.path(collection) + "planted.vcf";
					body = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + uid + "\r\nFN:Planted\r\nN:Planted;;;;\r\n" + Idents.PROPERTY
							+ ":not-a-uuid\r\nEND:VCARD\r\n";
				} else {
					String comp = kind == ItemKind.TASK ? "VTODO" : "VEVENT";
					href = Dav.path(collection) + "planted.ics";
					body = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:" + comp + "\r\nUID:" + uid
							+ "\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T090000Z\r\nSUMMARY:Planted\r\n" + Idents.PROPERTY
							+ ":not-a-uuid\r\nEND:" + comp + "\r\nEND:VCALENDAR\r\n";
				}
				new Dav.Raw(radicale).put(href, body, kind == ItemKind.CONTACT ? "text/vcard" : "text/calendar");
				return href;
			}
		};
	}

	@Nested
	class AddressBook extends ItemCollectionContract {
		@Override
		protected ContractFixture fixture() {
			return DavContractTest.fixture(ItemKind.CONTACT, false);
		}
	}

	@Nested
	class Calendar extends ItemCollectionContract {
		@Override
		protected ContractFixture fixture() {
			return DavContractTest.fixture(ItemKind.APPOINTMENT, false);
		}
	}

	@Nested
	class TaskList extends ItemCollectionContract {
		@Override
		protected ContractFixture fixture() {
			return DavContractTest.fixture(ItemKind.TASK, false);
		}
	}

	@Nested
	class EventsOfAMixedCalendar extends ItemCollectionContract {
		@Override
		protected ContractFixture fixture() {
			return DavContractTest.fixture(ItemKind.APPOINTMENT, true);
		}
	}

	@Nested
	class TasksOfAMixedCalendar extends ItemCollectionContract {
		@Override
		protected ContractFixture fixture() {
			return DavContractTest.fixture(ItemKind.TASK, true);
		}
	}
}
