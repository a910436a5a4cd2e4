package org.liaison.ui.wizard;

import java.util.Map;

import org.eclipse.swt.widgets.Composite;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One page of the configuration wizard, after Directory Studio's connection parameter pages: the
 * wizard creates its controls, asks whether it is valid, and tells it to save into the profile's
 * settings. A connector contributes its own pages through a {@link SettingsPageProvider}.
 */
@ConsumerType
public interface SettingsPage {

	/** Creates the page's controls in {@code parent}, showing {@code settings}. */
	void init(Composite parent, Map<String, String> settings, Runnable changed);

	/** Whether the page's input is complete and valid. */
	boolean isValid();

	/** The message to show while {@link #isValid()} is false, else null. */
	String getErrorMessage();

	/** Writes the page's input into {@code settings} (secrets go to secure storage, not here). */
	void save(Map<String, String> settings);

	/** Whether the changes on this page need the connection to be made again. */
	boolean isReconnectionRequired();
}
