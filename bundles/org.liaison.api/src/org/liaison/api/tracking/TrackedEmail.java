package org.liaison.api.tracking;

import org.liaison.api.model.RecordRef;

/**
 * An email already in the CRM.
 *
 * @param email the CRM email record
 * @param regarding the record it is set regarding, or null
 * @param trackingToken its tracking token, or null
 */
public record TrackedEmail(RecordRef email, RecordRef regarding, String trackingToken) {
}
