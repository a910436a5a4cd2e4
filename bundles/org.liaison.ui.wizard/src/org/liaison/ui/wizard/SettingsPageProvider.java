package org.liaison.ui.wizard;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Contributes a page to the configuration wizard, as a DS service, so that a third-party connector
 * brings its own settings page. Pages are shown in the order of {@link #order()}; {@link #dependsOn()}
 * names a page that must come before this one (the page is moved after it if its order says otherwise).
 *
 * <p>Liaison's own pages: organizations 100, synchronizing organization 150, mailbox 200, contacts,
 * calendar and tasks 250, synchronizing computer 300, sync options 400, filters 500, summary 900.
 */
@ConsumerType
public interface SettingsPageProvider {

	String id();

	String title();

	/** A line under the title saying what the page is for. */
	default String description() {
		return null;
	}

	/** Ordering key: smaller first. */
	int order();

	/** The id of a page this one needs before it, or null. */
	default String dependsOn() {
		return null;
	}

	SettingsPage createPage();
}
