package org.liaison.api.store;

/**
 * One entry of a local collection's change listing.
 *
 * @param href the item
 * @param version its version (the revision of its last write)
 * @param deleted whether it was deleted (only reported for listings since a revision)
 */
public record LocalChange(String href, long version, boolean deleted) {
}
