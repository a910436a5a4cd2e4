package org.liaison.api.store;

import java.time.Instant;
import java.util.UUID;

import org.liaison.api.model.ItemData;

/**
 * An item of the local PIM store.
 *
 * @param collection its collection
 * @param href where it is in the collection (stable for the item's life)
 * @param ident its cross-side identity
 * @param version the collection revision of its last write
 * @param data its content
 * @param modified when it was last written
 */
public record LocalItem(String collection, String href, UUID ident, long version, ItemData data, Instant modified) {
}
