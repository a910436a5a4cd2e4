package org.liaison.ui.wizard.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Spinner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.messaging.MessagingOptions;
import org.liaison.api.messaging.MessagingService;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.TrustService;
import org.liaison.crm.server.CrmServer;
import org.liaison.testing.Commands;
import org.liaison.testing.Osgi;
import org.liaison.testing.Radicale;
import org.liaison.testing.TestHome;
import org.liaison.testing.TestPasswords;
import org.liaison.testing.ui.Screenshots;
import org.liaison.ui.wizard.ConfigurationWizard;
import org.liaison.ui.wizard.internal.ProfileFiles;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The configuration wizard driven through its SWT widgets under Xvfb, against the reference CRM server
 * (HTTPS with its self-signed certificate, started in this process), GreenMail (IMAP and SMTP) and
 * Radicale (CalDAV/CardDAV): the
 * certificate prompt refuses and then pins, every page is filled in and checked against the servers,
 * Finish writes a profile without secrets, and {@code ./liaison sync --profile} runs on it. Each page
 * is saved as a screenshot (docs/screenshots when {@code liaison.update.screenshots} is set); a failure
 * saves a screenshot of the screen.
 */
class WizardEndToEndTest {

	static Path dir;
	static CrmServer.Running crm;
	/** A second organization the user works with, which does not synchronize. */
	static CrmServer.Running fabrikam;
	static GreenMail mail;
	static Radicale dav;
	static final int MIN_INTERVAL = 10;
	/** Names of the Eclipse Jobs that ran, and whether any ran on the UI thread. */
	static final List<String> jobs = new java.util.concurrent.CopyOnWriteArrayList<>();
	static String password;

