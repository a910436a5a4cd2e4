package org.liaison.ui.internal.handlers;

import jakarta.inject.Named;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.ui.services.IServiceConstants;
import org.eclipse.swt.widgets.Shell;
import org.liaison.api.store.CachedMessage;
import org.liaison.ui.internal.MailActions;

/** Mail > Set Regarding (Ctrl+R): picks a CRM record, searching as you type, and tracks the message regarding it. */
public class SetRegardingHandler {

	@Execute
	void execute(MailActions actions, @Optional @Named(IServiceConstants.ACTIVE_SELECTION) Object selection,
			@Named(IServiceConstants.ACTIVE_SHELL) Shell shell) {
		actions.setRegarding(selection instanceof CachedMessage m ? m : actions.selected(), shell);
	}
}
