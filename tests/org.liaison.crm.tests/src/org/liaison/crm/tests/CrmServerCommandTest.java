package org.liaison.crm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.liaison.api.cli.Command;
import org.liaison.api.cli.CommandContext;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestPasswords;
import org.osgi.framework.ServiceReference;

/** {@code ./liaison crm-server}: user add, seed, and serving HTTPS until cancelled, as the command service. */
class CrmServerCommandTest {

	private static final class Ctx implements CommandContext {
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
		final IProgressMonitor monitor = new NullProgressMonitor();

		@Override
		public PrintStream out() {
			return out;
		}

		@Override
		public PrintStream err() {
			return out;
		}

		@Override
		public IProgressMonitor monitor() {
			return monitor;
		}

		String text() {
			return bytes.toString(StandardCharsets.UTF_8);
		}
	}

	private static Command command() throws Exception {
		var ctx = Osgi.context();
		for (ServiceReference<Command> r : ctx.getServiceReferences(Command.class, "(liaison.command=crm-server)")) {
			return ctx.getService(r);
		}
		throw new AssertionError("no crm-server command service");
	}

	@Test
	void userAdd_seed_serve_untilCancelled() throws Exception {
		TestPasswords.unlockSecureStorage();
		Path dir = Files.createTempDirectory("liaison-crm-cli");
		Command cmd = command();
		assertTrue(cmd.usage().contains("user add NAME --email ADDRESS"));
		Ctx add = new Ctx();
		assertEquals(0, cmd.run(new ArrayList<>(List.of("--data", dir.toString(), "user", "add", "gina", "--email",
				"gina@example.test")), add));
		assertTrue(add.text().contains("Added user gina"), add.text());
		Matcher pw = Pattern.compile("Password \\(shown once[^:]*\\): (\\S+)").matcher(add.text());
		assertTrue(pw.find(), add.text());
		Ctx seed = new Ctx();
		assertEquals(0, cmd.run(new ArrayList<>(List.of("--data", dir.toString(), "seed", "--seed", "3", "--size", "50")),
				seed));
		assertTrue(seed.text().contains("Seeded"), seed.text());
		Ctx serve = new Ctx();
		CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> {
			try {
				return cmd.run(new ArrayList<>(List.of("--data", dir.toString(), "--port", "0")), serve);
			} catch (Exception e) {
				throw new IllegalStateException(e);
			}
		});
		long until = System.currentTimeMillis() + 30_000;
		while (!serve.text().contains("Press Ctrl-C") && System.currentTimeMillis() < until && !running.isDone()) {
			Thread.sleep(100);
		}
		assertTrue(serve.text().matches("(?s).*certificate SHA-256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}.*"),
				serve.text());
		assertTrue(serve.text().contains("https://127.0.0.1:"), serve.text());
		serve.monitor.setCanceled(true);
		assertEquals(0, running.get(10, TimeUnit.SECONDS));
		assertTrue(Files.exists(dir.resolve("tls").resolve("server.p12")));
		Ctx bad = new Ctx();
		assertThrows(IllegalArgumentException.class, () -> cmd.run(new ArrayList<>(List.of("--data", dir.toString(),
				"user", "add", "hal")), bad));
	}

	private static <T extends Throwable> void assertThrows(Class<T> type, org.junit.jupiter.api.function.Executable e) {
		org.junit.jupiter.api.Assertions.assertThrows(type, e);
	}
}
