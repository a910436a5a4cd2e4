package org.liaison.crm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.liaison.api.cli.Command;
import org.liaison.testing.Commands;
import org.liaison.testing.TestPasswords;

/** {@code ./liaison crm-server}: user add, seed, and serving HTTPS until cancelled, as the command service. */
class CrmServerCommandTest {

	@Test
	void userAdd_seed_serve_untilCancelled() throws Exception {
		TestPasswords.unlockSecureStorage();
		Path dir = Files.createTempDirectory("liaison-crm-cli");
		Command cmd = Commands.named("crm-server");
		assertTrue(cmd.usage().contains("user add NAME --email ADDRESS"));
		Commands.Captured add = new Commands.Captured();
		assertEquals(0, cmd.run(new ArrayList<>(List.of("--data", dir.toString(), "user", "add", "gina", "--email",
				"gina@example.test")), add));
		assertTrue(add.text().contains("Added user gina"), add.text());
		Matcher pw = Pattern.compile("Password \\(shown once[^:]*\\): (\\S+)").matcher(add.text());
		assertTrue(pw.find(), add.text());
		Commands.Captured seed = new Commands.Captured();
		assertEquals(0, cmd.run(new ArrayList<>(List.of("--data", dir.toString(), "seed", "--seed", "3", "--size", "50")),
				seed));
		assertTrue(seed.text().contains("Seeded"), seed.text());
		Commands.Captured serve = new Commands.Captured();
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
		serve.monitor().setCanceled(true);
		assertEquals(0, running.get(10, TimeUnit.SECONDS));
		assertTrue(Files.exists(dir.resolve("tls").resolve("server.p12")));
		Commands.Captured bad = new Commands.Captured();
		assertThrows(IllegalArgumentException.class, () -> cmd.run(new ArrayList<>(List.of("--data", dir.toString(),
				"user", "add", "hal")), bad));
	}

	private static <T extends Throwable> void assertThrows(Class<T> type, org.junit.jupiter.api.function.Executable e) {
		org.junit.jupiter.api.Assertions.assertThrows(type, e);
	}
}
