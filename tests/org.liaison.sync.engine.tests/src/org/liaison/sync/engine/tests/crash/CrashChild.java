package org.liaison.sync.engine.tests.crash;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.SyncReport;

/**
 * The JVM the crash test kills: runs one sync over a scenario folder, printing {@code STEP n name}
 * after each journal step, and {@code DONE} at the end. The boot password comes on stdin (never on
 * the command line, where other processes could read it).
 *
 * <p>Arguments: the scenario folder, the conflict policy.
 */
public final class CrashChild {

	private CrashChild() {
	}

	public static void main(String[] args) throws Exception {
		PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
		char[] password;
		try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			password = in.readLine().toCharArray();
		}
		int[] n = { 0 };
		try (CrashRig rig = CrashRig.open(Path.of(args[0]), password, ConflictPolicy.valueOf(args[1]))) {
			out.println("OPEN");
			SyncReport r = rig.sync(step -> out.println("STEP " + (++n[0]) + " " + step));
			out.println("DONE " + r.crm() + " " + r.mailbox());
		}
		System.exit(0);
	}
}
