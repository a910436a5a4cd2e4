package org.liaison.ui.wizard.tests;

import java.nio.file.Files;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.liaison.testing.TestHome;
import org.liaison.testing.TestPasswords;

/** Each test in a new, empty Liaison home (secure storage unlocked); the shared test home comes back after. */
abstract class InFreshHome {

	private String home;

	@BeforeEach
	void freshHome() throws Exception {
		TestHome.get();
		TestPasswords.unlockSecureStorage();
		home = System.getProperty("liaison.home");
		System.setProperty("liaison.home", Files.createTempDirectory("liaison-wizard-home").toString());
	}

	@AfterEach
	void restoreHome() {
		System.setProperty("liaison.home", home);
	}
}