	@BeforeAll
	static void servers() throws Exception {
		TestHome.get();
		TestPasswords.unlockSecureStorage();
		dir = Files.createTempDirectory("liaison-wizard");
		crm = Osgi.service(CrmServer.class).start(CrmServer.Options.defaults(dir.resolve("crm")));
		password = TestPasswords.random();
		crm.admin().addUser("alice", "alice@example.test", password.toCharArray(), false);
		crm.admin().seed(7, 1, LocalDate.now(), new NullProgressMonitor());
		// a few contacts of alice's own, for the filter preview (pinned for the setup only)
		URI root = crm.serviceRoot();
		TrustService trust = Osgi.service(TrustService.class);
		trust.pin(root.getHost(), root.getPort(), crm.certificateFingerprint());
		try (CrmClient c = Osgi.service(CrmConnector.class).connect(new CrmEndpoint(root,
				new CrmAuth.Password(crm.tokenEndpoint(), "liaison", "alice", password.toCharArray())))) {
			for (String[] n : new String[][] { { "Ada", "Lovelace" }, { "Grace", "Hopper" }, { "Alan", "Turing" } }) {
				c.write(CrmWrite.create("contacts", Map.of("firstname", n[0], "lastname", n[1], "emailaddress1",
						n[0].toLowerCase(java.util.Locale.ROOT) + "@example.test")), List.of("contactid"));
			}
		}
		// the organization allows no sync interval below 10 minutes (Dynamics' MinOutlookSyncInterval)
		String adminPassword = TestPasswords.random();
		crm.admin().addUser("admin", "admin@example.test", adminPassword.toCharArray(), true);
		try (CrmClient c = Osgi.service(CrmConnector.class).connect(new CrmEndpoint(root,
				new CrmAuth.Password(crm.tokenEndpoint(), "liaison", "admin", adminPassword.toCharArray())))) {
			c.write(CrmWrite.update("organizations", c.whoAmI().organizationId(),
					Map.of("minoutlooksyncinterval", MIN_INTERVAL), "*"), List.of());
		}
		trust.unpin(root.getHost(), root.getPort());
		mail = new GreenMail(new ServerSetup[] { new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
				new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP) });
		mail.start();
		mail.setUser("alice@example.test", "alice", password);
		crm.admin().addUser("bob", "bob@example.test", password.toCharArray(), false);
		mail.setUser("bob@example.test", "bob", password);
		dav = Radicale.start();
		fabrikam = Osgi.service(CrmServer.class).start(CrmServer.Options.defaults(dir.resolve("fabrikam")));
		fabrikam.admin().addUser("alice", "alice@example.test", password.toCharArray(), false);
	}

	@AfterAll
	static void stop() {
		if (mail != null) {
			mail.stop();
		}
		if (dav != null) {
			dav.close();
		}
		if (crm != null) {
			crm.close();
		}
		if (fabrikam != null) {
			fabrikam.close();
		}
	}

	@Test
	void newProfile_throughEveryPage_pinsTheSelfSignedServer_andSyncAcceptsIt() throws Exception {
		if (System.getenv("DISPLAY") == null || System.getenv("DISPLAY").startsWith("$")) {
			throw new AssertionError("UI tests need a display: run them through './liaison test' (it starts Xvfb)");
		}
		URI root = crm.serviceRoot();
		TrustService trust = Osgi.service(TrustService.class);
		trust.unpin(root.getHost(), root.getPort());
		Thread ui = Thread.currentThread();
		org.eclipse.core.runtime.jobs.IJobChangeListener listener = new org.eclipse.core.runtime.jobs.JobChangeAdapter() {
			@Override
			public void running(org.eclipse.core.runtime.jobs.IJobChangeEvent event) {
				jobs.add(event.getJob().getName() + (Thread.currentThread() == ui ? " (on the UI thread!)" : ""));
			}
		};
		org.eclipse.core.runtime.jobs.Job.getJobManager().addJobChangeListener(listener);
		ConfigurationWizard.Result result;
		try {
			result = runWizard(new Run("alice", "alice-work", true));
		} finally {
			org.eclipse.core.runtime.jobs.Job.getJobManager().removeJobChangeListener(listener);
		}
		assertNotNull(result, "the wizard finished");
		// every remote call of the wizard ran as an Eclipse Job, off the UI thread
		for (String job : List.of("Connecting to Contoso", "Connecting to 127.0.0.1",
				"Asking the CRM about your synchronizing client", "Dry run of the first synchronization")) {
			assertTrue(jobs.contains(job), job + " ran as a Job: " + jobs);
		}
		assertTrue(jobs.stream().noneMatch(j -> j.endsWith("(on the UI thread!)")), jobs.toString());

		Path file = result.profileFile();
		String text = Files.readString(file, StandardCharsets.UTF_8);
		assertFalse(text.contains(password), "the profile file holds no password:\n" + text);
		Profile p = Profile.load(file);
		assertEquals("alice-work", p.name());
		assertEquals(root, p.crm().serviceRoot());
		assertEquals(mail.getImap().getPort(), p.mail().incoming().port());
		assertEquals("dav", p.pim());
		assertEquals(dav.url(), p.dav().url());
		SecretStore secrets = Osgi.service(SecretStore.class);
		for (String which : List.of("crm", "mail", "smtp")) {
			assertEquals(password, new String(secrets.get(p.secretKey(which)).orElseThrow()),
					which + " password in secure storage");
		}
		assertEquals(new String(dav.password()), new String(secrets.get(p.secretKey("dav")).orElseThrow()));
		assertFalse(text.contains(new String(dav.password())), "no CalDAV password in the profile");
		assertEquals(Optional.of(crm.certificateFingerprint()), trust.pinned(root.getHost(), root.getPort()));
		// the other organization: its settings under org.org2.*, its password in secure storage, its pin
		assertEquals(fabrikam.serviceRoot().toString(), ProfileFiles.read(file).get("org.org2.url"));
		assertEquals(password, new String(secrets.get("profiles/alice-work/org-org2/password").orElseThrow()));
		assertEquals(Optional.of(fabrikam.certificateFingerprint()),
				trust.pinned(fabrikam.serviceRoot().getHost(), fabrikam.serviceRoot().getPort()));

		// what ./liaison sync --profile FILE --once runs
		Commands.run(Commands.named("sync"), 0, "--profile", file.toString(), "--once");
	}

	@Test
	void secondComputer_asksToTakeOver_andTheFirstSyncTakesOver() throws Exception {
		String home = System.getProperty("liaison.home");
		URI root = crm.serviceRoot();
		try {
			// bob's desk computer synchronizes already
			System.setProperty("liaison.home", Files.createTempDirectory("liaison-desk").toString());
			Osgi.service(TrustService.class).pin(root.getHost(), root.getPort(), crm.certificateFingerprint());
			Path desk = dir.resolve("bob-desk.properties");
			Files.writeString(desk, String.join("\n", "name = bob-desk", "crm.url = " + root, "crm.user = bob",
					"mail.protocol = imap", "mail.host = 127.0.0.1", "mail.port = " + mail.getImap().getPort(),
					"mail.security = none", "mail.user = bob", "mail.address = bob@example.test", "pim = local", ""));
			Profile deskProfile = Profile.load(desk);
			SecretStore secrets = Osgi.service(SecretStore.class);
			secrets.put(deskProfile.secretKey("crm"), password.toCharArray());
			secrets.put(deskProfile.secretKey("mail"), password.toCharArray());
			assertTrue(Osgi.service(MessagingService.class).sync(deskProfile, MessagingOptions.normal(),
					new NullProgressMonitor()).instance().synchronizing());

			// his laptop: a fresh installation, set up with the wizard, which asks whether it takes over
			System.setProperty("liaison.home", Files.createTempDirectory("liaison-laptop").toString());
			ConfigurationWizard.Result result = runWizard(new Run("bob", "bob-laptop", false));
			assertNotNull(result, "the wizard finished");
			assertTrue(result.takeOver(), "the user said this computer takes over");
			Commands.run(Commands.named("sync"), 0, "--profile", result.profileFile().toString(), "--once",
					"--take-over");
			assertTrue(Osgi.service(MessagingService.class).instanceStatus(Profile.load(result.profileFile()))
					.synchronizing(), "the laptop is the synchronizing client now");
		} finally {
			System.setProperty("liaison.home", home);
		}
	}

	/**
	 * One pass through the wizard.
	 *
	 * @param user the CRM and mail user
	 * @param profile the profile's name
	 * @param first the first computer: the certificate is refused once, screenshots are taken, and
	 *        nobody synchronizes for the user yet; else another computer synchronizes and this one takes over
	 */
	record Run(String user, String profile, boolean first) {
	}

	private ConfigurationWizard.Result runWizard(Run run) throws Exception {
		if (System.getenv("DISPLAY") == null || System.getenv("DISPLAY").startsWith("$")) {
			throw new AssertionError("UI tests need a display: run them through './liaison test' (it starts Xvfb)");
		}
		Ui ui = new Ui(Display.getDefault());
		return ui.wizard(run.profile(), null, () -> drive(ui, Osgi.service(TrustService.class), crm.serviceRoot(), run));
	}

	private void drive(Ui ui, TrustService trust, URI root, Run run) throws Exception {
		Display display = Display.getCurrent();
		boolean shots = run.first();
		ui.waitFor("the wizard", () -> ui.shell("wizard") != null, 30);
		Shell wizard = ui.shell("wizard");

		// 1. the CRM organization; the self-signed certificate is first refused, then pinned
		assertTrue(visible(ui, "wizard-page-organizations"));
		ui.type("org-label", "Contoso");
		ui.type("org-url", root.toString());
		ui.type("org-auth", "User name and password");
		ui.type("org-user", run.user());
		ui.type("org-password", password);
		if (run.first()) {
			ui.whenShell("Untrusted certificate", s -> ui.click(ui.button(s, "Cancel")));
			ui.click("org-test");
			assertTrue(ui.text("org-result").startsWith("Not connected"), ui.text("org-result"));
			assertEquals(Optional.empty(), trust.pinned(root.getHost(), root.getPort()), "refused: nothing pinned");
		}
		ui.whenShell("Untrusted certificate", s -> {
			assertTrue(text(s).contains(crm.certificateFingerprint()), "the prompt shows the fingerprint");
			if (shots) {
				Screenshots.forReadme(display, s, "wizard-0-certificate");
			}
			ui.click(ui.button(s, "Trust this certificate"));
		});
		ui.click("org-test");
		assertTrue(ui.text("org-result").startsWith("Connected. Signed in as"), ui.text("org-result"));
		if (run.first()) {
			// a second organization, browsed and edited but not synchronized
			ui.click("org-add");
			ui.type("org-label", "Fabrikam");
			ui.type("org-url", fabrikam.serviceRoot().toString());
			ui.type("org-user", run.user());
			ui.type("org-password", password);
			ui.whenShell("Untrusted certificate", s -> ui.click(ui.button(s, "Trust this certificate")));
			ui.click("org-test");
			assertTrue(ui.text("org-result").startsWith("Connected. Signed in as"), ui.text("org-result"));
		}
		shot(display, wizard, shots ? "wizard-1-organizations" : "");
		next(ui, wizard, "wizard-page-synchronizing-organization");

		// 2. the synchronizing organization and the profile's name
		ui.type("profile-name", run.profile());
		assertTrue(((org.eclipse.swt.widgets.Button) ui.find("sync-org-main")).getSelection());
		if (run.first()) {
			assertTrue(!((org.eclipse.swt.widgets.Button) ui.find("sync-org-org2")).getSelection());
		}
		shot(display, wizard, shots ? "wizard-2-synchronizing-organization" : "");
		next(ui, wizard, "wizard-page-mailbox");

		// 3. the mailbox: GreenMail's IMAP and SMTP on this computer
		ui.type("mail-address", run.user() + "@example.test");
		ui.type("mail-protocol", "imap");
		ui.type("mail-host", "127.0.0.1");
		ui.type("mail-port", Integer.toString(mail.getImap().getPort()));
		ui.type("mail-security", "none");
		ui.type("mail-user", run.user());
		ui.type("mail-password", password);
		ui.type("mail-folders", "INBOX");
		ui.type("smtp-host", "127.0.0.1");
		ui.type("smtp-port", Integer.toString(mail.getSmtp().getPort()));
		ui.type("smtp-security", "none");
		ui.type("smtp-user", run.user());
		ui.click("mail-test");
		assertTrue(ui.text("mail-result").startsWith("Signed in to 127.0.0.1"), ui.text("mail-result"));
		shot(display, wizard, shots ? "wizard-3-mailbox" : "");
		next(ui, wizard, "wizard-page-pim");

		// 4. contacts, calendar and tasks on Radicale, found by discovery from its address (the second
		// computer keeps them in Liaison)
		if (run.first()) {
			ui.click("pim-dav");
			ui.type("dav-url", dav.url().toString());
			ui.type("dav-user", dav.user());
			ui.type("dav-password", new String(dav.password()));
			ui.click("dav-discover");
			assertTrue(ui.text("dav-result").startsWith("Found"), ui.text("dav-result"));
		} else {
			ui.click("pim-local");
		}
		shot(display, wizard, shots ? "wizard-4-contacts-calendar-tasks" : "");
		next(ui, wizard, "wizard-page-synchronizing-client");

		// 5. the synchronizing computer: nobody syncs for alice yet
		String instance = ui.text("instance-status");
		if (run.first()) {
			assertTrue(instance.contains("this one will") || instance.contains("This computer is your synchronizing client"),
					instance);
		} else {
			assertTrue(instance.contains("Should this computer take over?"), instance);
			ui.click("instance-take-over");
			Screenshots.forReadme(display, wizard, "wizard-5-take-over");
		}
		next(ui, wizard, "wizard-page-sync-options");

		// 6. sync options: the interval cannot go below the organization's minimum
		Spinner interval = ui.find("sync-interval");
		assertEquals(MIN_INTERVAL, interval.getMinimum(), "the organization's minimum interval");
		ui.type("tracking-option", trackingLabel(ui, "replies"));
		shot(display, wizard, shots ? "wizard-6-sync-options" : "");
		next(ui, wizard, "wizard-page-filters");

		// 7. filters, with a preview from the CRM
		ui.click("filter-preview-contacts");
		assertTrue(ui.text("filter-result-contacts").startsWith(run.first() ? "3 records, e.g." : "0 records"),
				ui.text("filter-result-contacts"));
		shot(display, wizard, shots ? "wizard-7-filters" : "");
		next(ui, wizard, "wizard-page-summary");

		// 8. the dry run
		assertTrue(ui.text("summary-report").contains("contacts: into the mailbox"), ui.text("summary-report"));
		if (!run.first()) {
			assertTrue(ui.text("summary-report").contains("took over"), ui.text("summary-report"));
		}
		shot(display, wizard, shots ? "wizard-8-summary" : "");
		ui.click(ui.button(wizard, "Finish"));
	}

	private static String trackingLabel(Ui ui, String id) {
		org.eclipse.swt.widgets.Combo c = ui.find("tracking-option");
		return c.getItemCount() > 0 ? c.getItem(Math.max(0, c.getSelectionIndex())) : id;
	}

	private static boolean visible(Ui ui, String id) {
		Control c = ui.find(id);
		return c.isVisible();
	}

	private static void next(Ui ui, Shell wizard, String page) {
		org.eclipse.swt.widgets.Button next = ui.button(wizard, "Next >");
		assertTrue(next.isEnabled(), "Next is enabled before " + page + ": " + wizardMessage(wizard));
		ui.click(next);
		ui.waitFor(page, () -> visible(ui, page), 60);
	}

	private static String wizardMessage(Shell wizard) {
		return text(wizard);
	}

	/** Every label's and text's text in a shell (for messages). */
	static String text(Control c) {
		StringBuilder b = new StringBuilder();
		if (c instanceof org.eclipse.swt.widgets.Label l) {
			b.append(l.getText()).append(' ');
		} else if (c instanceof org.eclipse.swt.widgets.Text t && t.isVisible()) {
			b.append(t.getText()).append(' ');
		} else if (c instanceof org.eclipse.swt.custom.CLabel l) {
			b.append(l.getText()).append(' ');
		}
		if (c instanceof org.eclipse.swt.widgets.Composite k) {
			for (Control child : k.getChildren()) {
				b.append(text(child));
			}
		}
		return b.toString();
	}

	private static void shot(Display display, Shell shell, String name) {
		if (!name.isEmpty()) {
			Screenshots.forReadme(display, shell, name);
		}
	}
}
