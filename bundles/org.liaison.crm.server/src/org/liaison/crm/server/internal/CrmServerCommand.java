package org.liaison.crm.server.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.liaison.api.cli.Command;
import org.liaison.api.cli.CommandContext;
import org.liaison.crm.server.CrmServer;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code ./liaison crm-server}: runs the reference CRM server, and administers its data. */
@Component(service = Command.class, property = Command.NAME + "=crm-server")
public class CrmServerCommand implements Command {

	@Reference
	private CrmServer server;

	@Override
	public String usage() {
		return """
				Usage: ./liaison crm-server --data DIR [--port N] [--host ADDR] [--plain] [--limit N/SECONDS]
				       ./liaison crm-server --data DIR user add NAME --email ADDRESS [--admin] [--password-stdin]
				       ./liaison crm-server --data DIR user passwd NAME [--password-stdin]
				       ./liaison crm-server --data DIR app add NAME [--admin]
				       ./liaison crm-server --data DIR seed [--seed N] [--size N] [--today YYYY-MM-DD]

				Runs Liaison's reference CRM server: the Dynamics 365 Web API (v9.2) over HTTPS, with an OAuth2
				token endpoint, backed by Derby in DIR. At first start it makes a self-signed certificate and prints
				its SHA-256 fingerprint: compare it with what Liaison shows before you pin it. The key store's
				password is kept in Liaison's secure storage (LIAISON_MASTER_PASSWORD, or you are asked).

				  --port N         port to listen on (default 8443; 0 picks a free one)
				  --host ADDR      address to listen on (default 127.0.0.1)
				  --plain          plain HTTP instead of HTTPS: only on a loopback address
				  --limit N/S      service protection: N requests per user per S seconds (default 6000/300)

				  user add         adds a user and the user's mailbox; prints a generated password once
				                   (or reads one line from standard input with --password-stdin)
				  app add          registers an application for the client-credentials grant; prints its secret once
				  seed             fills the organization with sample data, the same for the same seed, size and day
				""";
	}

	@Override
	public int run(List<String> args, CommandContext context) throws Exception {
		List<String> rest = new ArrayList<>(args);
		Path data = null;
		int port = 8443;
		String host = "127.0.0.1";
		boolean plain = false;
		int limit = 6000;
		int window = 300;
		while (!rest.isEmpty() && rest.get(0).startsWith("--")) {
			String opt = rest.remove(0);
			switch (opt) {
				case "--data" -> data = Path.of(value(rest, opt));
				case "--port" -> port = Integer.parseInt(value(rest, opt));
				case "--host" -> host = value(rest, opt);
				case "--plain" -> plain = true;
				case "--limit" -> {
					String[] p = value(rest, opt).split("/");
					limit = Integer.parseInt(p[0]);
					window = p.length > 1 ? Integer.parseInt(p[1]) : 300;
				}
				default -> throw new IllegalArgumentException("unknown option " + opt);
			}
		}
		if (data == null) {
			throw new IllegalArgumentException("--data DIR is required");
		}
		if (rest.isEmpty()) {
			return serve(CrmServer.Options.defaults(data).port(port).host(host).limit(limit, Duration.ofSeconds(window)),
					plain, context);
		}
		try (CrmServer.Store store = server.open(data)) {
			return admin(store.admin(), rest, context);
		}
	}

	private static String value(List<String> rest, String opt) {
		if (rest.isEmpty()) {
			throw new IllegalArgumentException(opt + " needs a value");
		}
		return rest.remove(0);
	}

	private int serve(CrmServer.Options options, boolean plain, CommandContext context) throws Exception {
		try (CrmServer.Running running = server.start(plain ? options.plain() : options)) {
			// on Ctrl-C the JVM stops before this thread wakes: close the database cleanly from a hook
			Thread closer = new Thread(running::close, "liaison-crm-server-stop");
			Runtime.getRuntime().addShutdownHook(closer);
			PrintStream out = context.out();
			out.println("Liaison reference CRM server");
			out.println("  Web API:        " + running.serviceRoot());
			out.println("  token endpoint: " + running.tokenEndpoint());
			if (running.certificateFingerprint() != null) {
				out.println("  certificate SHA-256 fingerprint: " + running.certificateFingerprint());
			} else {
				out.println("  plain HTTP on loopback (no TLS), as asked");
			}
			out.println("Press Ctrl-C to stop.");
			out.flush();
			while (!context.monitor().isCanceled()) {
				Thread.sleep(200);
			}
			out.println("Stopping.");
			try {
				Runtime.getRuntime().removeShutdownHook(closer);
			} catch (IllegalStateException shuttingDown) {
				// the hook runs
			}
			return 0;
		}
	}

