package org.liaison.offline.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.liaison.api.cli.Command;
import org.liaison.api.cli.CommandContext;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.offline.CopyReport;
import org.liaison.api.offline.DuplicateRecordException;
import org.liaison.api.offline.FilterPreview;
import org.liaison.api.offline.OfflineConflict;
import org.liaison.api.offline.OfflineCopy;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineException;
import org.liaison.api.offline.OfflineRecord;
import org.liaison.api.offline.OfflineService;
import org.liaison.api.offline.OfflineStatus;
import org.liaison.api.offline.OutboxEntry;
import org.liaison.api.offline.ReplayOptions;
import org.liaison.api.offline.ReplayReport;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.TrustService;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code ./liaison offline}: Go Offline from the command line, through the same {@link OfflineService} as the desktop. */
@Component(service = Command.class, property = Command.NAME + "=offline")
public class OfflineCommand implements Command {

	@Reference
	private OfflineService offline;

	@Reference
	private CrmConnector connector;

	@Reference
	private SecretStore secrets;

	@Reference
	private TrustService trust;

	@Override
	public String usage() {
		return """
				Usage: ./liaison offline go|status|online --profile FILE [options]
				       ./liaison offline preview|conflicts|outbox --profile FILE
				       ./liaison offline list TYPE [PREFIX] --profile FILE
				       ./liaison offline new TYPE FIELD=VALUE... [--even-if-duplicate] --profile FILE
				       ./liaison offline edit TYPE ID FIELD=VALUE... --profile FILE
				       ./liaison offline delete TYPE ID --profile FILE

				Go Offline: CRM records copied into the profile's encrypted store, worked on offline, and
				replayed to the CRM when you are back online; a record changed in the CRM meanwhile is merged
				field by field, and a true conflict is kept and shown, never overwritten silently.

				  go         copies the records the offline filters select (with the accounts and contacts they
				             point to), continuing an interrupted first copy, brings the copy up to date, goes offline
				  status     the copy, the offline changes waiting and the conflicts
				  online     replays the offline changes in order, brings the copy up to date, goes online
				  preview    how many records each filter selects, and about how much room they take
				  conflicts  what met what when offline changes were replayed
				  outbox     the offline changes not yet replayed (and failed ones, with the reason)
				  new, edit, delete, list   offline work on records (TYPE: accounts, contacts, leads,
				             opportunities, emails, appointments, tasks; lookups as accounts(ID))

				  --profile FILE        the profile (Java properties; keys in docs/profile.md)
				  --pin SHA256          pin the CRM's self-signed certificate (compare the fingerprint first)
				  --conflicts POLICY    crm-wins (default), offline-wins, newest, ask
				  --batch N             offline changes per $batch when going online (default 100; 1: none)
				  --budget N            send at most N Web API requests in this run

				The CRM password comes from LIAISON_CRM_PASSWORD or secure storage (profiles/NAME/crm/password).
				""";
	}

