package org.liaison.crm.server.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.liaison.api.cli.Benchmark;
import org.liaison.api.cli.CommandContext;
import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.model.ItemKind;
import org.liaison.api.security.TrustService;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.Removal;
import org.liaison.crm.server.CrmServer;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code ./liaison bench crm}: the connector against a throwaway reference server over HTTPS on this
 * machine. Creating emails one request each against {@code $batch}; a delta query after 1% of 100,000
 * records changed against listing them all again; requests sent per item.
 */
@Component(service = Benchmark.class, property = Benchmark.NAME + "=crm")
public class CrmBenchmark implements Benchmark {

	@Reference
	private CrmServer servers;

	@Reference
	private CrmConnector connector;

	@Reference
	private TrustService trust;

	@Override
	public String description() {
		return "CRM Web API: emails created with and without $batch, delta query after 1% changes, requests per item"
				+ " [--emails N] [--records N] [--batch N]";
	}

	private record Row(String what, long items, double seconds, long requests, long calls) {
	}

	@Override
	public int run(List<String> args, CommandContext context) throws Exception {
		int[] opt = { 10_000, 100_000, 500 };
		for (int i = 0; i + 1 < args.size(); i += 2) {
			int k = switch (args.get(i)) {
				case "--emails" -> 0;
				case "--records" -> 1;
				case "--batch" -> 2;
				default -> throw new IllegalArgumentException("unknown option " + args.get(i));
			};
			opt[k] = Integer.parseInt(args.get(i + 1));
		}
		int emails = opt[0];
		int records = opt[1];
		int batch = opt[2];
		IProgressMonitor m = context.monitor();
		Path dir = Files.createTempDirectory("liaison-bench-crm");
		List<Row> rows = new ArrayList<>();
		CrmServer.Options o = CrmServer.Options.defaults(dir).ephemeral().limit(Integer.MAX_VALUE, Duration.ofMinutes(5));
		try (CrmServer.Running s = servers.start(o)) {
			String host = s.serviceRoot().getHost();
			int port = s.serviceRoot().getPort();
			trust.pin(host, port, s.certificateFingerprint());
			byte[] b = new byte[18];
			new SecureRandom().nextBytes(b);
			char[] pw = Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
			UUID user = s.admin().addUser("bench", "bench@example.test", pw, false);
			CrmEndpoint ep = new CrmEndpoint(s.serviceRoot(), new CrmAuth.Password(s.tokenEndpoint(), null, "bench", pw),
					CrmLimits.defaults().withBatchSize(batch).withPageSize(5000));
			try (CrmClient c = connector.connect(ep)) {
				CrmRecord contact = c.write(CrmWrite.create("contacts", Map.of("lastname", "Recipient",
						"emailaddress1", "recipient@example.test")), null);
				m.beginTask("CRM benchmark", emails * 2 + records * 3);

				rows.add(measure(c, "create emails, one request each", emails, () -> {
					for (int i = 0; i < emails; i++) {
						c.write(CrmWrite.create("emails", email(i, contact.id())), null);
						tick(m);
					}
				}));
				List<CrmWrite> mails = new ArrayList<>();
				for (int i = 0; i < emails; i++) {
					mails.add(CrmWrite.create("emails", email(emails + i, contact.id())));
				}
				rows.add(measure(c, "create emails, $batch of " + batch, emails, () -> inBatches(c, mails, batch, m)));

				m.subTask("making " + records + " contacts");
				List<UUID> ids = new ArrayList<>(records);
				List<CrmWrite> w = new ArrayList<>();
				for (int i = 0; i < records; i++) {
					UUID id = UUID.randomUUID();
					ids.add(id);
					w.add(CrmWrite.createWithId("contacts", id, Map.of("firstname", "F" + i, "lastname", "Contact " + i,
							"emailaddress1", "c" + i + "@example.test")));
				}
				rows.add(measure(c, "create contacts, $batch of " + batch, records, () -> inBatches(c, w, batch, m)));
				w.clear();
				String[] link = new String[1];
				long[] seen = new long[2];
				rows.add(measure(c, "full listing of " + records + " contacts (ids, versions)", records, () -> {
					link[0] = c.changes("contacts", List.of("contactid"), null, sink(seen), m);
					m.worked(records);
				}));
				int change = Math.max(1, records / 100);
				List<CrmWrite> edits = new ArrayList<>();
				for (int i = 0; i < change; i++) {
					edits.add(CrmWrite.update("contacts", ids.get(i * (records / change)), Map.of("jobtitle", "Changed"), null));
				}
				inBatches(c, edits, batch, null);
				seen[0] = 0;
				rows.add(measure(c, "delta query after 1% changed (" + change + " of " + records + ")", change, () -> {
					c.changes("contacts", List.of("contactid"), link[0], sink(seen), m);
				}));
				if (seen[0] != change) {
					throw new IllegalStateException("the delta reported " + seen[0] + " changes, expected " + change);
				}
				ItemCollection items = connector.items(c, ItemKind.CONTACT, "_ownerid_value eq " + user + " and statecode eq 0");
				String[] token = new String[1];
				rows.add(measure(c, "sync listing, filtered, first (ItemCollection)", records, () -> {
					token[0] = items.list(null, counting(seen), m);
				}));
				inBatches(c, edits.stream().map(e -> CrmWrite.update("contacts", e.id(), Map.of("jobtitle", "Changed again"),
						null)).toList(), batch, null);
				rows.add(measure(c, "sync listing, filtered, after 1% changed", change, () -> {
					items.list(token[0], counting(seen), m);
				}));
			} finally {
				trust.unpin(host, port);
				m.done();
			}
		} finally {
			delete(dir);
		}
		print(context.out(), rows, emails);
		return 0;
	}

