package org.liaison.demo.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.core.runtime.SubMonitor;
import org.liaison.api.cli.Command;
import org.liaison.api.cli.CommandContext;
import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.env.LiaisonHome;
import org.liaison.api.messaging.MessagingOptions;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.messaging.MessagingService;
import org.liaison.api.model.ItemKind;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.TrustService;
import org.liaison.api.sync.SyncReport;
import org.liaison.connector.dav.internal.radicale.RadicaleServer;
import org.liaison.crm.server.CrmServer;
import org.liaison.demo.DemoProfile;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * {@code ./liaison demo}: the reference CRM server with a generated sample organization, an embedded
 * mail server (GreenMail) with a sample mailbox, contacts, calendar and tasks in Radicale where it is
 * installed or else in Liaison's local store, a profile for the user {@code demo}, and a first sync.
 * The {@code liaison} script then opens the desktop on that profile while this keeps serving.
 */
@Component(service = Command.class, property = Command.NAME + "=demo")
public class DemoCommand implements Command {

	@Reference
	private CrmServer crmServer;
	@Reference
	private CrmConnector crmConnector;
	@Reference
	private MessagingService messaging;
	@Reference
	private SecretStore secrets;
	@Reference
	private TrustService trust;

	@Override
	public String usage() {
		return """
				Usage: ./liaison demo [--no-desktop] [--size N] [--seed S]

				Starts Liaison's reference CRM server with a sample organization (deterministic from the seed and
				size), an embedded mail server with a sample mailbox for the user 'demo', puts contacts, calendar
				and tasks in Radicale when it is installed (else in Liaison's local store), writes a profile, runs a
				first sync, and opens the desktop on it. Everything lives in a fresh folder
				(~/.liaison/demo, or LIAISON_DEMO_HOME) made anew at every start; it needs nothing but a JDK.

				  --no-desktop  prepare, sync once, print the summary and stop (for a terminal or a CI check)
				  --size N      records in the sample organization (default 400)
				  --seed S      seed of the sample organization (default 42)""";
	}

	@Override
	public int run(List<String> args, CommandContext context) throws Exception {
		int size = 400;
		long seed = 42;
		Path ready = null;
		boolean serve = false;
		for (int i = 0; i < args.size(); i++) {
			switch (args.get(i)) {
				case "--size" -> size = Integer.parseInt(args.get(++i));
				case "--seed" -> seed = Long.parseLong(args.get(++i));
				case "--ready" -> ready = Path.of(args.get(++i));
				case "--serve" -> serve = true;
				case "--no-desktop" -> serve = false;
				default -> throw new IllegalArgumentException("unknown option " + args.get(i));
			}
		}
		PrintStream out = context.out();
		SubMonitor monitor = SubMonitor.convert(context.monitor(), "Preparing the demo", 100);
		Path home = LiaisonHome.get();
		Files.createDirectories(home);
		String password = random();

		monitor.subTask("Starting the reference CRM server");
		try (CrmServer.Running crm = crmServer.start(CrmServer.Options.defaults(home.resolve("crm")))) {
			URI root = crm.serviceRoot();
			// the demo's own server on this machine: pinned on the user's behalf, fingerprint shown
			trust.pin(root.getHost(), root.getPort(), crm.certificateFingerprint());
			crm.admin().addUser("demo", "demo@example.test", password.toCharArray(), false);
			monitor.subTask("Generating the sample organization");
			int records = crm.admin().seed(seed, size, LocalDate.now(), monitor.split(30));
			out.println("Reference CRM server: " + root + " (certificate SHA-256 " + crm.certificateFingerprint() + ")");
			out.println("Sample organization: " + records + " records (seed " + seed + ", size " + size + ")");

			GreenMail mail = new GreenMail(new ServerSetup[] { new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
					new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP) });
			mail.start();
			RadicaleServer radicale = null;
			try {
				var user = mail.setUser("demo@example.test", "demo", password);
				try (CrmClient client = crmConnector.connect(new CrmEndpoint(root,
						new CrmAuth.Password(crm.tokenEndpoint(), "liaison-demo", "demo", password.toCharArray())))) {
					int n = SampleMailbox.fill(client, user);
					out.println("Sample mailbox: " + n + " messages for demo@example.test (IMAP 127.0.0.1:"
							+ mail.getImap().getPort() + ", SMTP " + mail.getSmtp().getPort() + ")");
				}
				if (RadicaleServer.executable() != null) {
					radicale = RadicaleServer.start("demo");
					out.println("Contacts, calendar and tasks: Radicale at " + radicale.url());
				} else {
					out.println("Contacts, calendar and tasks: Liaison's local store (Radicale is not installed)");
				}
				Path profileFile = writeProfile(home, crm, mail, radicale);
				Profile profile = Profile.load(profileFile);
				for (String which : new String[] { "crm", "mail", "smtp" }) {
					secrets.put(profile.secretKey(which), password.toCharArray());
				}
				if (radicale != null) {
					secrets.put(profile.secretKey("dav"), radicale.password());
				}
				monitor.subTask("First sync");
				MessagingReport r = messaging.sync(profile, MessagingOptions.normal(), monitor.split(60));
				summary(r, out);
				out.println("Profile: " + profileFile);
				if (ready != null) {
					Files.writeString(ready, profileFile.toString(), StandardCharsets.UTF_8);
				}
				if (serve) {
					out.println("The demo servers run until the desktop closes (or Ctrl-C).");
					CountDownLatch never = new CountDownLatch(1);
					while (!context.monitor().isCanceled() && !never.await(500, TimeUnit.MILLISECONDS)) {
						// serve
					}
				}
				return 0;
			} finally {
				if (radicale != null) {
					radicale.close();
				}
				mail.stop();
			}
		}
	}

	static void summary(MessagingReport r, PrintStream out) {
		out.println(r.instance().message());
		for (ItemKind k : r.pim().keySet()) {
			SyncReport s = r.pim().get(k);
			out.printf("  %-13s %4d into the mailbox, %4d into the CRM%n", k.entitySet(), s.mailbox().created(),
					s.crm().created());
		}
		out.printf("  tracking      %4d messages looked at, %d tracked, %d not tracked (each with its reason)%n",
				r.scanned(), r.tracked(), r.untracked());
		for (String p : r.problems()) {
			out.println("  ! " + p);
		}
	}

	private static Path writeProfile(Path home, CrmServer.Running crm, GreenMail mail, RadicaleServer radicale)
			throws IOException {
		Properties p = DemoProfile.of("demo", crm, mail);
		if (radicale != null) {
			p.setProperty("pim", "dav");
			p.setProperty("dav.url", radicale.url().toString());
			p.setProperty("dav.user", radicale.user());
		}
		p.setProperty("sync.interval", "5");
		return DemoProfile.write(p, home, "Liaison demo profile (made by ./liaison demo; no secrets here)");
	}

	/** A random password for the run's throwaway servers. */
	static String random() {
		byte[] b = new byte[18];
		new SecureRandom().nextBytes(b);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
	}
}
