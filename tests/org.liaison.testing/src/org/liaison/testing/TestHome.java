package org.liaison.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A throwaway Liaison home for a test run: sets the {@code liaison.home} system property to a new
 * temporary folder, so that databases, secure storage and pins never touch the user's own.
 */
public final class TestHome {

	private static Path home;

	private TestHome() {
	}

	public static synchronized Path get() {
		if (home == null) {
			try {
				home = Files.createTempDirectory("liaison-test-home");
			} catch (IOException e) {
				throw new UncheckedIOException(e);
			}
			System.setProperty("liaison.home", home.toString());
		}
		return home;
	}
}
