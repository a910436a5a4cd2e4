package org.liaison.ui.wizard.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;
import org.liaison.testing.TestPasswords;
import org.liaison.ui.wizard.ConfigurationWizard;

/**
 * Typed passwords: a page that must sign in puts them in secure storage for the attempt; Cancel puts
 * back what was saved before, Finish keeps the new one; none ever reaches the profile file.
 */
class WizardSecretsTest extends InFreshHome {

	/** On the mailbox page: types a new password and tests the (unreachable) connection with it. */
	private static void typeAndTest(Ui ui, String password) {
		Shell wizard = ui.shell("wizard");
		ui.click(ui.button(wizard, "Next >"));
		ui.click(ui.button(wizard, "Next >"));
		ui.waitFor("the mailbox page", () -> ui.find("wizard-page-mailbox").isVisible(), 30);
		ui.type("mail-password", password);
		ui.click("mail-test");
		assertTrue(ui.text("mail-result").startsWith("Cannot connect"), ui.text("mail-result"));
	}

	@Test
	void cancel_putsBackTheSavedPassword() throws Exception {
		Path file = Profiles.unreachable("work");
		Map<String, String> saved = Profiles.saveSecrets(file, "crm", "mail");
		String typed = TestPasswords.random();
		Ui ui = new Ui(Display.getDefault());
		ConfigurationWizard.Result r = ui.wizard("secrets-cancel", file, () -> {
			typeAndTest(ui, typed);
			assertEquals(typed, Profiles.secret("work", "mail"), "the attempt signed in with the typed password");
			ui.click(ui.button(ui.shell("wizard"), "Cancel"));
		});
		assertNull(r);
		assertEquals(saved.get("mail"), Profiles.secret("work", "mail"), "Cancel put the saved password back");
		assertNull(Profiles.secret("work", "smtp"), "nothing left behind");
	}

	@Test
	void finish_keepsTheTypedPassword_outOfTheProfileFile() throws Exception {
		Path file = Profiles.unreachable("work");
		Profiles.saveSecrets(file, "crm", "mail");
		String typed = TestPasswords.random();
		Ui ui = new Ui(Display.getDefault());
		ConfigurationWizard.Result r = ui.wizard("secrets-finish", file, () -> {
			typeAndTest(ui, typed);
			ui.click(ui.button(ui.shell("wizard"), "Finish"));
		});
		assertNotNull(r);
		assertTrue(r.reconnect(), "a new mailbox password means connecting again");
		assertEquals(typed, Profiles.secret("work", "mail"));
		assertFalse(Files.readString(file).contains(typed), "no password in the profile file");
	}
}
