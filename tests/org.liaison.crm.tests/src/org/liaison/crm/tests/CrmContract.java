package org.liaison.crm.tests;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.ItemCollection;
import org.liaison.testing.TestPasswords;
import org.liaison.testing.contract.Capability;
import org.liaison.testing.contract.ContractFixture;
import org.liaison.testing.contract.ItemCollectionContract;
import org.liaison.testing.contract.Samples;

/**
 * The connector contract against the reference server over HTTPS. Each collection is a new user's
 * records of one kind under the sync filter "owned by me", so that it starts empty; a malformed record
 * (a party type the model does not know, an appointment without times) is planted through the Web API.
 */
abstract class CrmContract extends ItemCollectionContract {

	abstract ItemKind kind();

	@Override
	protected ContractFixture fixture() throws Exception {
		CrmFixture.server();
		String name = "contract-" + UUID.randomUUID().toString().substring(0, 8);
		String pw = TestPasswords.random();
		UUID user = CrmFixture.server().admin().addUser(name, name + "@example.test", pw.toCharArray(), false);
		CrmClient client = CrmFixture.client(name, pw, CrmLimits.defaults());
		ItemKind kind = kind();
		return new ContractFixture() {
			@Override
			public ItemCollection newCollection() {
				return CrmFixture.connector().items(client, kind, "_ownerid_value eq " + user);
			}

			@Override
			public ItemData sample(int n) {
				return Samples.of(kind, n);
			}

			@Override
			public Set<Capability> capabilities() {
				Set<Capability> c = EnumSet.of(Capability.CREATE, Capability.UPDATE, Capability.DELETE,
						Capability.CHANGE_TRACKING);
				if (kind != ItemKind.CONTACT) {
					c.add(Capability.PLANT_MALFORMED);
				}
				return c;
			}

			@Override
			public String plantMalformed(ItemCollection collection) throws Exception {
				Map<String, Object> f = new LinkedHashMap<>();
				f.put("subject", "planted");
				if (kind == ItemKind.APPOINTMENT) {
					// no scheduledstart/scheduledend: not an appointment Liaison can show
					return client.write(CrmWrite.create(kind.entitySet(), f), null).id().toString();
				}
				// participation type 10 is valid in Dynamics but has no meaning in a mailbox item
				f.put(kind == ItemKind.EMAIL ? "email_activity_parties" : "task_activity_parties",
						List.of(Map.of("participationtypemask", 10, "addressused", "odd@example.test")));
				return client.write(CrmWrite.create(kind.entitySet(), f), null).id().toString();
			}

			@Override
			public void close() {
				client.close();
			}
		};
	}
}
