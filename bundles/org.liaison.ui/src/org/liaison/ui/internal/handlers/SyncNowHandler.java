package org.liaison.ui.internal.handlers;

import org.eclipse.e4.core.di.annotations.Execute;
import org.liaison.ui.internal.Session;

/** Sync > Sync now (F9, Ctrl+Shift+S): starts the scheduler's Job for the profile now. */
public class SyncNowHandler {

	@Execute
	void execute(Session session) {
		session.syncNow();
	}
}
