package org.liaison.crm.tests;

import org.liaison.api.model.ItemKind;

/** The connector contract for CRM contacts on the reference server. */
class CrmContactContractTest extends CrmContract {
	@Override
	ItemKind kind() {
		return ItemKind.CONTACT;
	}
}
