package org.liaison.ui.wizard;

import java.io.IOException;
import java.nio.file.Files;

import org.eclipse.jface.preference.PreferenceStore;
import org.liaison.api.env.LiaisonHome;

/**
 * The desktop's own preferences (not the profile's settings, and never a secret), set in File >
 * Preferences and kept in {@code $LIAISON_HOME/desktop.properties}. The workbench reads them with
 * {@link #load()}.
 */
public final class DesktopPreferences {

	/** Boolean: show a notification when a sync leaves conflicts to resolve. Default true. */
	public static final String NOTIFY_CONFLICTS = "notify.conflicts";
	/** Boolean: show a notification when items are quarantined. Default true. */
	public static final String NOTIFY_QUARANTINE = "notify.quarantine";
	/** Boolean: show a notification when a sync fails. Default true. */
	public static final String NOTIFY_FAILURES = "notify.failures";
	/** Boolean: synchronize once as soon as the desktop starts. Default true. */
	public static final String SYNC_ON_START = "sync.on-start";

	private DesktopPreferences() {
	}

	/** The preferences, with their defaults; {@link PreferenceStore#save()} writes them back. */
	public static PreferenceStore load() {
		PreferenceStore store = new PreferenceStore(LiaisonHome.resolve("desktop.properties").toString());
		for (String k : new String[] { NOTIFY_CONFLICTS, NOTIFY_QUARANTINE, NOTIFY_FAILURES, SYNC_ON_START }) {
			store.setDefault(k, true);
		}
		if (Files.exists(LiaisonHome.resolve("desktop.properties"))) {
			try {
				store.load();
			} catch (IOException e) {
				// unreadable: the defaults hold, and saving writes a good file
			}
		}
		return store;
	}
}
