package org.liaison.ui.wizard;

import java.nio.file.Path;

import org.eclipse.swt.widgets.Shell;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The configuration wizard as a service: the desktop opens it on first start (no profile yet) and from
 * the menu to change a profile's settings. It writes the profile file (never a secret: those go to
 * secure storage).
 */
@ProviderType
public interface ConfigurationWizard {

	/**
	 * Topic of the event the desktop's menu and first-start wizard post (IEventBroker) after Finish, with
	 * the {@link Result} as its data: the workbench reloads the profile, and syncs with take-over when
	 * {@link Result#takeOver()}.
	 */
	String FINISHED_TOPIC = "org/liaison/ui/wizard/finished";

	/** Key of {@link SettingsContext#shared()}: Boolean, the user chose to make this computer the synchronizing client. */
	String TAKE_OVER = "takeOver";

	/**
	 * What the wizard saved.
	 *
	 * @param profileFile the profile file written
	 * @param takeOver the user said this computer becomes the synchronizing client (the first run takes over)
	 * @param reconnect whether a page changed something that needs the connections to be made again
	 */
	record Result(Path profileFile, boolean takeOver, boolean reconnect) {
	}

	/**
	 * Opens the wizard, modal to {@code parent}: on a new profile when {@code profileFile} is null, else
	 * on that profile to change it.
	 *
	 * @return what was saved, or null when the user cancelled
	 */
	Result open(Shell parent, Path profileFile);
}
