package org.liaison.ui.wizard.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.jface.preference.PreferenceDialog;
import org.eclipse.jface.preference.PreferenceManager;
import org.eclipse.jface.preference.PreferenceNode;
import org.eclipse.jface.preference.PreferencePage;
import org.eclipse.jface.preference.PreferenceStore;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.SecretStoreException;
import org.liaison.ui.wizard.DesktopPreferences;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

/**
 * File > Preferences: a JFace preference dialog. Synchronization (the profile's interval, sync at
 * start), Notifications (the desktop's), Passwords (straight into secure storage, never a file).
 */
public final class Preferences {

	private Preferences() {
	}

	/** Opens the dialog on {@code profile} (may be null: then only the desktop's preferences). */
	public static int open(Shell shell, Path profile) {
		PreferenceStore desktop = DesktopPreferences.load();
		PreferenceManager pages = new PreferenceManager();
		pages.addToRoot(new PreferenceNode("sync", new SyncPage(desktop, profile)));
		pages.addToRoot(new PreferenceNode("notifications", new NotificationsPage(desktop)));
		if (profile != null && Files.exists(profile)) {
			pages.addToRoot(new PreferenceNode("passwords", new PasswordsPage(profile)));
		}
		PreferenceDialog dialog = new PreferenceDialog(shell, pages);
		dialog.setPreferenceStore(desktop);
		dialog.create();
		dialog.getShell().setText("Liaison preferences");
		dialog.getShell().setData(Forms.TEST_ID, "preferences");
		return dialog.open();
	}

	static final class SyncPage extends PreferencePage {
		private final PreferenceStore desktop;
		private final Path profile;
		private Spinner interval;
		private Button onStart;

		SyncPage(PreferenceStore desktop, Path profile) {
			super("Synchronization");
			this.desktop = desktop;
			this.profile = profile;
			noDefaultAndApplyButton();
		}

		@Override
		protected Control createContents(Composite parent) {
			Composite c = Forms.grid(parent, 2);
			new Label(c, SWT.NONE).setText("Synchronize every (minutes):");
			interval = new Spinner(c, SWT.BORDER);
			interval.setData(Forms.TEST_ID, "pref-interval");
			int minutes = 15;
			try {
				if (profile != null && Files.exists(profile)) {
					minutes = Integer.parseInt(ProfileFiles.read(profile).getOrDefault("sync.interval", "15"));
				}
			} catch (IOException | NumberFormatException e) {
				setErrorMessage("The profile cannot be read: " + e.getMessage());
			}
			interval.setValues(minutes, 1, 1440, 0, 1, 15);
			interval.setEnabled(profile != null && Files.exists(profile));
			onStart = Forms.check(c, "Synchronize when Liaison starts", "pref-sync-on-start",
					desktop.getBoolean(DesktopPreferences.SYNC_ON_START), null);
			Forms.note(c, "pref-sync-note").setText("The interval is never shorter than your organization allows: "
					+ "a shorter one is raised to the organization's minimum when the sync runs.");
			return c;
		}

		@Override
		public boolean performOk() {
			desktop.setValue(DesktopPreferences.SYNC_ON_START, onStart.getSelection());
			if (profile != null && Files.exists(profile)) {
				try {
					Map<String, String> s = new TreeMap<>(ProfileFiles.read(profile));
					s.put("sync.interval", Integer.toString(interval.getSelection()));
					ProfileFiles.write(profile, s);
				} catch (IOException | IllegalArgumentException e) {
					setErrorMessage("Cannot save the profile: " + e.getMessage());
					return false;
				}
			}
			return save(desktop, this);
		}
	}

	static final class NotificationsPage extends PreferencePage {
		private final PreferenceStore desktop;
		private final Map<String, Button> checks = new LinkedHashMap<>();

		NotificationsPage(PreferenceStore desktop) {
			super("Notifications");
			this.desktop = desktop;
			noDefaultAndApplyButton();
		}