	@Override
	public int run(List<String> args, CommandContext context) throws Exception {
		List<String> rest = new ArrayList<>();
		Path profileFile = null;
		String pin = null;
		String conflicts = null;
		Integer batch = null;
		long budget = Long.MAX_VALUE;
		boolean evenIfDuplicate = false;
		for (int i = 0; i < args.size(); i++) {
			String a = args.get(i);
			switch (a) {
				case "--profile" -> profileFile = Path.of(value(args, ++i, a));
				case "--pin" -> pin = value(args, ++i, a);
				case "--conflicts" -> conflicts = value(args, ++i, a);
				case "--batch" -> batch = Integer.parseInt(value(args, ++i, a));
				case "--budget" -> budget = Long.parseLong(value(args, ++i, a));
				case "--even-if-duplicate" -> evenIfDuplicate = true;
				default -> rest.add(a);
			}
		}
		PrintStream out = context.out();
		if (rest.isEmpty() || profileFile == null) {
			context.err().println(usage());
			return USAGE;
		}
		OfflineProfileFile profile = OfflineProfileFile.load(profileFile);
		String verb = rest.remove(0);
		try (OfflineCopy copy = offline.open(profile.name)) {
			switch (verb) {
				case "status" -> {
					status(out, profile, copy.status());
					return 0;
				}
				case "conflicts" -> {
					List<OfflineConflict> list = copy.conflicts(false);
					out.println(list.isEmpty() ? "No conflicts." : list.size() + " conflicts, newest first:");
					for (OfflineConflict k : list) {
						out.println("  #" + k.id() + " " + k.state().name().toLowerCase() + " " + k.at() + ": " + k.note());
					}
					return 0;
				}
				case "outbox" -> {
					List<OutboxEntry> list = copy.outbox(true);
					out.println(list.isEmpty() ? "No offline changes waiting." : list.size() + " offline changes waiting:");
					for (OutboxEntry e : list) {
						out.println("  #" + e.seq() + " " + e.op().name().toLowerCase() + " " + e.entity().logicalName() + " "
								+ e.recordId() + " " + e.changes().keySet() + " " + e.state().name().toLowerCase()
								+ (e.note() == null ? "" : ": " + e.note()));
					}
					return 0;
				}
				case "list" -> {
					OfflineEntity e = entity(rest, 0);
					for (OfflineRecord r : copy.list(e, rest.size() > 1 ? rest.get(1) : "", 200)) {
						out.println(r.id() + "  " + r.displayName() + (r.state() == OfflineRecord.State.SYNCED ? ""
								: "  (" + r.state().name().toLowerCase() + " offline)")
								+ (r.scope() == OfflineRecord.Scope.REFERENCE ? "  (referenced)" : ""));
					}
					return 0;
				}
				case "new" -> {
					OfflineEntity e = entity(rest, 0);
					try {
						OfflineRecord r = copy.create(e, fields(rest.subList(1, rest.size())), evenIfDuplicate);
						out.println("Made the " + e.logicalName() + " '" + r.displayName() + "' offline: " + r.id());
						return 0;
					} catch (DuplicateRecordException d) {
						context.err().println(d.getMessage() + " (--even-if-duplicate)");
						return 1;
					}
				}
				case "edit" -> {
					OfflineEntity e = entity(rest, 0);
					OfflineRecord r = copy.update(e, UUID.fromString(rest.get(1)), fields(rest.subList(2, rest.size())));
					out.println("Changed the " + e.logicalName() + " '" + r.displayName() + "' offline.");
					return 0;
				}
				case "delete" -> {
					OfflineEntity e = entity(rest, 0);
					copy.delete(e, UUID.fromString(rest.get(1)));
					out.println("Deleted the " + e.logicalName() + " " + rest.get(1) + " offline.");
					return 0;
				}
				case "go", "online", "preview" -> {
					// below: these talk to the CRM
				}
				default -> {
					context.err().println("unknown: " + verb + "\n" + usage());
					return USAGE;
				}
			}
			if (pin != null) {
				trust.pin(profile.serviceRoot.getHost(), port(profile), pin);
			}
			CrmLimits limits = CrmLimits.defaults().withBudget(budget).withPageSize(5000);
			CrmClient client;
			try {
				client = connector.connect(new CrmEndpoint(profile.serviceRoot, profile.crmAuth(secrets, out::println), limits));
			} catch (CrmException e) {
				context.err().println("Cannot sign in to " + profile.serviceRoot + ": " + e.getMessage()
						+ (e.kind() == CrmException.Kind.UNTRUSTED_CERTIFICATE
								? "\nIf you trust it, compare the fingerprint and run again with --pin FINGERPRINT" : ""));
				return 1;
			}
			try (client) {
				return switch (verb) {
					case "go" -> go(out, copy, client, profile, context);
					case "online" -> online(out, copy, client, profile, conflicts, batch, context);
					default -> preview(out, copy, client, profile, context);
				};
			}
		} catch (OfflineException e) {
			context.err().println(e.getMessage());
			return 1;
		}
	}

	private static String value(List<String> args, int i, String opt) {
		if (i >= args.size()) {
			throw new IllegalArgumentException(opt + " needs a value");
		}
		return args.get(i);
	}

	private static int port(OfflineProfileFile p) {
		int port = p.serviceRoot.getPort();
		return port > 0 ? port : "http".equals(p.serviceRoot.getScheme()) ? 80 : 443;
	}

	private static OfflineEntity entity(List<String> rest, int i) throws OfflineException {
		OfflineEntity e = rest.size() > i ? OfflineEntity.of(rest.get(i)) : null;
		if (e == null) {
			throw new OfflineException("name a record type: accounts, contacts, leads, opportunities, emails, appointments or tasks");
		}
		return e;
	}

	private static Map<String, String> fields(List<String> pairs) throws OfflineException {
		Map<String, String> out = new LinkedHashMap<>();
		for (String p : pairs) {
			int eq = p.indexOf('=');
			if (eq <= 0) {
				throw new OfflineException("not FIELD=VALUE: " + p);
			}
			out.put(p.substring(0, eq), eq == p.length() - 1 ? null : p.substring(eq + 1));
		}
		return out;
	}

