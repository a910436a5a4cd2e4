package org.liaison.ui.internal;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.e4.core.di.annotations.Creatable;
import org.eclipse.swt.widgets.Shell;
import org.liaison.api.messaging.TrackResult;
import org.liaison.api.model.RecordRef;
import org.liaison.api.profile.Profile;
import org.liaison.api.store.CachedMessage;

/**
 * Track, Set Regarding and Untrack of one message, each as a Job through the messaging service; the
 * mail view and the key bindings' handlers both come here.
 */
@Creatable
@Singleton
public class MailActions {

	@Inject
	Session session;

	private volatile CachedMessage selected;

	/** The mail view's selected message (the handlers' fallback when the view is not the active part). */
	public CachedMessage selected() {
		return selected;
	}

	public void select(CachedMessage m) {
		selected = m;
	}

	public void track(CachedMessage m, Shell shell) {
		run("Tracking", m, shell, null);
	}

	public void setRegarding(CachedMessage m, Shell shell) {
		if (m == null) {
			StatusLine.show(shell.getDisplay(), "Select a message first");
			return;
		}
		RecordPicker picker = new RecordPicker(shell, session);
		if (picker.open() == RecordPicker.OK && picker.picked() != null) {
			run("Setting regarding", m, shell, picker.picked());
		}
	}

	public void untrack(CachedMessage m, Shell shell) {
		if (m == null) {
			StatusLine.show(shell.getDisplay(), "Select a message first");
			return;
		}
		Background.run("Untracking \u201c" + m.message().subject() + "\u201d", shell, monitor -> {
			Profile p = session.requireProfile();
			return session.messaging().untrack(p, m.folder(), m.uid(), monitor);
		}, r -> done(shell, r));
	}

	private void run(String what, CachedMessage m, Shell shell, RecordRef regarding) {
		if (m == null) {
			StatusLine.show(shell.getDisplay(), "Select a message first");
			return;
		}
		Background.run(what + " \u201c" + m.message().subject() + "\u201d", shell, monitor -> {
			Profile p = session.requireProfile();
			return session.messaging().track(p, m.folder(), m.uid(), regarding, monitor);
		}, r -> done(shell, r));
	}

	private void done(Shell shell, TrackResult r) {
		StatusLine.show(shell.getDisplay(), r.state() + ": " + r.reason());
		session.fire(Session.Change.TRACKING);
	}
}
