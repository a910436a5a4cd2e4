package org.liaison.ui.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.messaging.MessagingOptions;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.messaging.MessagingService;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.TrustService;
import org.liaison.crm.server.CrmServer;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestHome;
import org.liaison.testing.TestPasswords;
import org.liaison.ui.bench.DemoData;

/**
 * Demo-like data for the workbench, started in the test's framework: the reference CRM server with a
 * seeded sample organization and the user {@code demo}, GreenMail with demo's mailbox (mail from CRM
 * contacts and from strangers), contacts, calendar and tasks in the local store, a profile file the
 * desktop reads ({@code liaison.profile}), and a first sync.
 */
final class DemoWorld implements AutoCloseable {

	final Path dir;
	final DemoData data;
	final String password = TestPasswords.random();
	final Profile profile;
	final List<String> customers = new ArrayList<>();
	/** The name of a seeded account demo owns, and a word of it to search for. */
	final String account;
	final String accountWord;
	final MessagingReport firstSync;

	DemoWorld(int size, String... extra) throws Exception {
		this("demo", size, extra);
	}

	/**
	 * A world whose profile has its own name: a fresh store even when earlier tests of the run keep
	 * "demo"'s open (the local PIM connector holds its stores for the framework's life).
	 */
	DemoWorld(String name, int size, String... extra) throws Exception {
		Path home = TestHome.get().resolve("ui-" + System.nanoTime());
		System.setProperty("liaison.home", home.toString());
		// the tests start their syncs themselves (F9), not at start-up as File > Preferences allows
		Files.createDirectories(home);
		Files.writeString(home.resolve("desktop.properties"), "sync.on-start=false\n");
		TestPasswords.unlockSecureStorage();
		dir = Files.createTempDirectory("liaison-ui");
		data = new DemoData(new DemoData.Services(Osgi.service(CrmServer.class), Osgi.service(CrmConnector.class),
				Osgi.service(SecretStore.class), Osgi.service(TrustService.class)), dir, name, size,
				password.toCharArray(), extra);
		profile = data.profile;
		try (CrmClient c = client()) {
			for (CrmRecord r : c.query("contacts", CrmQuery.select("contactid", "fullname", "emailaddress1")
					.filter("emailaddress1 ne null").orderBy("fullname").top(4)).records()) {
				customers.add(r.string("emailaddress1"));
			}
			// an account demo owns (others' records are read-only to demo)
			account = c.query("accounts", CrmQuery.select("accountid", "name").filter("_ownerid_value eq " + data.demo)
					.orderBy("name").top(1)).records().get(0).string("name");
		}
		accountWord = account.split(" ")[0];
		String[] topics = { "Renewal terms", "Pricing question", "Site visit", "Delivery schedule" };
		for (int i = 0; i < customers.size(); i++) {
			deliver(customers.get(i), topics[i % topics.length], "<c" + i + "@customer.test>");
		}
		deliver("newsletter@stranger.test", "Weekly offers", "<n1@stranger.test>");
		deliver("maria@prospect.test", "Question about your product", "<p1@prospect.test>");
		deliver("sam@prospect.test", "Meeting next week", "<p2@prospect.test>");
		System.setProperty("liaison.profile", data.profileFile.toString());
		firstSync = sync();
	}

	MessagingReport sync() throws Exception {
		return Osgi.service(MessagingService.class).sync(profile, MessagingOptions.normal(), new NullProgressMonitor());
	}

	CrmClient client() throws Exception {
		return data.client();
	}

	void deliver(String from, String subject, String messageId) throws Exception {
		data.deliver(from, subject, messageId,
				"Hello,\n\nabout " + subject.toLowerCase() + ": can we talk this week?\n\nBest regards");
	}

	@Override
	public void close() throws Exception {
		System.clearProperty("liaison.profile");
		data.close();
	}
}
