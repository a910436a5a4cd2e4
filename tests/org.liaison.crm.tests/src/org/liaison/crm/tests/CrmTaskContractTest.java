package org.liaison.crm.tests;

import org.liaison.api.model.ItemKind;

/** The connector contract for CRM tasks on the reference server. */
class CrmTaskContractTest extends CrmContract {
	@Override
	ItemKind kind() {
		return ItemKind.TASK;
	}
}
