package org.liaison.api.offline;

/**
 * What a filter would take offline, asked of the CRM before copying.
 *
 * @param entity the record type
 * @param filter the filter as sent (placeholders filled in), or null for none
 * @param count how many records it selects now
 * @param estimatedBytes about how much room they take in the offline store
 */
public record FilterPreview(OfflineEntity entity, String filter, long count, long estimatedBytes) {
}
