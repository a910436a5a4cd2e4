package org.liaison.ui.wizard;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.swt.widgets.Shell;
import org.liaison.api.profile.Profile;
import org.osgi.annotation.versioning.ProviderType;

/** What the configuration wizard offers its pages beyond the settings map. */
@ProviderType
public interface SettingsContext {

	/** Work a page runs off the UI thread, with progress and cancellation. */
	@FunctionalInterface
	interface Work<T> {
		T run(IProgressMonitor monitor) throws Exception;
	}

	/** Tells the wizard that the page's input changed: it validates again and updates its buttons. */
	void changed();

	/** The settings as the pages saved them so far (read only). */
	Map<String, String> settings();

	/**
	 * Keeps a secret the user typed, until the wizard finishes and puts it in secure storage under the
	 * profile's key ({@link Profile#secretKey(String)}): {@code crm}, {@code mail}, {@code smtp},
	 * {@code dav}, or {@code org-ID} for another organization. An empty secret forgets a typed one.
	 */
	void secret(String which, char[] value);

	/** Whether a secret was typed in this wizard or is saved for the profile already. */
	boolean hasSecret(String which);

	/**
	 * The profile the settings make now, with the settings of {@code pending} on top (the current
	 * page's unsaved input), its typed secrets put in secure storage so that remote calls can sign in.
	 *
	 * @throws IOException when the settings do not make a profile yet (the message says what is missing)
	 */
	Profile profile(Map<String, String> pending) throws IOException;

	/**
	 * Runs remote work off the UI thread, with progress shown in the wizard and a Cancel button; the
	 * UI stays responsive meanwhile.
	 *
	 * @throws InvocationTargetException wrapping what the work threw
	 * @throws InterruptedException when the user cancelled
	 */
	<T> T run(String task, Work<T> work) throws InvocationTargetException, InterruptedException;

	/** An OSGi service, or null when none is registered. */
	<S> S service(Class<S> type);

	/** The wizard's shell, for dialogs (the certificate prompt). */
	Shell shell();

	/** Values pages share within one run of the wizard (not saved), e.g. the synchronizing-client decision. */
	Map<String, Object> shared();
}
