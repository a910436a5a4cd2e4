package org.liaison.crm.tests;

import org.liaison.api.model.ItemKind;

/** The connector contract for CRM appointments on the reference server. */
class CrmAppointmentContractTest extends CrmContract {
	@Override
	ItemKind kind() {
		return ItemKind.APPOINTMENT;
	}
}
