package org.liaison.ui.wizard.internal;

import jakarta.inject.Inject;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.e4.ui.di.UIEventTopic;
import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.UIEvents;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.osgi.service.event.Event;

/**
 * Opens the configuration wizard once the main window is up, when the desktop has no profile with a
 * CRM organization and none was given ({@code ./liaison demo} gives one with {@code -Dliaison.profile}).
 */
public class FirstStartAddon {

	@Inject
	MApplication application;

	@Inject
	IEventBroker events;

	@Inject
	@Optional
	void started(@UIEventTopic(UIEvents.UILifeCycle.APP_STARTUP_COMPLETE) Event event) {
		if (!ProfileFiles.firstStart()) {
			return;
		}
		Display display = Display.getCurrent();
		// after the window has painted, so the wizard opens over it
		display.asyncExec(() -> {
			Shell parent = null;
			for (MWindow w : application.getChildren()) {
				if (w.getWidget() instanceof Shell s && !s.isDisposed() && s.isVisible()) {
					parent = s;
					break;
				}
			}
			if (parent != null && ProfileFiles.firstStart()) {
				SettingsHandler.open(parent, events, ProfileFiles.current());
			}
		});
	}
}
