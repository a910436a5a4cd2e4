package org.liaison.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.pim.PimAccount;
import org.liaison.api.pim.PimConnector;
import org.liaison.api.sync.ItemCollection;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestPasswords;
import org.liaison.testing.contract.ContractFixture;
import org.liaison.testing.contract.ItemCollectionContract;
import org.liaison.testing.contract.Samples;
import org.osgi.framework.ServiceReference;

/** The local PIM connector (the store's own tables) passes the connector contract for each kind. */
class LocalPimConnectorContractTest {

	@BeforeAll
	static void unlock() {
		TestPasswords.unlockSecureStorage();
	}

	static PimConnector local() throws Exception {
		for (ServiceReference<PimConnector> r : Osgi.context().getServiceReferences(PimConnector.class, null)) {
			PimConnector c = Osgi.context().getService(r);
			if ("local".equals(c.id())) {
				return c;
			}
		}
		throw new AssertionError("no PimConnector service with id local");
	}

	static final PimAccount ACCOUNT = new PimAccount("home", java.net.URI.create("local:contract"), null, null);

	private static ContractFixture fixture(ItemKind kind) {
		return new ContractFixture() {
			@Override
			public ItemCollection newCollection() throws Exception {
				return local().createCollection(ACCOUNT, kind, "Contract " + kind, new NullProgressMonitor());
			}

			@Override
			public ItemData sample(int n) {
				return Samples.of(kind, n);
			}
		};
	}

	@Nested
	class Contacts extends ItemCollectionContract {
		@Override
		protected ContractFixture fixture() {
			return LocalPimConnectorContractTest.fixture(ItemKind.CONTACT);
		}
	}

	@Nested
	class Appointments extends ItemCollectionContract {
		@Override
		protected ContractFixture fixture() {
			return LocalPimConnectorContractTest.fixture(ItemKind.APPOINTMENT);
		}
	}

	@Nested
	class Tasks extends ItemCollectionContract {
		@Override
		protected ContractFixture fixture() {
			return LocalPimConnectorContractTest.fixture(ItemKind.TASK);
		}
	}

	@Test
	void localConnector_isAPimConnectorService_listingTheAccountsCollections() throws Exception {
		PimConnector c = local();
		assertTrue(c.supports(ItemKind.CONTACT) && !c.supports(ItemKind.EMAIL));
		PimAccount other = new PimAccount("other", java.net.URI.create("local:contract"), null, null);
		ItemCollection made = c.createCollection(other, ItemKind.TASK, "Tasks", new NullProgressMonitor());
		List<ItemCollection> listed = c.collections(other, new NullProgressMonitor());
		assertEquals(List.of(made.info()), listed.stream().map(ItemCollection::info).toList());
	}
}
