package org.liaison.crm.tests;

import org.liaison.api.model.ItemKind;

/** The connector contract for CRM emails on the reference server. */
class CrmEmailContractTest extends CrmContract {
	@Override
	ItemKind kind() {
		return ItemKind.EMAIL;
	}
}
