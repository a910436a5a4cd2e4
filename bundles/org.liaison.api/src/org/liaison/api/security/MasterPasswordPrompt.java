package org.liaison.api.security;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Asks the user for the master password that unlocks secure storage. The desktop registers a dialog,
 * the headless commands a console prompt; when the environment variable
 * {@code LIAISON_MASTER_PASSWORD} is set, no prompt is shown.
 */
@ConsumerType
public interface MasterPasswordPrompt {

	/**
	 * @param create true when secure storage is new and the password is being chosen
	 * @return the password, or null if the user cancelled
	 */
	char[] ask(boolean create);
}