	private static Map<String, Object> email(int i, UUID contact) {
		Map<String, Object> f = new LinkedHashMap<>();
		f.put("subject", "Benchmark message " + i);
		f.put("description", "Hello,\nthis is message " + i + " of the benchmark.\n");
		f.put("messageid", "<bench-" + i + "-" + UUID.randomUUID() + "@example.test>");
		f.put("directioncode", Boolean.TRUE);
		f.put("email_activity_parties", List.of(Map.of("participationtypemask", 1, "addressused", "bench@example.test"),
				Map.of("participationtypemask", 2, "partyid_contact@odata.bind", "/contacts(" + contact + ")",
						"addressused", "recipient@example.test")));
		return f;
	}

	/** Sends {@code writes} in batches of {@code batch}, failing on the first write refused. */
	private static void inBatches(CrmClient c, List<CrmWrite> writes, int batch, IProgressMonitor m) throws Exception {
		for (int from = 0; from < writes.size(); from += batch) {
			List<CrmWrite> part = writes.subList(from, Math.min(writes.size(), from + batch));
			for (CrmClient.BatchResult r : c.batch(part, false)) {
				if (!r.ok()) {
					throw r.error();
				}
			}
			if (m != null) {
				m.worked(part.size());
				cancelled(m);
			}
		}
	}

	private interface Work {
		void run() throws Exception;
	}

	private static Row measure(CrmClient c, String what, long items, Work work) throws Exception {
		CrmClient.Stats before = c.stats();
		long t0 = System.nanoTime();
		work.run();
		double sec = (System.nanoTime() - t0) / 1e9;
		CrmClient.Stats after = c.stats();
		return new Row(what, items, sec, after.requests() - before.requests(), after.httpCalls() - before.httpCalls());
	}

	private static void tick(IProgressMonitor m) {
		m.worked(1);
		cancelled(m);
	}

	private static void cancelled(IProgressMonitor m) {
		if (m.isCanceled()) {
			throw new OperationCanceledException();
		}
	}

	private static CrmClient.ChangeSink sink(long[] seen) {
		return new CrmClient.ChangeSink() {
			@Override
			public void changed(CrmRecord r) {
				seen[0]++;
			}

			@Override
			public void deleted(UUID id) {
				seen[1]++;
			}
		};
	}

	private static ListSink counting(long[] seen) {
		return new ListSink() {
			@Override
			public void present(ItemVersion item) {
				seen[0]++;
			}

			@Override
			public void removed(String href, Removal why) {
				seen[1]++;
			}
		};
	}

	private static void print(PrintStream out, List<Row> rows, int emails) {
		out.println("Reference CRM server and connector over HTTPS (TLS 1.3) on 127.0.0.1, one client, "
				+ Runtime.getRuntime().availableProcessors() + " cores");
		out.printf("%-58s %9s %9s %11s %9s %10s %13s%n", "what", "items", "seconds", "items/s", "requests", "HTTP calls",
				"requests/item");
		for (Row r : rows) {
			out.printf("%-58s %9d %9.2f %11.0f %9d %10d %13.3f%n", r.what, r.items, r.seconds, r.items / r.seconds,
					r.requests, r.calls, r.items == 0 ? 0.0 : (double) r.calls / r.items);
		}
		Row single = rows.get(0);
		Row batched = rows.get(1);
		out.printf("$batch is %.1fx faster than one request per email (goal: at least 2,000 emails/s batched: %s)%n",
				single.seconds / batched.seconds, batched.items / batched.seconds >= 2000 ? "met" : "NOT met");
		out.println("requests = Web API requests (each inside a $batch counts, as service protection counts them);"
				+ " requests/item = HTTP calls per item");
	}

	private static void delete(Path dir) throws IOException {
		try (Stream<Path> s = Files.walk(dir)) {
			for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(p);
			}
		}
	}
}
