package org.liaison.ui.wizard;

import java.util.Map;

import org.eclipse.swt.widgets.Composite;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One page of the configuration wizard, after Directory Studio's connection parameter pages: the
 * wizard creates its controls ({@code init}), asks whether it is valid and for its error message,
 * tells it to save into the profile's settings, and asks whether its changes need the connection to
 * be made again. A connector contributes its own pages through a {@link SettingsPageProvider}.
 *
 * <p>A page implements one of the two {@code init} methods: the one with a {@link SettingsContext}
 * when it needs services, secrets or remote calls (run off the UI thread through the context).
 */
@ConsumerType
public interface SettingsPage {

	/** Creates the page's controls in {@code parent}, showing {@code settings}; calls {@code changed} on input. */
	default void init(Composite parent, Map<String, String> settings, Runnable changed) {
		throw new UnsupportedOperationException("a settings page implements one of the init methods");
	}

	/** Creates the page's controls in {@code parent}, showing {@code settings}, with the wizard's context. */
	default void init(Composite parent, Map<String, String> settings, SettingsContext context) {
		init(parent, settings, context::changed);
	}

	/**
	 * Called each time the page is shown, with the settings the pages before it saved (e.g. to run a
	 * check that depends on them). Remote work goes through {@link SettingsContext#run}.
	 */
	default void shown(Map<String, String> settings) {
	}

	/** Whether the page's input is complete and valid. */
	boolean isValid();

	/** The message to show while {@link #isValid()} is false, else null. */
	String getErrorMessage();

	/**
	 * Writes the page's input into {@code settings} (secrets go to {@link SettingsContext#secret}, never
	 * here); an empty value removes the key.
	 */
	void save(Map<String, String> settings);

	/** Whether the changes on this page need the connection to be made again. */
	boolean isReconnectionRequired();
}
