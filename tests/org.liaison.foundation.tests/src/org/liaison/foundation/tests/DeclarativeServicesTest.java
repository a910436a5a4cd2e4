package org.liaison.foundation.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.filter.SyncFilterProvider;
import org.liaison.api.mail.MailConnector;
import org.liaison.api.pim.PimConnector;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.api.sync.FieldConflict;
import org.liaison.api.sync.SyncEngine;
import org.liaison.api.tracking.TrackingRule;
import org.liaison.sync.scheduler.SyncScheduler;
import org.liaison.testing.Osgi;
import org.osgi.framework.ServiceRegistration;

/** The services of every bundle are wired by DS in the real framework. */
class DeclarativeServicesTest {

	@Test
	void everyBundleRegistersItsFirstService() {
		assertNotNull(Osgi.service(MailConnector.class));
		assertNotNull(Osgi.service(PimConnector.class));
		assertNotNull(Osgi.service(CrmConnector.class));
		assertNotNull(Osgi.service(OfflineStore.class));
		assertNotNull(Osgi.service(SyncEngine.class));
		assertNotNull(Osgi.service(SyncScheduler.class));
		assertNotNull(Osgi.service(SyncFilterProvider.class));
		assertNotNull(Osgi.service(TrackingRule.class));
	}

	@Test
	void engineUsesTheDefaultResolverUntilABetterRankedOneArrives_andSwitchesBackWhenItLeaves() {
		SyncEngine engine = Osgi.service(SyncEngine.class);
		ConflictResolver before = engine.resolver();
		assertEquals("PolicyConflictResolver", before.getClass().getSimpleName());

		ConflictResolver mine = (c, p) -> ConflictResolver.Resolution.DEFER;
		ServiceRegistration<ConflictResolver> reg = Osgi.register(ConflictResolver.class, mine, 100);
		try {
			assertSame(mine, engine.resolver(), "a greedy reference takes the better-ranked service at once");
			assertSame(engine, Osgi.service(SyncEngine.class), "the engine was not restarted to switch");
		} finally {
			reg.unregister();
		}
		assertEquals("PolicyConflictResolver", engine.resolver().getClass().getSimpleName());
	}

	@Test
	void defaultResolverDoesWhatThePolicySays() {
		ConflictResolver r = Osgi.service(SyncEngine.class).resolver();
		FieldConflict c = new FieldConflict(java.util.UUID.randomUUID(), org.liaison.api.model.ItemKind.CONTACT,
				"lastname", "a", "b", "c", java.time.Instant.parse("2026-01-01T00:00:00Z"),
				java.time.Instant.parse("2026-01-02T00:00:00Z"));
		assertEquals(ConflictResolver.Resolution.TAKE_CRM, r.resolve(c, ConflictPolicy.CRM_WINS));
		assertEquals(ConflictResolver.Resolution.TAKE_MAILBOX, r.resolve(c, ConflictPolicy.MAILBOX_WINS));
		assertEquals(ConflictResolver.Resolution.TAKE_MAILBOX, r.resolve(c, ConflictPolicy.NEWEST));
		assertEquals(ConflictResolver.Resolution.DEFER, r.resolve(c, ConflictPolicy.ASK));
		assertFalse(Osgi.context().getBundle().getSymbolicName().isEmpty());
	}
}
