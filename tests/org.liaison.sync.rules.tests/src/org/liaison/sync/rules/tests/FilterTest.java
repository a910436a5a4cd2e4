package org.liaison.sync.rules.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.liaison.api.filter.FilterRule;
import org.liaison.api.filter.FilterRule.Condition;
import org.liaison.api.filter.FilterRule.Op;
import org.liaison.api.filter.SyncFilterProvider;
import org.liaison.api.model.ItemKind;
import org.liaison.testing.Osgi;
import org.osgi.framework.ServiceReference;

/** Default sync filters as the reference product's, and user rules compiled to safe OData. */
class FilterTest {

	static final UUID ME = UUID.fromString("11111111-2222-3333-4444-555555555555");
	static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

	@Test
	void defaultFiltersCoverContactsAppointmentsAndTasks() throws Exception {
		Map<ItemKind, String> filters = new EnumMap<>(ItemKind.class);
		for (ServiceReference<SyncFilterProvider> r : Osgi.context().getServiceReferences(SyncFilterProvider.class,
				null)) {
			SyncFilterProvider p = Osgi.context().getService(r);
			filters.put(p.kind(), p.filter(ME, NOW));
		}
		assertEquals("_ownerid_value eq " + ME + " and statecode eq 0", filters.get(ItemKind.CONTACT));
		assertEquals("_ownerid_value eq " + ME + " and statecode eq 0", filters.get(ItemKind.TASK));
		String appointments = filters.get(ItemKind.APPOINTMENT);
		assertTrue(appointments.contains("scheduledend ge 2026-10-24T00:00:00Z"), appointments);
		assertTrue(appointments.contains("_partyid_value eq " + ME), "attended appointments count: " + appointments);
	}

	@Test
	void userRuleCompilesToOData() {
		FilterRule r = new FilterRule(true, List.of(new Condition("address1_city", Op.EQ, "Berlin"),
				new Condition("_parentcustomerid_value", Op.EQ, ME.toString()),
				new Condition("lastname", Op.STARTS_WITH, "O'B"), new Condition("emailaddress1", Op.NOT_NULL, null)));
		assertEquals("(address1_city eq 'Berlin') and (_parentcustomerid_value eq " + ME
				+ ") and (startswith(lastname,'O''B')) and (emailaddress1 ne null)", r.toOData());
	}

	@Test
	void injectionInAValueStaysAString() {
		FilterRule r = new FilterRule(false,
				List.of(new Condition("lastname", Op.EQ, "x' or 1 eq 1 or lastname eq 'y")));
		assertEquals("lastname eq 'x'' or 1 eq 1 or lastname eq ''y'", r.toOData());
	}

	@Test
	void injectionInAFieldNameIsRefused() {
		assertThrows(IllegalArgumentException.class, () -> new Condition("lastname eq 'a' or x", Op.EQ, "b"));
	}
}
