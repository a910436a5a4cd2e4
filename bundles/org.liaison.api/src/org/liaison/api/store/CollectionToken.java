package org.liaison.api.store;

/**
 * The change-tracking token of one side of a pair (a WebDAV sync token, a CRM delta link, an IMAP
 * HIGHESTMODSEQ), with the collection it belongs to and whether the first sync is still under way.
 *
 * @param collectionId the collection's stable id ({@link org.liaison.api.sync.CollectionInfo#id()});
 *        a token of another collection is not used
 * @param token the token, or null when there is none yet (or the collection has no change tracking)
 * @param initialSync true from the start of the first sync until it completes, so that an interrupted
 *        first sync is known as such when the next run resumes it
 */
public record CollectionToken(String collectionId, String token, boolean initialSync) {
}