	private int go(PrintStream out, OfflineCopy copy, CrmClient client, OfflineProfileFile profile, CommandContext context)
			throws OfflineException {
		copy.setFilters(profile.filters);
		CopyReport r = copy.goOffline(client, context.monitor());
		StringBuilder per = new StringBuilder();
		r.copied().forEach((e, n) -> {
			if (n > 0) {
				per.append(per.length() == 0 ? "" : ", ").append(e.entitySet()).append(' ').append(n);
			}
		});
		out.printf("Offline copy of profile %s: %d records copied%s, %d records they point to, %d brought up to date, %d"
				+ " removed%s; %d requests in %.1f s.%n", copy.profile(), r.copiedTotal(), per.length() == 0 ? "" : " (" + per + ")",
				r.references(), r.refreshed(), r.removed(), r.resumed() > 0 ? "; continued " + r.resumed()
						+ " interrupted first copies" : "", r.requests(), r.seconds());
		r.problems().forEach(p -> out.println("  " + p));
		if (!r.complete()) {
			out.println("The copy is not complete; run 'offline go' again to continue where it stopped.");
			return 1;
		}
		status(out, profile, copy.status());
		return 0;
	}

	private int online(PrintStream out, OfflineCopy copy, CrmClient client, OfflineProfileFile profile, String conflicts,
			Integer batch, CommandContext context) throws OfflineException {
		ReplayOptions o = ReplayOptions.defaults().conflicts(profile.conflicts).batchSize(batch != null ? batch : profile.batch);
		if (conflicts != null) {
			Map<String, String> names = Map.of("crm-wins", "CRM_WINS", "server-wins", "CRM_WINS", "offline-wins",
					"MAILBOX_WINS", "newest", "NEWEST", "ask", "ASK");
			if (!names.containsKey(conflicts)) {
				throw new OfflineException("--conflicts is crm-wins, offline-wins, newest or ask, not " + conflicts);
			}
			o = o.conflicts(org.liaison.api.sync.ConflictPolicy.valueOf(names.get(conflicts)));
		}
		copy.setFilters(profile.filters);
		ReplayReport r = copy.goOnline(client, o, context.monitor());
		out.printf("Replayed %d offline changes (%d merged with changes made in the CRM), %d conflicts (kept, see"
				+ " 'offline conflicts'), %d failed, %d waiting; %d requests in %d HTTP calls, %.1f s waiting for the CRM's"
				+ " Retry-After, %.1f s.%n", r.replayed(), r.merged(), r.conflicts(), r.failed(), r.waiting(), r.requests(),
				r.httpCalls(), r.throttledMillis() / 1000.0, r.seconds());
		r.problems().forEach(p -> out.println("  " + p));
		if (r.stoppedBecause() != null) {
			out.println("Stopped early: " + r.stoppedBecause() + ". Run 'offline online' again to go on.");
			return 1;
		}
		out.println("You are online.");
		return r.failed() > 0 ? 1 : 0;
	}

	private int preview(PrintStream out, OfflineCopy copy, CrmClient client, OfflineProfileFile profile,
			CommandContext context) throws OfflineException {
		long n = 0;
		long bytes = 0;
		out.printf("%-14s %10s %12s  %s%n", "type", "records", "about", "filter");
		for (FilterPreview p : copy.preview(client, profile.filters, context.monitor())) {
			out.printf("%-14s %10d %9.1f MB  %s%n", p.entity().entitySet(), p.count(), p.estimatedBytes() / 1e6,
					p.filter() == null ? "(every record)" : p.filter());
			n += p.count();
			bytes += p.estimatedBytes();
		}
		out.printf("%-14s %10d %9.1f MB  (and the accounts and contacts they point to)%n", "total", n, bytes / 1e6);
		return 0;
	}

	private static void status(PrintStream out, OfflineProfileFile profile, OfflineStatus s) {
		out.println("Profile " + profile.name + ": " + (s.offline() ? "offline" : "online")
				+ (s.since() == null ? "" : " since " + s.since()) + (s.lastRefresh() == null ? ""
						: "; copy brought up to date " + s.lastRefresh()));
		for (OfflineEntity e : OfflineEntity.values()) {
			Long n = s.records().get(e);
			Boolean done = s.initialCopyDone().get(e);
			if (n != null || done != null) {
				out.printf("  %-14s %8d records%s%n", e.entitySet(), n == null ? 0 : n,
						Boolean.FALSE.equals(done) ? " (first copy not complete: 'offline go' continues it)" : "");
			}
		}
		out.println("  " + s.references() + " of them only because records point to them; " + s.pending()
				+ " offline changes waiting, " + s.failed() + " failed, " + s.openConflicts() + " conflicts open");
	}
}
