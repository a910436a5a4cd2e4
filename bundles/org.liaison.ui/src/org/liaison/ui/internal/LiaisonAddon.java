package org.liaison.ui.internal;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import java.util.function.Consumer;

import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.di.extensions.EventTopic;
import org.eclipse.e4.ui.workbench.UIEvents;
import org.eclipse.swt.widgets.Display;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.security.MasterPasswordPrompt;
import org.liaison.api.sync.SideCounts;
import org.liaison.api.sync.SyncReport;
import org.liaison.ui.wizard.ConfigurationWizard;
import org.liaison.ui.wizard.DesktopPreferences;

/**
 * The workbench's background duties, started once the window is up (nothing at start-up itself):
 * registers the profile's sync with the scheduler (its first run after the interval, or F9; at once
 * when File > Preferences says "sync at start"), and shows a notification when a run leaves
 * conflicts or quarantined items or fails (each as the preferences allow).
 */
public class LiaisonAddon {

	@Inject
	Session session;
	@Inject
	Display display;

	private volatile org.eclipse.jface.preference.IPreferenceStore preferences;

	private boolean allowed(String key) {
		org.eclipse.jface.preference.IPreferenceStore p = preferences;
		return p == null || p.getBoolean(key);
	}

	private final Consumer<Session.Change> listener = c -> {
		if (c == Session.Change.SYNCED) {
			notify(session.lastReport());
		}
	};

	private org.osgi.framework.ServiceRegistration<MasterPasswordPrompt> passwordPrompt;

	@PostConstruct
	void init() {
		session.addListener(listener);
		// the master password of secure storage, asked in a dialog when a secret is first needed
		org.osgi.framework.Bundle bundle = org.osgi.framework.FrameworkUtil.getBundle(LiaisonAddon.class);
		if (bundle != null && bundle.getBundleContext() != null && System.getenv("LIAISON_MASTER_PASSWORD") == null) {
			java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
			props.put(org.osgi.framework.Constants.SERVICE_RANKING, -50);
			passwordPrompt = bundle.getBundleContext().registerService(MasterPasswordPrompt.class,
					MasterPasswordDialog.prompt(display), props);
		}
	}

	@Inject
	@Optional
	void started(@EventTopic(UIEvents.UILifeCycle.APP_STARTUP_COMPLETE) org.osgi.service.event.Event e) {
		Job job = new Job("Scheduling the sync") {
			@Override
			protected IStatus run(org.eclipse.core.runtime.IProgressMonitor monitor) {
				preferences = DesktopPreferences.load();
				session.schedule();
				if (preferences.getBoolean(DesktopPreferences.SYNC_ON_START) && session.profile().isPresent()) {
					session.syncNow();
				}
				return Status.OK_STATUS;
			}
		};
		job.setSystem(true);
		job.schedule();
	}

	/** The configuration wizard finished: work on its profile, and sync when it asked for it. */
	@Inject
	@Optional
	void configured(@EventTopic(ConfigurationWizard.FINISHED_TOPIC) ConfigurationWizard.Result result) {
		if (result == null) {
			return;
		}
		Job job = new Job("Applying the new settings") {
			@Override
			protected IStatus run(org.eclipse.core.runtime.IProgressMonitor monitor) {
				session.useProfile(result.profileFile(), result.takeOver());
				session.schedule();
				if (result.takeOver() || result.reconnect()) {
					session.syncNow();
				}
				return Status.OK_STATUS;
			}
		};
		job.schedule();
	}

	@PreDestroy
	void dispose() {
		session.removeListener(listener);
		if (passwordPrompt != null) {
			passwordPrompt.unregister();
		}
	}

	void notify(MessagingReport r) {
		if (r == null) {
			StatusLine.problem(display, "Sync failed: " + session.lastProblem());
			if (allowed(DesktopPreferences.NOTIFY_FAILURES)) {
				Notifications.show(display, "Liaison: sync failed", String.valueOf(session.lastProblem()));
			}
			return;
		}
		if (!r.instance().synchronizing()) {
			StatusLine.show(display, r.instance().message());
			return;
		}
		// conflicts waiting for the user now (the run's own count also holds those it settled or applied)
		int conflicts = 0;
		try {
			for (String pair : org.liaison.ui.internal.parts.SyncPart.PAIRS) {
				conflicts += session.store().syncState().conflicts(pair, true).size();
			}
		} catch (Exception e) {
			StatusLine.problem(display, "cannot read the conflicts: " + e.getMessage());
		}
		int quarantined = r.trackingFailed();
		for (SyncReport s : r.pim().values()) {
			for (SideCounts c : new SideCounts[] { s.crm(), s.mailbox() }) {
				quarantined += c.quarantined();
			}
		}
		StatusLine.show(display, "Synced: " + r.tracked() + " tracked, " + conflicts + " open conflicts, " + quarantined
				+ " quarantined" + (session.lastProblem() != null ? " (" + session.lastProblem() + ")" : ""));
		if (conflicts > 0 && allowed(DesktopPreferences.NOTIFY_CONFLICTS)) {
			Notifications.show(display, "Liaison: " + conflicts + " open conflict" + (conflicts > 1 ? "s" : ""),
					"Changed on both sides: choose field by field in Sync > Conflicts.");
		}
		if (quarantined > 0 && allowed(DesktopPreferences.NOTIFY_QUARANTINE)) {
			Notifications.show(display, "Liaison: " + quarantined + " item" + (quarantined > 1 ? "s" : "") + " quarantined",
					"They could not be synced; nothing is lost. See Sync > Quarantine.");
		}
	}
}
