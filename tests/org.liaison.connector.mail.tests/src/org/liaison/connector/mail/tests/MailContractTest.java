package org.liaison.connector.mail.tests;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.ItemCollection;
import org.liaison.connector.mail.internal.servers.Dovecot;
import org.liaison.testing.MailServers;
import org.liaison.testing.TestHome;
import org.liaison.testing.contract.Capability;
import org.liaison.testing.contract.ContractFixture;
import org.liaison.testing.contract.ItemCollectionContract;
import org.liaison.testing.contract.Samples;

/**
 * The connector contract on Dovecot: a fresh IMAP folder per test. Messages are immutable, so the
 * collection claims create and change tracking, refuses updates (checked by the contract) and
 * deletes; a planted message with a broken MIME structure goes to {@code bad}.
 */
class MailContractTest extends ItemCollectionContract {

	private static Dovecot dovecot;
	private static Mailbox mailbox;
	private static final AtomicInteger folders = new AtomicInteger();

	@BeforeAll
	static void start() throws Exception {
		TestHome.get();
		dovecot = MailServers.startDovecot();
		mailbox = MailFixture.connector().open(MailFixture.imap(dovecot, "alice"));
	}

	@AfterAll
	static void stop() throws Exception {
		if (mailbox != null) {
			mailbox.close();
		}
		if (dovecot != null) {
			dovecot.close();
			dovecot.delete();
		}
	}

	@Override
	protected ContractFixture fixture() {
		return new ContractFixture() {
			private String folder;

			@Override
			public ItemCollection newCollection() throws Exception {
				folder = "Contract" + folders.incrementAndGet();
				mailbox.createFolder(folder);
				return MailFixture.connector().collection(mailbox, folder);
			}

			@Override
			public ItemData sample(int n) {
				return Samples.of(ItemKind.EMAIL, n);
			}

			@Override
			public Set<Capability> capabilities() {
				return EnumSet.of(Capability.CREATE, Capability.CHANGE_TRACKING, Capability.PLANT_MALFORMED);
			}

			@Override
			public String plantMalformed(ItemCollection collection) throws Exception {
				long uid = mailbox.append(folder, BadInputTest.BROKEN_BOUNDARY.getBytes(StandardCharsets.US_ASCII),
						Set.of());
				return mailbox.status(folder).uidValidity() + "/" + uid;
			}
		};
	}
}
