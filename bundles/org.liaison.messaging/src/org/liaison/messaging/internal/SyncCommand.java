package org.liaison.messaging.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.liaison.api.cli.Command;
import org.liaison.api.cli.CommandContext;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.mail.MailWatch;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.messaging.MessagingOptions;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.messaging.MessagingService;
import org.liaison.api.model.ItemKind;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.api.sync.SideCounts;
import org.liaison.api.sync.SyncReport;
import org.liaison.sync.scheduler.SyncScheduler;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code ./liaison sync}: the messaging sync of a profile, headless. */
@Component(service = Command.class, property = Command.NAME + "=sync")
public class SyncCommand implements Command {

	/** Exit code: the delete brake stopped a pair; nothing was deleted. */
	static final int BRAKE = 3;
	/** Exit code: this computer is not the user's synchronizing client; nothing was synced. */
	static final int NOT_SYNCHRONIZING = 4;

	@Reference
	private MessagingService messaging;
	@Reference
	private SecretStore secrets;
	@Reference
	private SyncScheduler scheduler;
	@Reference
	private org.liaison.api.mail.MailConnector mailConnector;
	@Reference
	private org.liaison.api.store.OfflineStore offlineStore;

	@Override
	public String usage() {
		return """
				Usage: ./liaison sync --profile FILE [--once | --watch] [--dry-run] [--take-over] [--force-deletes]
				       ./liaison sync --profile FILE --set-secret crm|mail|smtp|dav   (reads it from standard input)

				Keeps the profile's mailbox and CRM in step: CRM contacts, appointments and tasks through the sync
				filters into the mailbox's address book, calendar and task list; tracked email into the CRM;
				outgoing CRM email out through the mailbox's SMTP server. The profile file is described in
				docs/profile.md; it holds no secret: passwords come from secure storage (--set-secret) or from
				LIAISON_CRM_PASSWORD, LIAISON_MAIL_PASSWORD, LIAISON_SMTP_PASSWORD, LIAISON_DAV_PASSWORD.

				  --once           one run, then exit (the default)
				  --watch          run on the profile's interval and when new mail arrives (IMAP IDLE), until Ctrl-C
				  --dry-run        decide and report what would be created, updated, deleted and tracked; change nothing
				  --take-over      make this computer the user's synchronizing client if another one is
				  --force-deletes  go past the delete brake (you checked what the last run said it would delete)

				Exit codes: 0 synced, 1 failed, 2 usage, 3 the delete brake stopped a pair (nothing deleted),
				4 this computer is not the synchronizing client, or the profile says sync.enabled=false (nothing synced).""";
	}

	@Override
	public int run(List<String> args, CommandContext context) throws Exception {
		Path file = null;
		boolean watch = false;
		boolean dryRun = false;
		boolean takeOver = false;
		boolean force = false;
		String setSecret = null;
		for (int i = 0; i < args.size(); i++) {
			switch (args.get(i)) {
				case "--profile" -> file = Path.of(value(args, ++i, "--profile"));
				case "--once" -> watch = false;
				case "--watch" -> watch = true;
				case "--dry-run" -> dryRun = true;
				case "--take-over" -> takeOver = true;
				case "--force-deletes" -> force = true;
				case "--set-secret" -> setSecret = value(args, ++i, "--set-secret");
				default -> throw new IllegalArgumentException("unknown option " + args.get(i));
			}
		}
		if (file == null) {
			throw new IllegalArgumentException("--profile FILE is required");
		}
		Profile profile = Profile.load(file);
		if (setSecret != null) {
			return setSecret(profile, setSecret, context);
		}
		MessagingOptions options = new MessagingOptions(dryRun, takeOver, force);
		if (watch && !profile.syncEnabled()) {
			context.out().println(InstanceRules.disabled(profile).message());
			return NOT_SYNCHRONIZING;
		}
		if (!watch) {
			MessagingReport r = messaging.sync(profile, options, context.monitor());
			print(r, dryRun, context.out());
			return exitCode(r);
		}
		return watch(profile, options, context);
	}

	private int setSecret(Profile profile, String which, CommandContext context) throws Exception {
		if (!Profile.ENV.containsKey(which)) {
			throw new IllegalArgumentException("--set-secret takes crm, mail, smtp or dav");
		}
		char[] secret;
		if (System.console() != null) {
			secret = System.console().readPassword("%s password for %s: ", which, profile.name());
		} else {
			String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
			secret = line == null ? null : line.toCharArray();
		}
		if (secret == null || secret.length == 0) {
			throw new IllegalArgumentException("no secret given");
		}
		secrets.put(profile.secretKey(which), secret);
		context.out().println("Saved the " + which + " password of " + profile.name() + " in secure storage.");
		return 0;
	}

