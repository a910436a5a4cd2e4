package org.liaison.sync.engine.tests;

import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.store.StoreException;
import org.liaison.api.store.SyncStateStore;
import org.liaison.api.sync.CollectionInfo;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.SyncOptions;
import org.liaison.api.sync.SyncPair;
import org.liaison.api.sync.SyncPolicy;
import org.liaison.api.sync.SyncReport;
import org.liaison.store.derby.DerbyProfileStore;
import org.liaison.sync.engine.internal.EngineSettings;
import org.liaison.sync.engine.internal.PolicyConflictResolver;
import org.liaison.sync.engine.internal.SyncRun;
import org.liaison.testing.memory.MemoryCollection;
import org.liaison.testing.memory.TestClock;

/**
 * A pair of in-memory collections (CRM and mailbox) synced by the engine over a shared in-memory
 * Derby store; each pair has its own id, so tests share one database.
 */
final class EnginePair {

	private static DerbyProfileStore shared;

	static synchronized DerbyProfileStore store() throws StoreException {
		if (shared == null) {
			shared = DerbyProfileStore.openInMemory("engine-tests");
		}
		return shared;
	}

	final String id = "pair-" + UUID.randomUUID();
	final TestClock clock = new TestClock();
	final MemoryCollection crm;
	final MemoryCollection mailbox;
	SyncPolicy policy;
	ConflictResolver resolver = new PolicyConflictResolver();
	EngineSettings settings = EngineSettings.defaults().withPages(7, 5, 6).withRetries(4, 1, EngineSettings.Sleeper.NONE);

	EnginePair() {
		this(SyncPolicy.defaults(), true, true);
	}

	EnginePair(SyncPolicy policy, boolean crmTracking, boolean mailboxTracking) {
		this.policy = policy;
		this.crm = MemoryCollection.of(new CollectionInfo("crm-contacts", ItemKind.CONTACT, Side.CRM, "CRM contacts"),
				crmTracking, false, clock);
		this.mailbox = MemoryCollection.of(new CollectionInfo("address-book", ItemKind.CONTACT, Side.MAILBOX,
				"Address book"), mailboxTracking, false, clock);
	}

	MemoryCollection side(Side s) {
		return s == Side.CRM ? crm : mailbox;
	}

	SyncStateStore state() throws StoreException {
		return store().syncState();
	}

	SyncReport run() throws SyncException, StoreException {
		return run(SyncOptions.normal());
	}

	SyncReport run(SyncOptions options) throws SyncException, StoreException {
		return run(options, new NullProgressMonitor());
	}

	SyncReport run(SyncOptions options, IProgressMonitor monitor) throws SyncException, StoreException {
		return new SyncRun(state(), new SyncPair(id, crm, mailbox, policy), options, resolver, settings, monitor).run();
	}

	static ItemData contact(String first, String last) {
		return Contact.of(first, last, first.toLowerCase() + "@example.org").toData();
	}

	UUID create(Side side, ItemData data) {
		UUID ident = UUID.randomUUID();
		side(side).userCreate(ident, data);
		return ident;
	}

	void edit(Side side, UUID ident, UnaryOperator<ItemData> change) {
		MemoryCollection c = side(side);
		String href = c.hrefOf(ident);
		c.userEdit(href, change.apply(c.snapshot().get(ident)));
	}

	void delete(Side side, UUID ident) {
		MemoryCollection c = side(side);
		c.userDelete(c.hrefOf(ident));
	}

	ItemData get(Side side, UUID ident) {
		return side(side).snapshot().get(ident);
	}

	Map<UUID, ItemData> all(Side side) {
		return side(side).snapshot();
	}
}