	private int admin(CrmServer.Admin admin, List<String> rest, CommandContext context) throws Exception {
		String what = rest.remove(0);
		PrintStream out = context.out();
		switch (what) {
			case "user" -> {
				String verb = rest.isEmpty() ? "" : rest.remove(0);
				String name = rest.isEmpty() || rest.get(0).startsWith("--") ? null : rest.remove(0);
				String email = null;
				boolean isAdmin = false;
				boolean stdin = false;
				while (!rest.isEmpty()) {
					String opt = rest.remove(0);
					switch (opt) {
						case "--email" -> email = value(rest, opt);
						case "--admin" -> isAdmin = true;
						case "--password-stdin" -> stdin = true;
						default -> throw new IllegalArgumentException("unknown option " + opt);
					}
				}
				if (name == null) {
					throw new IllegalArgumentException("user " + verb + " needs a user name");
				}
				char[] pw = stdin ? readLine() : generated();
				if (verb.equals("add")) {
					if (email == null) {
						throw new IllegalArgumentException("user add needs --email ADDRESS (the user's mailbox)");
					}
					var id = admin.addUser(name, email, pw, isAdmin);
					out.println("Added user " + name + " (" + id + ") with the mailbox " + email + (isAdmin ? ", administrator" : ""));
				} else if (verb.equals("passwd")) {
					admin.setPassword(name, pw);
					out.println("Changed the password of " + name);
				} else {
					throw new IllegalArgumentException("user takes add or passwd, not '" + verb + "'");
				}
				if (!stdin) {
					out.println("Password (shown once, not stored anywhere in clear): " + new String(pw));
				}
				java.util.Arrays.fill(pw, '\0');
				return 0;
			}
			case "app" -> {
				if (rest.size() < 2 || !rest.get(0).equals("add")) {
					throw new IllegalArgumentException("app add NAME [--admin]");
				}
				rest.remove(0);
				String name = rest.remove(0);
				boolean isAdmin = rest.remove("--admin");
				CrmServer.Application app = admin.addApplication(name, isAdmin);
				out.println("Registered the application " + name + " (application user " + app.userId() + ")");
				out.println("  client id:     " + app.clientId());
				out.println("  client secret: " + new String(app.clientSecret()) + "   (shown once)");
				return 0;
			}
			case "seed" -> {
				long seed = 1;
				int size = 1000;
				LocalDate today = LocalDate.now();
				while (!rest.isEmpty()) {
					String opt = rest.remove(0);
					switch (opt) {
						case "--seed" -> seed = Long.parseLong(value(rest, opt));
						case "--size" -> size = Integer.parseInt(value(rest, opt));
						case "--today" -> today = LocalDate.parse(value(rest, opt));
						default -> throw new IllegalArgumentException("unknown option " + opt);
					}
				}
				long t0 = System.nanoTime();
				int n = admin.seed(seed, size, today, context.monitor());
				out.printf("Seeded %d records (seed %d, size %d, today %s) in %.1f s%n", n, seed, size, today,
						(System.nanoTime() - t0) / 1e9);
				return 0;
			}
			default -> throw new IllegalArgumentException("unknown command '" + what + "' (user, app, seed)");
		}
	}

	private static char[] readLine() throws java.io.IOException {
		String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
		if (line == null || line.isEmpty()) {
			throw new IllegalArgumentException("--password-stdin read no password");
		}
		return line.toCharArray();
	}

	private static char[] generated() {
		byte[] b = new byte[15];
		new SecureRandom().nextBytes(b);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
	}
}
