package org.liaison.api.env;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where Liaison keeps its files: the system property {@code liaison.home}, else the environment
 * variable {@code LIAISON_HOME}, else {@code ~/.liaison}. Profiles' databases, the secure storage
 * file (encrypted), pinned certificates and logs live below it.
 */
public final class LiaisonHome {

	private LiaisonHome() {
	}

	public static Path get() {
		String p = System.getProperty("liaison.home");
		if (p == null || p.isBlank()) {
			p = System.getenv("LIAISON_HOME");
		}
		if (p == null || p.isBlank()) {
			return Paths.get(System.getProperty("user.home"), ".liaison");
		}
		return Paths.get(p);
	}

	public static Path resolve(String first, String... more) {
		return get().resolve(Paths.get(first, more));
	}
}
