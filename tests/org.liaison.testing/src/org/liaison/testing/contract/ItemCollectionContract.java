package org.liaison.testing.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.liaison.api.model.ItemData;
import org.liaison.api.sync.AlreadyExistsException;
import org.liaison.api.sync.CollectionInfo;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemRejectedException;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.NotFoundException;
import org.liaison.api.sync.PreconditionFailedException;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.WriteResult;

/**
 * The connector contract: what the sync engine relies on from every {@link ItemCollection}. A
 * connector's test bundle runs it by subclassing this class and returning its
 * {@link ContractFixture}; tests of capabilities the fixture does not claim are skipped, and for
 * update the refusal of an immutable collection is checked instead.
 *
 * <p>The rules, in short: listings stream each item once with the version writes returned;
 * creates carry the client-chosen ident and a repeated create finds the first item; updates and
 * deletes are conditional on the version; a change listing since a token reports exactly what
 * changed; unreadable items go to the fetch sink's {@code bad}, not to an exception.
 */
public abstract class ItemCollectionContract {

	/** The connector's fixture; called before each test, closed after it. */
	protected abstract ContractFixture fixture() throws Exception;

	private ContractFixture fixture;
	private Set<Capability> caps;
	protected ItemCollection collection;

	@BeforeEach
	void openCollection() throws Exception {
		fixture = fixture();
		caps = fixture.capabilities();
		collection = fixture.newCollection();
	}

	@AfterEach
	void closeFixture() throws Exception {
		if (fixture != null) {
			fixture.close();
		}
	}

	// ------------------------------------------------------------------ helpers

	protected boolean can(Capability c) {
		return caps.contains(c);
	}

	protected ItemData sample(int n) {
		return fixture.sample(n);
	}

	/** A full listing, href to version, each href checked to be reported once. */
	protected Map<String, String> fullListing() throws SyncException {
		return listing(null).present;
	}

	protected static final class Listing {
		public final Map<String, String> present = new LinkedHashMap<>();
		public final Map<String, Removal> removed = new LinkedHashMap<>();
		public String token;
	}

	protected Listing listing(String since) throws SyncException {
		Listing l = new Listing();
		l.token = collection.list(since, new ListSink() {
			@Override
			public void present(ItemVersion item) {
				assertNull(l.present.put(item.href(), item.version()), "listed twice: " + item.href());
			}

			@Override
			public void removed(String href, Removal why) {
				assertNotNull(why, "a removal says why");
				l.removed.put(href, why);
			}
		}, new NullProgressMonitor());
		return l;
	}

	protected Map<String, RemoteItem> fetch(List<String> hrefs) throws SyncException {
		Map<String, RemoteItem> out = new LinkedHashMap<>();
		collection.get(hrefs, new FetchSink() {
			@Override
			public void item(RemoteItem item) {
				assertNull(out.put(item.href(), item), "fetched twice: " + item.href());
			}

			@Override
			public void bad(String href, String version, String reason, String raw) {
				fail("a well-formed item was reported bad: " + href + ": " + reason);
			}
		}, new NullProgressMonitor());
		return out;
	}

	protected RemoteItem fetchOne(String href) throws SyncException {
		RemoteItem it = fetch(List.of(href)).get(href);
		assertNotNull(it, href + " can be fetched");
		return it;
	}

	/** What the server stores after a write: the write's stored content if it says, else what was sent. */
	protected static ItemData stored(WriteResult w, ItemData sent) {
		return w.stored() != null ? w.stored() : sent;
	}

	private static String strong(String version) {
		return version.startsWith("W/") ? version.substring(2) : version;
	}

	// ------------------------------------------------------------------ the contract

	@Test
	void info_isStableAndNamesKindAndSide() throws Exception {
		CollectionInfo info = collection.info();
		assertNotNull(info);
		assertNotNull(info.id());
		assertNotNull(info.kind());
		assertNotNull(info.side());
		assertEquals(info, collection.info(), "info is stable");
	}

