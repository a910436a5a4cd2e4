package org.liaison.ui.wizard.internal;

import jakarta.inject.Named;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.e4.ui.services.IServiceConstants;
import org.eclipse.swt.widgets.Shell;
import org.liaison.ui.wizard.ConfigurationWizard;
import org.osgi.framework.FrameworkUtil;

/** File > Configure Liaison...: the configuration wizard on the desktop's profile (a new one if none). */
public class SettingsHandler {

	@Execute
	void execute(@Named(IServiceConstants.ACTIVE_SHELL) Shell shell, IEventBroker events) {
		open(shell, events, ProfileFiles.current());
	}

	/** Opens the wizard and tells the workbench what was saved. */
	static ConfigurationWizard.Result open(Shell shell, IEventBroker events, java.nio.file.Path profile) {
		var bundle = FrameworkUtil.getBundle(SettingsHandler.class).getBundleContext();
		var ref = bundle.getServiceReference(ConfigurationWizard.class);
		if (ref == null) {
			return null;
		}
		ConfigurationWizard wizard = bundle.getService(ref);
		try {
			ConfigurationWizard.Result r = wizard.open(shell, profile);
			if (r != null && events != null) {
				events.post(ConfigurationWizard.FINISHED_TOPIC, r);
			}
			return r;
		} finally {
			bundle.ungetService(ref);
		}
	}
}
