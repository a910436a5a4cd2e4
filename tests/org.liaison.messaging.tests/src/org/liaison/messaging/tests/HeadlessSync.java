package org.liaison.messaging.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.liaison.api.profile.Profile;
import org.liaison.api.store.OfflineStore;
import org.liaison.testing.ChildJvm;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestPasswords;

/**
 * {@code ./liaison sync --profile FILE --once} in a child JVM: the product's headless application on
 * this test runtime's bundles ({@link ChildJvm#headless}), on the same Liaison home as this JVM
 * (same installation, same secure storage, same pins, same profile database), so that the next run
 * can be made here, in this JVM, over what the child left. The master password reaches the child
 * in its environment. Derby does not fsync in the child: a process killed with SIGKILL loses
 * nothing the OS was given (a power cut would be another test).
 */
final class HeadlessSync {

	/** How one child run ended. */
	record Outcome(boolean killed, int exit, long millis, List<String> output) {
		@Override
		public String toString() {
			return (killed ? "killed" : "exit " + exit) + " after " + millis + " ms:\n  " + String.join("\n  ", output);
		}
	}

	private HeadlessSync() {
	}

	/**
	 * Prepares the profile's database here first, so that its boot password is made in this JVM's
	 * secure storage (a child writing the same storage file would lose it at this JVM's next write).
	 */
	static void prepare(Profile profile) throws Exception {
		Osgi.service(OfflineStore.class).open(profile.name()).close();
	}

	/**
	 * Runs the child and kills it with SIGKILL {@code killAfterMillis} after it began to synchronize
	 * (its progress line says so), or lets it finish when negative.
	 */
	static Outcome run(Path work, Path profileFile, long killAfterMillis) throws Exception {
		Files.createDirectories(work);
		Path home = Path.of(System.getProperty("liaison.home"));
		ProcessBuilder pb = ChildJvm.headless(work, home, List.of("sync", "--profile", profileFile.toString(), "--once"),
				"-Dderby.system.durability=test", "-Dderby.stream.error.file=" + work.resolve("derby.log"));
		pb.environment().put("LIAISON_MASTER_PASSWORD", new String(TestPasswords.masterPassword()));
		pb.redirectErrorStream(true);
		List<String> output = Collections.synchronizedList(new ArrayList<>());
		long[] began = { 0 };
		Process child = pb.start();
		Thread reader = ChildJvm.drain(child.getInputStream(), line -> {
			output.add(line);
			if (began[0] == 0 && line.startsWith("[Synchronizing")) {
				began[0] = System.nanoTime();
				if (killAfterMillis >= 0) {
					ChildJvm.killAfter(child, killAfterMillis);
				}
			}
		});
		if (!child.waitFor(180, TimeUnit.SECONDS)) {
			child.destroyForcibly().waitFor();
			throw new AssertionError("the headless sync did not end within 180 s:\n" + String.join("\n", output));
		}
		long millis = began[0] == 0 ? 0 : (System.nanoTime() - began[0]) / 1_000_000;
		reader.join(5000); // the last lines
		boolean killed = child.exitValue() == ChildJvm.SIGKILL_EXIT;
		return new Outcome(killed, child.exitValue(), millis, List.copyOf(output));
	}
}