		@Override
		protected Control createContents(Composite parent) {
			Composite c = Forms.grid(parent, 1);
			add(c, DesktopPreferences.NOTIFY_CONFLICTS, "Tell me when a sync leaves conflicts to resolve");
			add(c, DesktopPreferences.NOTIFY_QUARANTINE, "Tell me when items are set aside (quarantined)");
			add(c, DesktopPreferences.NOTIFY_FAILURES, "Tell me when a sync fails");
			return c;
		}

		private void add(Composite c, String key, String label) {
			checks.put(key, Forms.check(c, label, "pref-" + key, desktop.getBoolean(key), null));
		}

		@Override
		public boolean performOk() {
			checks.forEach((k, b) -> desktop.setValue(k, b.getSelection()));
			return save(desktop, this);
		}
	}

	/** Passwords of the profile's accounts, straight into secure storage; an empty field keeps the saved one. */
	static final class PasswordsPage extends PreferencePage {
		private final Path profile;
		private final Map<String, Text> fields = new LinkedHashMap<>();
		private String name;

		PasswordsPage(Path profile) {
			super("Passwords");
			this.profile = profile;
			noDefaultAndApplyButton();
		}

		@Override
		protected Control createContents(Composite parent) {
			Composite c = Forms.grid(parent, 2);
			Map<String, String> s;
			try {
				s = ProfileFiles.read(profile);
			} catch (IOException e) {
				setErrorMessage("The profile cannot be read: " + e.getMessage());
				return c;
			}
			name = s.getOrDefault("name", profile.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
			SecretStore store = secrets();
			add(c, store, "crm", "CRM (" + s.getOrDefault("crm.user", "") + "):");
			if (s.get("mail.host") != null) {
				add(c, store, "mail", "Mailbox (" + s.getOrDefault("mail.user", "") + "):");
			}
			if (s.get("smtp.host") != null) {
				add(c, store, "smtp", "SMTP (" + s.getOrDefault("smtp.user", "") + "):");
			}
			if ("dav".equals(s.get("pim"))) {
				add(c, store, "dav", "CalDAV/CardDAV (" + s.getOrDefault("dav.user", "") + "):");
			}
			Forms.note(c, "pref-passwords-note").setText("Passwords are kept in Eclipse secure storage only. "
					+ "Leave a field empty to keep the saved password.");
			return c;
		}

		private void add(Composite c, SecretStore store, String which, String label) {
			Text t = Forms.password(c, label, "pref-password-" + which, null);
			boolean saved = false;
			try {
				saved = store != null && store.get(LiaisonWizard.secretKey(name, which)).isPresent();
			} catch (SecretStoreException e) {
				// shown as not saved
			}
			t.setMessage(saved ? "(saved)" : "(not saved)");
			fields.put(which, t);
		}

		@Override
		public boolean performOk() {
			SecretStore store = secrets();
			try {
				for (Map.Entry<String, Text> e : fields.entrySet()) {
					if (!e.getValue().getText().isEmpty()) {
						store.put(LiaisonWizard.secretKey(name, e.getKey()), e.getValue().getText().toCharArray());
						e.getValue().setText("");
					}
				}
				return true;
			} catch (SecretStoreException | RuntimeException e) {
				setErrorMessage("Secure storage: " + e.getMessage());
				return false;
			}
		}

		private static SecretStore secrets() {
			var b = FrameworkUtil.getBundle(Preferences.class).getBundleContext();
			ServiceReference<SecretStore> r = b.getServiceReference(SecretStore.class);
			return r == null ? null : b.getService(r);
		}
	}

	private static boolean save(PreferenceStore store, PreferencePage page) {
		try {
			Files.createDirectories(org.liaison.api.env.LiaisonHome.resolve("desktop.properties").getParent());
			store.save();
			return true;
		} catch (IOException e) {
			page.setErrorMessage("Cannot save the preferences: " + e.getMessage());
			return false;
		}
	}
}
