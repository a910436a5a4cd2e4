package org.liaison.api.messaging;

import org.liaison.api.model.RecordRef;
import org.liaison.api.model.TrackingState;

/**
 * The outcome of tracking, untracking or setting regarding one message.
 *
 * @param state the message's tracking state now
 * @param crmEmail the CRM email that holds it, or null
 * @param regarding the record it is set regarding, or null
 * @param reason why, in words
 */
public record TrackResult(TrackingState state, RecordRef crmEmail, RecordRef regarding, String reason) {
}
