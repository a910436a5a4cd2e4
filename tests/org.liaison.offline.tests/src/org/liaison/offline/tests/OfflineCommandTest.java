package org.liaison.offline.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.liaison.api.cli.Command;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.env.LiaisonHome;
import org.liaison.api.security.SecretStore;
import org.liaison.crm.server.CrmServer;
import org.liaison.store.derby.DerbyProfileStore;
import org.liaison.testing.Commands;
import org.liaison.testing.CrmServers;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestHome;

/**
 * {@code ./liaison offline go|status|online --profile FILE} as the command service, on the encrypted
 * store of a profile in a throwaway Liaison home, against the reference CRM server over HTTPS.
 */
class OfflineCommandTest {

	private static Command command() throws Exception {
		return Commands.named("offline");
	}

	private static String run(Command cmd, int expected, String... args) throws Exception {
		return Commands.run(cmd, expected, args);
	}

	@Test
	void goStatusOnline_withSummaries_onTheProfilesEncryptedStore() throws Exception {
		TestHome.get();
		CrmServer.Running s = CrmServers.shared();
		CrmServers.User u = CrmServers.user("cli-" + UUID.randomUUID().toString().substring(0, 8), false);
		String profile = "cli-" + UUID.randomUUID().toString().substring(0, 8);
		Osgi.service(SecretStore.class).put("profiles/" + profile + "/crm/password", u.password().toCharArray());
		Path file = Files.createTempFile("offline", ".properties");
		Files.writeString(file, "name = " + profile + "\ncrm.url = " + s.serviceRoot() + "\ncrm.auth = password\ncrm.user = "
				+ u.name() + "\noffline.types = contacts, accounts\noffline.conflicts = crm-wins\n");
		UUID ada = UUID.randomUUID();
		try (CrmClient other = CrmServers.client(u, CrmLimits.defaults())) {
			other.write(CrmWrite.createWithId("contacts", ada, Map.of("firstname", "Ada", "lastname", "Lovelace")), null);
			Command cmd = command();
			String f = file.toString();

			String go = run(cmd, 0, "go", "--profile", f);
			assertTrue(go.contains("1 records copied (contacts 1)"), go);
			assertTrue(go.contains("offline since"), go);
			Path db = LiaisonHome.resolve("profiles", profile, "db");
			assertTrue(DerbyProfileStore.encrypted(db), "the offline copy is in the profile's encrypted store");

			String made = run(cmd, 0, "new", "contacts", "firstname=Grace", "lastname=Hopper", "--profile", f);
			Matcher id = Pattern.compile("offline: ([0-9a-f-]{36})").matcher(made);
			assertTrue(id.find(), made);
			String dup = run(cmd, 1, "new", "contacts", "firstname=Grace", "lastname=Hopper", "--profile", f);
			assertTrue(dup.contains("looks like 'Grace Hopper'") && dup.contains("--even-if-duplicate"), dup);
			run(cmd, 0, "edit", "contacts", ada.toString(), "jobtitle=Analyst", "--profile", f);
			other.write(CrmWrite.update("contacts", ada, Map.of("jobtitle", "Countess"), null), null);

			String status = run(cmd, 0, "status", "--profile", f);
			assertTrue(status.contains("contacts") && status.contains("2 offline changes waiting"), status);
			String outbox = run(cmd, 0, "outbox", "--profile", f);
			assertTrue(outbox.contains("create contact") && outbox.contains("update contact " + ada), outbox);

			String online = run(cmd, 0, "online", "--profile", f);
			assertTrue(online.contains("Replayed 2 offline changes"), online);
			assertTrue(online.contains("1 conflicts"), online);
			assertTrue(online.contains("your offline value 'Analyst' is kept here"), online);
			assertTrue(online.contains("You are online."), online);
			assertEquals("Countess", other.retrieve("contacts", ada, CrmQuery.select("jobtitle")).string("jobtitle"));
			assertEquals("Grace", other.retrieve("contacts", UUID.fromString(id.group(1)), CrmQuery.select("firstname"))
					.string("firstname"));

			String conflicts = run(cmd, 0, "conflicts", "--profile", f);
			assertTrue(conflicts.contains("settled") && conflicts.contains("Analyst"), conflicts);
			String after = run(cmd, 0, "status", "--profile", f);
			assertTrue(after.contains(": online since") && after.contains("0 offline changes waiting"), after);
			String preview = run(cmd, 0, "preview", "--profile", f);
			assertTrue(preview.matches("(?s).*contacts\\s+2\\s.*"), preview);
			String list = run(cmd, 0, "list", "contacts", "gr", "--profile", f);
			assertTrue(list.contains("Grace Hopper"), list);
		}
		Files.writeString(file, "name = x\ncrm.url = https://127.0.0.1:1/\ncrm.user = u\ncrm.password = no\n");
		try {
			command().run(new ArrayList<>(List.of("status", "--profile", file.toString())), new Commands.Captured());
			throw new AssertionError("a profile file with a password must be refused");
		} catch (java.io.IOException expected) {
			assertTrue(expected.getMessage().contains("holds no secret"), expected.getMessage());
		}
	}
}
