package org.liaison.sync.engine.tests;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.CollectionInfo;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.Side;
import org.liaison.testing.contract.Capability;
import org.liaison.testing.contract.ContractFixture;
import org.liaison.testing.contract.ItemCollectionContract;
import org.liaison.testing.contract.Samples;
import org.liaison.testing.memory.MemoryCollection;

/** The in-memory connector passes the connector contract, in each of its modes. */
class MemoryCollectionContractTest {

	private static ContractFixture fixture(ItemKind kind, boolean tracking, boolean immutable) {
		return new ContractFixture() {
			@Override
			public ItemCollection newCollection() {
				return MemoryCollection.of(new CollectionInfo("mem-" + kind, kind, Side.MAILBOX, "memory " + kind),
						tracking, immutable, null);
			}

			@Override
			public ItemData sample(int n) {
				return Samples.of(kind, n);
			}

			@Override
			public Set<Capability> capabilities() {
				EnumSet<Capability> c = EnumSet.of(Capability.CREATE, Capability.DELETE, Capability.PLANT_MALFORMED);
				if (tracking) {
					c.add(Capability.CHANGE_TRACKING);
				}
				if (!immutable) {
					c.add(Capability.UPDATE);
				}
				return c;
			}

			@Override
			public String plantMalformed(ItemCollection collection) {
				return ((MemoryCollection) collection).userCreateBad("line 3: BEGIN:VCARD without END:VCARD",
						"BEGIN:VCARD\r\nFN:Broken\r\n");
			}
		};
	}

	@Nested
	class ContactsWithChangeTracking extends ItemCollectionContract {
		@Override
		protected ContractFixture fixture() {
			return MemoryCollectionContractTest.fixture(ItemKind.CONTACT, true, false);
		}
	}

	@Nested
	class AppointmentsWithoutChangeTracking extends ItemCollectionContract {
		@Override
		protected ContractFixture fixture() {
			return MemoryCollectionContractTest.fixture(ItemKind.APPOINTMENT, false, false);
		}
	}

	@Nested
	class ImmutableMailFolder extends ItemCollectionContract {
		@Override
		protected ContractFixture fixture() {
			return MemoryCollectionContractTest.fixture(ItemKind.EMAIL, true, true);
		}
	}
}
