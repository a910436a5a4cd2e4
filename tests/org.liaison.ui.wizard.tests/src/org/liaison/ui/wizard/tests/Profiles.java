package org.liaison.ui.wizard.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestPasswords;
import org.liaison.ui.wizard.internal.ProfileFiles;

/** Profiles in the desktop's profiles folder for tests that change one; nothing listens on their servers. */
final class Profiles {

	private Profiles() {
	}

	/** Writes the profile {@code name} (CRM and IMAP on 127.0.0.1:9, local contacts) with a 15-minute interval. */
	static Path unreachable(String name) throws Exception {
		Path file = ProfileFiles.fileOf(name);
		Files.createDirectories(file.getParent());
		Files.writeString(file, String.join("\n", "name = " + name, "crm.url = https://127.0.0.1:9/api/data/v9.2/",
				"crm.user = alice", "mail.protocol = imap", "mail.host = 127.0.0.1", "mail.port = 9",
				"mail.security = none", "mail.user = alice", "mail.address = alice@example.test", "pim = local",
				"sync.interval = 15", ""));
		return file;
	}

	/** Saves a run-time password for each of {@code which} in secure storage; returns them by name. */
	static Map<String, String> saveSecrets(Path file, String... which) throws Exception {
		Profile p = Profile.load(file);
		SecretStore secrets = Osgi.service(SecretStore.class);
		Map<String, String> out = new LinkedHashMap<>();
		for (String w : which) {
			String pw = TestPasswords.random();
			secrets.put(p.secretKey(w), pw.toCharArray());
			out.put(w, pw);
		}
		return out;
	}

	static String secret(String profile, String which) throws Exception {
		return Osgi.service(SecretStore.class).get("profiles/" + profile + "/" + which + "/password").map(String::new)
				.orElse(null);
	}
}
