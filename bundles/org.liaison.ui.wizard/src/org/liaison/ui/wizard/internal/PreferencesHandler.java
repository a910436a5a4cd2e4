package org.liaison.ui.wizard.internal;

import jakarta.inject.Named;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.ui.services.IServiceConstants;
import org.eclipse.swt.widgets.Shell;

/** File > Preferences...: the desktop's preferences and the profile's sync interval and passwords. */
public class PreferencesHandler {

	@Execute
	void execute(@Named(IServiceConstants.ACTIVE_SHELL) Shell shell) {
		Preferences.open(shell, ProfileFiles.current());
	}
}
