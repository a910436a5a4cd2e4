package org.liaison.ui.wizard;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Contributes a page to the configuration wizard, as a DS service. Pages are shown in the order of
 * {@link #order()}; {@link #dependsOn()} names a page that must come before this one.
 */
@ConsumerType
public interface SettingsPageProvider {

	String id();

	String title();

	/** Ordering key: smaller first (organization 100, mailbox 200, sync options 300, filters 400). */
	int order();

	/** The id of a page this one needs before it, or null. */
	default String dependsOn() {
		return null;
	}

	SettingsPage createPage();
}