	@Test
	void newCollection_listsNothing() throws Exception {
		assertTrue(fullListing().isEmpty(), "a fresh collection is empty");
	}

	@Test
	void create_thenListAndGet_returnTheIdentAndTheContent() throws Exception {
		assumeTrue(can(Capability.CREATE));
		UUID ident = UUID.randomUUID();
		ItemData data = sample(1);
		WriteResult w = collection.create(ident, data);
		assertNotNull(w.href());
		assertNotNull(w.version());

		Map<String, String> listed = fullListing();
		assertEquals(Set.of(w.href()), listed.keySet(), "the listing shows the one item at the href create returned");
		assertEquals(strong(w.version()), strong(listed.get(w.href())),
				"the listing reports the version create returned (else the engine sees its own write as a change)");

		RemoteItem got = fetchOne(w.href());
		assertEquals(ident, got.ident(), "the item carries the client-chosen ident");
		assertEquals(stored(w, data), got.data(), "the content round-trips (or the write says what is stored)");
		assertEquals(strong(w.version()), strong(got.version()));
	}

	@Test
	void create_sameIdentTwice_throwsAlreadyExistsNamingTheFirst_andMakesNoSecond() throws Exception {
		assumeTrue(can(Capability.CREATE));
		UUID ident = UUID.randomUUID();
		WriteResult first = collection.create(ident, sample(1));
		AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
				() -> collection.create(ident, sample(2)),
				"a repeated create (its first response lost) must not make a second item");
		assertNotNull(e.existing(), "the exception names the existing item");
		assertEquals(first.href(), e.existing().href());
		assertEquals(1, fullListing().size(), "still one item");
		assertEquals(stored(first, sample(1)), fetchOne(first.href()).data(), "the first item is untouched");
	}

	@Test
	void manyItems_listingStreamsEachOnce_andGetFetchesEachAsked() throws Exception {
		assumeTrue(can(Capability.CREATE));
		Map<String, UUID> made = new HashMap<>();
		for (int i = 0; i < 60; i++) {
			UUID ident = UUID.randomUUID();
			made.put(collection.create(ident, sample(100 + i)).href(), ident);
		}
		Map<String, String> listed = fullListing();
		assertEquals(made.keySet(), listed.keySet());
		Map<String, RemoteItem> got = fetch(new ArrayList<>(listed.keySet()));
		assertEquals(made.keySet(), got.keySet());
		for (RemoteItem it : got.values()) {
			assertEquals(made.get(it.href()), it.ident());
		}
	}

	@Test
	void get_leavesOutHrefsThatDoNotExist() throws Exception {
		assumeTrue(can(Capability.CREATE));
		WriteResult w = collection.create(UUID.randomUUID(), sample(1));
		String missing = w.href() + "-missing";
		Map<String, RemoteItem> got = fetch(List.of(missing, w.href()));
		assertEquals(Set.of(w.href()), got.keySet());
	}

	@Test
	void update_atTheCurrentVersion_changesContentAndVersion() throws Exception {
		assumeTrue(can(Capability.CREATE) && can(Capability.UPDATE));
		WriteResult w = collection.create(UUID.randomUUID(), sample(1));
		RemoteItem current = fetchOne(w.href());
		ItemData changed = fixture.edited(current.data(), 1);
		WriteResult u = collection.update(current, changed);
		assertEquals(w.href(), u.href(), "an update keeps the href");
		assertNotEquals(strong(current.version()), strong(u.version()), "an update gives a new version");
		RemoteItem after = fetchOne(w.href());
		assertEquals(stored(u, changed), after.data());
		assertEquals(current.ident(), after.ident(), "an update keeps the ident");
		assertEquals(strong(u.version()), strong(fullListing().get(w.href())), "the listing reports the new version");
	}

	@Test
	void update_atAStaleVersion_throwsPreconditionFailed_andKeepsTheContent() throws Exception {
		assumeTrue(can(Capability.CREATE) && can(Capability.UPDATE));
		WriteResult w = collection.create(UUID.randomUUID(), sample(1));
		RemoteItem stale = fetchOne(w.href());
		WriteResult u = collection.update(stale, fixture.edited(stale.data(), 1));
		ItemData now = fetchOne(w.href()).data();
		assertThrows(PreconditionFailedException.class, () -> collection.update(stale, fixture.edited(stale.data(), 2)),
				"an update conditional on an old version is refused (HTTP 412)");
		assertEquals(now, fetchOne(w.href()).data(), "and changes nothing");
		assertEquals(strong(u.version()), strong(fetchOne(w.href()).version()));
	}

	@Test
	void update_ofAGoneItem_throwsNotFoundOrPreconditionFailed() throws Exception {
		assumeTrue(can(Capability.CREATE) && can(Capability.UPDATE) && can(Capability.DELETE));
		WriteResult w = collection.create(UUID.randomUUID(), sample(1));
		RemoteItem current = fetchOne(w.href());
		collection.delete(w.href(), current.version());
		SyncException e = assertThrows(SyncException.class,
				() -> collection.update(current, fixture.edited(current.data(), 1)));
		assertTrue(e instanceof NotFoundException || e instanceof PreconditionFailedException,
				"a gone item is NotFound (or 412 on If-Match), got " + e);
		assertTrue(fullListing().isEmpty(), "the update did not bring it back");
	}

	@Test
	void update_ofAnImmutableCollection_isRefusedAsRejected() throws Exception {
		assumeTrue(can(Capability.CREATE));
		assumeFalse(can(Capability.UPDATE), "the collection's items can be changed");
		WriteResult w = collection.create(UUID.randomUUID(), sample(1));
		RemoteItem current = fetchOne(w.href());
		assertThrows(ItemRejectedException.class, () -> collection.update(current, fixture.edited(current.data(), 1)),
				"an immutable item refuses changes as rejected content (quarantine), not as a transient failure");
		assertEquals(current.data(), fetchOne(w.href()).data());
	}

	@Test
	void delete_atTheCurrentVersion_removesIt() throws Exception {
		assumeTrue(can(Capability.CREATE) && can(Capability.DELETE));
		WriteResult a = collection.create(UUID.randomUUID(), sample(1));
		WriteResult b = collection.create(UUID.randomUUID(), sample(2));
		collection.delete(a.href(), fetchOne(a.href()).version());
		assertEquals(Set.of(b.href()), fullListing().keySet());
		assertTrue(fetch(List.of(a.href())).isEmpty(), "a deleted item cannot be fetched");
	}

	@Test
	void delete_ofAGoneItem_isNotAnError() throws Exception {
		assumeTrue(can(Capability.CREATE) && can(Capability.DELETE));
		WriteResult a = collection.create(UUID.randomUUID(), sample(1));
		String version = fetchOne(a.href()).version();
		collection.delete(a.href(), version);
		collection.delete(a.href(), version); // a repeated delete whose first response was lost
		assertTrue(fullListing().isEmpty());
	}

	@Test
	void delete_atAStaleVersion_throwsPreconditionFailed_andKeepsIt() throws Exception {
		assumeTrue(can(Capability.CREATE) && can(Capability.DELETE) && can(Capability.UPDATE));
		WriteResult a = collection.create(UUID.randomUUID(), sample(1));
		RemoteItem stale = fetchOne(a.href());
		collection.update(stale, fixture.edited(stale.data(), 1));
		assertThrows(PreconditionFailedException.class, () -> collection.delete(a.href(), stale.version()),
				"a delete conditional on an old version is refused: someone changed the item meanwhile");
		assertEquals(Set.of(a.href()), fullListing().keySet());
	}

	@Test
	void whyGone_ofADeletedItem_saysDeleted() throws Exception {
		assumeTrue(can(Capability.CREATE) && can(Capability.DELETE));
		WriteResult a = collection.create(UUID.randomUUID(), sample(1));
		collection.delete(a.href(), fetchOne(a.href()).version());
		assertEquals(Removal.DELETED, collection.whyGone(List.of(a.href())).get(a.href()));
	}

	@Test
	void tokenListing_reportsExactlyWhatChangedSinceTheToken() throws Exception {
		assumeTrue(can(Capability.CREATE) && can(Capability.CHANGE_TRACKING));
		WriteResult kept = collection.create(UUID.randomUUID(), sample(1));
		WriteResult gone = collection.create(UUID.randomUUID(), sample(2));
		WriteResult changed = collection.create(UUID.randomUUID(), sample(3));
		Listing first = listing(null);
		assertNotNull(first.token, "a change-tracking collection gives a token");
		assertEquals(3, first.present.size());

		WriteResult added = collection.create(UUID.randomUUID(), sample(4));
		String changedVersion = null;
		if (can(Capability.UPDATE)) {
			RemoteItem c = fetchOne(changed.href());
			changedVersion = collection.update(c, fixture.edited(c.data(), 1)).version();
		}
		if (can(Capability.DELETE)) {
			collection.delete(gone.href(), fetchOne(gone.href()).version());
		}

		Listing delta = listing(first.token);
		assertNotNull(delta.token);
		assertTrue(delta.present.containsKey(added.href()), "a create since the token is reported");
		assertFalse(delta.present.containsKey(kept.href()), "an unchanged item is not reported");
		if (changedVersion != null) {
			assertEquals(strong(changedVersion), strong(delta.present.get(changed.href())),
					"an update since the token is reported with its new version");
		}
		if (can(Capability.DELETE)) {
			assertEquals(Removal.DELETED, delta.removed.get(gone.href()), "a delete since the token is reported");
			assertFalse(delta.present.containsKey(gone.href()));
		}

		Listing none = listing(delta.token);
		assertTrue(none.present.isEmpty() && none.removed.isEmpty(), "nothing changed since the last token: "
				+ none.present + " " + none.removed);
	}

	@Test
	void noChangeTracking_everyListingIsFull() throws Exception {
		assumeFalse(can(Capability.CHANGE_TRACKING), "the collection tracks changes");
		assumeTrue(can(Capability.CREATE));
		collection.create(UUID.randomUUID(), sample(1));
		Listing first = listing(null);
		Listing second = listing(first.token);
		assertEquals(first.present, second.present,
				"without change tracking the token is null (or ignored) and every listing shows everything");
	}

	@Test
	void malformedItem_isReportedToBad_withAReason_notThrown() throws Exception {
		assumeTrue(can(Capability.PLANT_MALFORMED));
		WriteResult good = can(Capability.CREATE) ? collection.create(UUID.randomUUID(), sample(1)) : null;
		String href = fixture.plantMalformed(collection);
		assertTrue(fullListing().containsKey(href), "a malformed item is still listed");
		List<String> bad = new ArrayList<>();
		List<String> fine = new ArrayList<>();
		List<String> hrefs = new ArrayList<>(List.of(href));
		if (good != null) {
			hrefs.add(good.href());
		}
		collection.get(hrefs, new FetchSink() {
			@Override
			public void item(RemoteItem item) {
				fine.add(item.href());
			}

			@Override
			public void bad(String h, String version, String reason, String raw) {
				assertNotNull(version);
				assertNotNull(reason, "the reason names what is wrong");
				assertFalse(reason.isBlank());
				bad.add(h);
			}
		}, new NullProgressMonitor());
		assertEquals(List.of(href), bad);
		if (good != null) {
			assertEquals(List.of(good.href()), fine, "the rest of the fetch goes on");
		}
	}
}
