package org.liaison.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.liaison.api.model.ItemKind;
import org.liaison.api.store.DuplicateItemException;
import org.liaison.api.store.LocalChange;
import org.liaison.api.store.LocalItem;
import org.liaison.api.store.LocalPimStore;
import org.liaison.api.store.StaleVersionException;
import org.liaison.api.store.StoreException;
import org.liaison.store.derby.DerbyProfileStore;
import org.liaison.testing.contract.Samples;

/** Local contacts, appointments and tasks: conditional writes and change tracking by revision. */
class LocalPimStoreTest {

	private DerbyProfileStore store;
	private LocalPimStore pim;

	@BeforeEach
	void open() throws StoreException {
		store = Stores.memory();
		pim = store.localPim();
		pim.ensureCollection("cal", ItemKind.APPOINTMENT, "Calendar");
	}

	@AfterEach
	void close() throws StoreException {
		store.close();
	}

	private Map<String, LocalChange> changes(long since, long[] revision) throws StoreException {
		Map<String, LocalChange> out = new LinkedHashMap<>();
		revision[0] = pim.changes("cal", since, c -> out.put(c.href(), c));
		return out;
	}

	@Test
	void createUpdateDelete_withVersionsAndChangeTracking() throws Exception {
		UUID a = UUID.randomUUID();
		LocalItem made = pim.create("cal", a, Samples.of(ItemKind.APPOINTMENT, 1));
		assertEquals(a.toString(), made.href());
		assertEquals(Samples.of(ItemKind.APPOINTMENT, 1), pim.get("cal", made.href()).orElseThrow().data());
		long[] rev = new long[1];
		assertEquals(List.of(made.href()), new ArrayList<>(changes(0, rev).keySet()));
		long token = rev[0];

		LocalItem changed = pim.update("cal", made.href(), made.version(), Samples.of(ItemKind.APPOINTMENT, 2));
		assertTrue(changed.version() > made.version());
		assertThrows(StaleVersionException.class,
				() -> pim.update("cal", made.href(), made.version(), Samples.of(ItemKind.APPOINTMENT, 3)));
		assertThrows(StaleVersionException.class, () -> pim.delete("cal", made.href(), made.version()));

		LocalItem b = pim.create("cal", UUID.randomUUID(), Samples.of(ItemKind.APPOINTMENT, 4));
		Map<String, LocalChange> delta = changes(token, rev);
		assertEquals(List.of(made.href(), b.href()).size(), delta.size());
		assertEquals(changed.version(), delta.get(made.href()).version());
		token = rev[0];

		pim.delete("cal", b.href(), b.version());
		pim.delete("cal", b.href(), b.version()); // gone already: nothing to do
		delta = changes(token, rev);
		assertTrue(delta.get(b.href()).deleted(), "a delete since the token is reported");
		assertTrue(pim.get("cal", b.href()).isEmpty());
		assertEquals(1, pim.count("cal"));
		assertEquals(1, changes(0, rev).size(), "a full listing shows live items only");
		assertTrue(changes(rev[0], rev).isEmpty(), "nothing since the last token");
	}

	@Test
	void createWithAnExistingIdent_isRefused_butADeletedOneRevives() throws Exception {
		UUID a = UUID.randomUUID();
		LocalItem made = pim.create("cal", a, Samples.of(ItemKind.APPOINTMENT, 1));
		DuplicateItemException e = assertThrows(DuplicateItemException.class,
				() -> pim.create("cal", a, Samples.of(ItemKind.APPOINTMENT, 2)));
		assertEquals(made.href(), e.existingHref());
		pim.delete("cal", made.href(), made.version());
		LocalItem again = pim.create("cal", a, Samples.of(ItemKind.APPOINTMENT, 3));
		assertEquals(made.href(), again.href());
		assertTrue(again.version() > made.version());
	}

	@Test
	void purgedDeletions_makeOlderTokensStale() throws Exception {
		LocalItem a = pim.create("cal", UUID.randomUUID(), Samples.of(ItemKind.APPOINTMENT, 1));
		long[] rev = new long[1];
		changes(0, rev);
		long old = rev[0];
		pim.delete("cal", a.href(), a.version());
		long now = pim.changes("cal", old, c -> { });
		pim.purgeDeletions("cal", now);
		assertThrows(StaleVersionException.class, () -> pim.changes("cal", old, c -> { }));
		assertTrue(changes(now, rev).isEmpty());
	}

	@Test
	void kindsAreKept_andCollectionsListed() throws Exception {
		assertThrows(StoreException.class, () -> pim.create("cal", UUID.randomUUID(), Samples.of(ItemKind.CONTACT, 1)));
		assertThrows(StoreException.class, () -> pim.ensureCollection("cal", ItemKind.TASK, null));
		pim.ensureCollection("tasks", ItemKind.TASK, "Tasks");
		assertEquals(List.of("cal", "tasks"), pim.collections().stream().map(c -> c.id()).toList());
		pim.deleteCollection("tasks");
		assertTrue(pim.collection("tasks").isEmpty());
		assertNull(pim.collection("cal").orElseThrow().displayName() == null ? "x" : null);
	}

	@Test
	void createAll_manyInOneTransaction_andGetManyInOrder() throws Exception {
		List<LocalItem> items = new ArrayList<>();
		for (int i = 0; i < 600; i++) {
			items.add(new LocalItem("cal", null, UUID.randomUUID(), 0, Samples.of(ItemKind.APPOINTMENT, i), null));
		}
		List<LocalItem> made = pim.createAll("cal", items);
		assertEquals(600, pim.count("cal"));
		List<String> hrefs = new ArrayList<>(made.stream().map(LocalItem::href).toList());
		java.util.Collections.reverse(hrefs);
		hrefs.add(1, "missing");
		List<LocalItem> got = pim.get("cal", hrefs);
		assertEquals(600, got.size());
		assertEquals(made.get(599), got.get(0));
	}
}
