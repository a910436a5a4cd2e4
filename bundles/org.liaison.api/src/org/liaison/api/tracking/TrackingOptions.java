package org.liaison.api.tracking;

import org.liaison.api.model.RecordRef;

/**
 * The user's tracking settings for one message's situation.
 *
 * @param ruleId the automatic tracking option: {@code none}, {@code all}, {@code replies},
 *        {@code from-crm-customers}, {@code from-email-enabled}, or a plug-in rule's id
 * @param folderName the folder the message is in (for reasons), or null
 * @param folderTracked whether the user chose "track this folder" for it
 * @param folderRegarding the record the tracked folder sets regarding, or null
 */
public record TrackingOptions(String ruleId, String folderName, boolean folderTracked, RecordRef folderRegarding) {

	public static TrackingOptions of(String ruleId) {
		return new TrackingOptions(ruleId, null, false, null);
	}
}
