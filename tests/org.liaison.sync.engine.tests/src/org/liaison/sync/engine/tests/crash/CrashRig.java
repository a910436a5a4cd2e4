package org.liaison.sync.engine.tests.crash;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.store.LocalChange;
import org.liaison.api.store.LocalItem;
import org.liaison.api.store.StoreException;
import org.liaison.api.sync.CollectionInfo;
import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.FieldDirection;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.SyncOptions;
import org.liaison.api.sync.SyncPair;
import org.liaison.api.sync.SyncPolicy;
import org.liaison.api.sync.SyncReport;
import org.liaison.store.derby.DerbyProfileStore;
import org.liaison.store.internal.local.LocalPimCollection;
import org.liaison.sync.engine.internal.EngineSettings;
import org.liaison.sync.engine.internal.PolicyConflictResolver;
import org.liaison.sync.engine.internal.StepHook;
import org.liaison.sync.engine.internal.SyncRun;
import org.liaison.testing.memory.MemoryCollection;
import org.liaison.testing.memory.TestClock;

/**
 * What the crash test syncs, both sides durable so that a killed JVM leaves them as they were: the
 * CRM side an in-memory collection kept in a file (rewritten atomically after every change), the
 * mailbox side the local PIM connector over the encrypted Derby store that also holds the sync
 * state. Used in the test JVM and in the child JVM that is killed.
 */
final class CrashRig implements AutoCloseable {

	static final String PAIR = "crash-pair";
	static final String BOOK = "book";
	private static final CollectionInfo CRM_INFO = new CollectionInfo("crm-contacts", ItemKind.CONTACT, Side.CRM,
			"CRM contacts");

	final DerbyProfileStore store;
	final MemoryCollection crm;
	final LocalPimCollection mailbox;
	final SyncPolicy policy;

	private CrashRig(Path dir, char[] password, ConflictPolicy conflicts) throws StoreException {
		this.store = DerbyProfileStore.open("crash", dir.resolve("db"), password);
		store.localPim().ensureCollection(BOOK, ItemKind.CONTACT, "Address book");
		this.mailbox = new LocalPimCollection(store.localPim(), BOOK, ItemKind.CONTACT, "Address book");
		Path crmFile = dir.resolve("crm.bin");
		this.crm = Files.exists(crmFile) ? MemoryCollection.load(crmFile, CRM_INFO, true, false, new TestClock())
				: MemoryCollection.of(CRM_INFO, true, false, new TestClock()).persistTo(crmFile);
		this.policy = new SyncPolicy(conflicts, FieldDirection.TWO_WAY, Map.of(Contact.NOTES, FieldDirection.NONE), 1.0,
				100_000, true);
	}

	static CrashRig open(Path dir, char[] password, ConflictPolicy conflicts) throws StoreException {
		return new CrashRig(dir, password, conflicts);
	}

	/** Small pages, so that a run has many journal steps to be killed between. */
	static EngineSettings settings(StepHook hook) {
		return EngineSettings.defaults().withPages(5, 4, 4).withRetries(3, 1, EngineSettings.Sleeper.NONE).withHook(hook);
	}

	SyncReport sync(StepHook hook) throws SyncException {
		return new SyncRun(store.syncState(), new SyncPair(PAIR, crm, mailbox, policy), new SyncOptions(false, true),
				new PolicyConflictResolver(), settings(hook), new NullProgressMonitor()).run();
	}

	/** The mailbox side now: ident to content. */
	Map<UUID, ItemData> mailboxItems() throws StoreException {
		List<String> hrefs = new ArrayList<>();
		store.localPim().changes(BOOK, 0, (LocalChange c) -> hrefs.add(c.href()));
		Map<UUID, ItemData> out = new TreeMap<>();
		for (LocalItem it : store.localPim().get(BOOK, hrefs)) {
			out.put(it.ident(), it.data());
		}
		return out;
	}

	Map<UUID, ItemData> crmItems() {
		return new TreeMap<>(crm.snapshot());
	}

	/**
	 * Builds a scenario in an empty folder: items on both sides, synced, then edited on both sides
	 * (conflicts among them), deleted, made new, and touched, so that the next sync has every kind
	 * of effect to do.
	 */
	static void prepare(Path dir, char[] password, ConflictPolicy conflicts, long seed) throws Exception {
		Random r = new Random(seed);
		try (CrashRig rig = open(dir, password, conflicts)) {
			for (int i = 0; i < 30; i++) {
				rig.crm.userCreate(UUID.randomUUID(), person(r, "crm" + i));
				rig.store.localPim().create(BOOK, UUID.randomUUID(), person(r, "mbx" + i));
			}
			rig.sync(StepHook.NONE);
			List<UUID> ids = new ArrayList<>(rig.crmItems().keySet());
			for (int i = 0; i < 12; i++) {
				UUID id = ids.get(r.nextInt(ids.size()));
				String href = rig.crm.hrefOf(id);
				if (href != null) {
					rig.crm.userEdit(href, rig.crm.snapshot().get(id).with(Contact.CITY, "crm-city-" + i));
				}
				UUID other = ids.get(r.nextInt(ids.size()));
				LocalItem it = rig.store.localPim().byIdent(BOOK, other).orElse(null);
				if (it != null) {
					rig.store.localPim().update(BOOK, it.href(), it.version(),
							it.data().with(r.nextBoolean() ? Contact.CITY : Contact.JOB_TITLE, "mbx-" + i));
				}
			}
			for (int i = 0; i < 5; i++) {
				UUID id = ids.get(r.nextInt(ids.size()));
				String href = rig.crm.hrefOf(id);
				if (href != null) {
					rig.crm.userDelete(href);
				}
				UUID other = ids.get(r.nextInt(ids.size()));
				LocalItem it = rig.store.localPim().byIdent(BOOK, other).orElse(null);
				if (it != null) {
					rig.store.localPim().delete(BOOK, it.href(), it.version());
				}
			}
			for (int i = 0; i < 8; i++) {
				rig.crm.userCreate(UUID.randomUUID(), person(r, "newcrm" + i));
				rig.store.localPim().create(BOOK, UUID.randomUUID(), person(r, "newmbx" + i));
			}
			for (int i = 0; i < 4; i++) {
				UUID id = ids.get(r.nextInt(ids.size()));
				String href = rig.crm.hrefOf(id);
				if (href != null) {
					rig.crm.touch(href);
				}
			}
		}
	}

	private static ItemData person(Random r, String name) {
		return Contact.of(name, "Last" + r.nextInt(1000), name + "@example.org").toData().with(Contact.NOTES,
				"notes of " + name);
	}

	@Override
	public void close() throws StoreException {
		store.close();
	}
}
