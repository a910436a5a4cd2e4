package org.liaison.ui.wizard.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Spinner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.liaison.api.security.SecretStore;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestPasswords;
import org.liaison.testing.ui.Screenshots;
import org.liaison.testing.ui.Workbench;

/**
 * The wizard in the desktop: it opens by itself on first start (no profile), not when a profile is
 * given, and from File > Configure Liaison...; File > Preferences... saves the interval into the
 * profile, the notification choices into the desktop's preferences and passwords into secure storage.
 */
class DesktopIntegrationTest extends InFreshHome {

	private String profileProperty;

	@BeforeEach
	void noProfileGiven() {
		profileProperty = System.getProperty("liaison.profile");
		System.clearProperty("liaison.profile");
	}

	@AfterEach
	void restore() {
		if (profileProperty == null) {
			System.clearProperty("liaison.profile");
		} else {
			System.setProperty("liaison.profile", profileProperty);
		}
		System.clearProperty("liaison.wizard.first-start");
	}

	@Test
	void firstStart_withoutProfile_opensTheWizardOverTheMainWindow() throws Exception {
		System.setProperty("liaison.wizard.first-start", "true");
		Workbench.run("firstStart", (display, main, app) -> {
			Ui ui = new Ui(display);
			java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
			// the wizard's own event loop runs while it is open: answer it from a timer
			ui.whenShell("wizard", wizard -> {
				seen.set(wizard.getText() + " / " + ui.find("wizard-page-organizations").isVisible());
				ui.click(ui.button(wizard, "Cancel"));
			});
			ui.waitFor("the first-start wizard", () -> seen.get() != null && ui.shell("wizard") == null, 30);
			assertEquals("Set up Liaison / true", seen.get());
		});
	}

	@Test
	void givenProfile_theWizardDoesNotOpen() throws Exception {
		System.setProperty("liaison.wizard.first-start", "true");
		System.setProperty("liaison.profile", writeProfile("given").toString());
		Workbench.run("givenProfile", (display, main, app) -> {
			Ui ui = new Ui(display);
			Workbench.spinUntil(display, () -> false, Duration.ofSeconds(2));
			assertNull(ui.shell("wizard"), "no wizard when ./liaison demo gives the profile");
		});
	}

	@Test
	void menu_configureOpensTheWizardOnTheProfile_preferencesSaveIntervalNotificationsAndPasswords()
			throws Exception {
		Path file = writeProfile("work");
		Workbench.run("menu", (display, main, app) -> {
			Ui ui = new Ui(display);
			// File > Configure Liaison...: the wizard on the desktop's profile
			ui.whenShell("wizard", w -> {
				assertEquals("Liaison settings: work", w.getText());
				ui.click(ui.button(w, "Cancel"));
			});
			menuItem(main, "File", "Configure Liaison...").notifyListeners(SWT.Selection, new Event());
			ui.waitFor("the wizard to close", () -> ui.shell("wizard") == null, 30);

			// File > Preferences...
			String secret = TestPasswords.random();
			ui.whenShell("preferences", p -> {
				Spinner interval = ui.find("pref-interval");
				interval.setSelection(30);
				ui.click("pref-sync-on-start");
				ui.selectTreeItem(p, "Passwords");
				ui.type("pref-password-mail", secret);
				Screenshots.forReadme(display, p, "preferences");
				ui.click(ui.button(p, "Apply and Close"));
			});
			menuItem(main, "File", "Preferences...").notifyListeners(SWT.Selection, new Event());
			ui.waitFor("the preferences to close", () -> ui.shell("preferences") == null, 30);
			try {
				assertEquals("30", load(file).getProperty("sync.interval"));
				assertTrue(!Files.readString(file).contains(secret), "no password in the profile");
				Properties desktop = load(Path.of(System.getProperty("liaison.home"), "desktop.properties"));
				assertEquals("false", desktop.getProperty("sync.on-start"));
				assertEquals(secret, new String(Osgi.service(SecretStore.class)
						.get("profiles/work/mail/password").orElseThrow()));
			} catch (java.io.IOException e) {
				throw new AssertionError(e);
			}
		});
	}

	private static MenuItem menuItem(Shell main, String menu, String item) {
		for (MenuItem top : main.getMenuBar().getItems()) {
			if (top.getText().replace("&", "").equals(menu)) {
				Menu m = top.getMenu();
				m.notifyListeners(SWT.Show, new Event()); // e4 fills menus when they are shown
				for (MenuItem i : m.getItems()) {
					if (i.getText().replace("&", "").startsWith(item)) {
						return i;
					}
				}
			}
		}
		throw new AssertionError("no menu item " + menu + " > " + item);
	}

	private static Properties load(Path file) throws java.io.IOException {
		Properties p = new Properties();
		try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			p.load(r);
		}
		return p;
	}

	private static Path writeProfile(String name) throws Exception {
		return Profiles.unreachable(name);
	}
}
