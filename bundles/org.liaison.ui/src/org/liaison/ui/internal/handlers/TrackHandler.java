package org.liaison.ui.internal.handlers;

import jakarta.inject.Named;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.ui.services.IServiceConstants;
import org.eclipse.swt.widgets.Shell;
import org.liaison.api.store.CachedMessage;
import org.liaison.ui.internal.MailActions;

/** Mail > Track (Ctrl+T): tracks the selected message in the CRM, as a Job. */
public class TrackHandler {

	@Execute
	void execute(MailActions actions, @Optional @Named(IServiceConstants.ACTIVE_SELECTION) Object selection,
			@Named(IServiceConstants.ACTIVE_SHELL) Shell shell) {
		actions.track(selection instanceof CachedMessage m ? m : actions.selected(), shell);
	}
}