	/** Runs on the interval (never below the organization's minimum) and on new mail, until cancelled. */
	private int watch(Profile profile, MessagingOptions options, CommandContext context) throws Exception {
		Duration interval = profile.interval();
		Duration minimum = organizationMinimum(profile);
		if (interval.compareTo(minimum) < 0) {
			context.err().println("The interval " + interval.toMinutes() + " min is below the organization's minimum; using "
					+ minimum.toMinutes() + " min.");
			interval = minimum;
		}
		AtomicInteger last = new AtomicInteger();
		IProgressMonitor outer = context.monitor();
		scheduler.schedule(profile.name(), interval, monitor -> {
			try {
				MessagingReport r = messaging.sync(profile, options, monitor);
				print(r, options.dryRun(), context.out());
				last.set(exitCode(r));
				return last.get() == 0 ? Status.OK_STATUS : Status.warning("see the report");
			} catch (Exception e) {
				context.err().println("liaison sync: " + e.getMessage() + " (trying again later)");
				last.set(1);
				return Status.error(e.getMessage(), e);
			}
		});
		scheduler.syncNow(profile.name());
		MailWatch push = null;
		Mailbox pushBox = null;
		if (profile.mail() != null && profile.mail().protocol() == org.liaison.api.mail.MailProtocol.IMAP) {
			pushBox = mailConnector.open(profile.mail());
			push = pushBox.watch("INBOX", () -> scheduler.syncNow(profile.name()), 60);
		}
		context.out().println("Watching " + profile.name() + ": every " + interval.toMinutes()
				+ " min and on new mail; Ctrl-C stops.");
		try {
			CountDownLatch never = new CountDownLatch(1);
			while (!outer.isCanceled() && !never.await(500, TimeUnit.MILLISECONDS)) {
				// wait for Ctrl-C
			}
		} finally {
			scheduler.cancel(profile.name());
			if (push != null) {
				push.close();
			}
			if (pushBox != null) {
				pushBox.close();
			}
		}
		return last.get();
	}

	private Duration organizationMinimum(Profile profile) {
		try (CrmClient crm = ((DefaultMessagingService) messaging).connect(profile)) {
			List<CrmRecord> orgs = crm.query("organizations", CrmQuery.select("minoutlooksyncinterval")).records();
			Integer m = orgs.isEmpty() ? null : orgs.get(0).integer("minoutlooksyncinterval");
			return Duration.ofMinutes(m == null || m < 1 ? 1 : m);
		} catch (Exception e) {
			return Duration.ofMinutes(1);
		}
	}

	static int exitCode(MessagingReport r) {
		if (!r.instance().synchronizing()) {
			return NOT_SYNCHRONIZING;
		}
		for (SyncReport p : r.pim().values()) {
			if (p.brakeTripped()) {
				return BRAKE;
			}
		}
		return 0;
	}

	static void print(MessagingReport r, boolean dryRun, PrintStream out) {
		out.println(r.instance().message());
		if (!r.instance().synchronizing()) {
			return;
		}
		out.println(dryRun ? "Dry run: nothing was changed; this is what a run would do." : "");
		out.printf("%-14s %-8s %8s %8s %8s %10s %12s%n", "", "side", "created", "updated", "deleted", "conflicts",
				"quarantined");
		for (Map.Entry<ItemKind, SyncReport> e : r.pim().entrySet()) {
			row(out, e.getKey().entitySet(), "CRM", e.getValue().crm());
			row(out, "", "mailbox", e.getValue().mailbox());
			if (e.getValue().brakeTripped()) {
				out.println("  stopped: " + e.getValue().brakeMessage());
			}
		}
		out.printf("Tracking: %d messages looked at, %d %s, %d joined an email already in the CRM, %d not tracked,"
				+ " %d failed%n", r.scanned(), r.tracked(), dryRun ? "would be tracked" : "tracked", r.joined(),
				r.untracked(), r.trackingFailed());
		out.printf("Outgoing CRM email: %d %s, %d failed%n", r.sent(), dryRun ? "would be sent" : "sent", r.sendFailed());
		out.printf("CRM requests: %d" + (r.crmHttpCalls() >= 0 ? " in %d HTTP calls" : "") + "%n", r.crmRequests(),
				r.crmHttpCalls());
		for (String p : r.problems()) {
			out.println("  ! " + p);
		}
	}

	private static void row(PrintStream out, String kind, String side, SideCounts c) {
		out.printf("%-14s %-8s %8d %8d %8d %10d %12d%n", kind, side, c.created(), c.updated(), c.deleted(), c.conflicts(),
				c.quarantined());
	}

	private static String value(List<String> args, int i, String option) {
		if (i >= args.size()) {
			throw new IllegalArgumentException(option + " needs a value");
		}
		return args.get(i);
	}

	static IStatus ok() {
		return Status.OK_STATUS;
	}
}
