package org.liaison.testing.contract;

import java.util.EnumSet;
import java.util.Set;

import org.liaison.api.model.ItemData;
import org.liaison.api.sync.ItemCollection;

/**
 * What the contract suite needs from a connector's test: a fresh collection per test, content the
 * connector can hold, and what the collection can do. A connector's test bundle subclasses
 * {@link ItemCollectionContract} and returns its fixture.
 */
public interface ContractFixture extends AutoCloseable {

	/** A new, empty collection (on a real server: a fresh address book, calendar, folder, or entity set view). */
	ItemCollection newCollection() throws Exception;

	/**
	 * Sample content number {@code n} of the collection's kind, that the connector can hold without
	 * loss; different {@code n} give different content. {@link Samples} has defaults per kind.
	 */
	ItemData sample(int n);

	/** {@code data} edited (some field changed), {@code n} making the change distinct. */
	default ItemData edited(ItemData data, int n) {
		return Samples.edited(data, n);
	}

	/** What the collection can do. */
	default Set<Capability> capabilities() {
		return EnumSet.of(Capability.CREATE, Capability.UPDATE, Capability.DELETE, Capability.CHANGE_TRACKING);
	}

	/**
	 * Puts an item the connector cannot read into the collection (by the back door: a raw PUT, a raw
	 * APPEND) and returns its href; only with {@link Capability#PLANT_MALFORMED}.
	 */
	default String plantMalformed(ItemCollection collection) throws Exception {
		throw new UnsupportedOperationException("this fixture cannot plant malformed items");
	}

	@Override
	default void close() throws Exception {
	}
}
