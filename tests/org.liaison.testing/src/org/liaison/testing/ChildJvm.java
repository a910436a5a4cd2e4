package org.liaison.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.eclipse.core.runtime.FileLocator;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * Child JVMs for crash tests, which kill them with SIGKILL: either plain java with some bundles'
 * jars on the class path ({@link #bundleClassPath}), or the product's headless application exactly
 * as {@code ./liaison COMMAND} runs it ({@link #headless}), on the bundles of this test runtime.
 */
public final class ChildJvm {

	/** The exit code of a process killed by SIGKILL (128 + 9). */
	public static final int SIGKILL_EXIT = 137;

	private ChildJvm() {
	}

	/** The java executable of this JVM. */
	public static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/** The file or folder a bundle of the test runtime comes from. */
	public static File bundleFile(String symbolicName) {
		Bundle b = Osgi.bundle(symbolicName);
		if (b == null) {
			throw new AssertionError("bundle " + symbolicName + " is not in the test runtime");
		}
		try {
			return FileLocator.getBundleFileLocation(b)
					.orElseThrow(() -> new AssertionError("no file for bundle " + symbolicName));
		} catch (RuntimeException e) {
			throw new AssertionError("no file for bundle " + symbolicName + ": " + e.getMessage(), e);
		}
	}

	/**
	 * A class path of these bundles' jars and class folders (for code that runs outside OSGi), with
	 * {@code org.osgi.framework} (which Liaison's Derby loader asks whether it runs in OSGi).
	 */
	public static String bundleClassPath(String... symbolicNames) {
		Set<String> cp = new LinkedHashSet<>();
		for (String bsn : symbolicNames) {
			File f = bundleFile(bsn);
			if (f.isDirectory()) {
				for (String sub : List.of("target/classes", "bin", "")) {
					File c = sub.isEmpty() ? f : new File(f, sub);
					if (new File(c, "org").isDirectory()) {
						cp.add(c.getAbsolutePath());
					}
				}
			} else {
				cp.add(f.getAbsolutePath());
			}
		}
		cp.add(Path.of(URI.create(FrameworkUtil.class.getProtectionDomain().getCodeSource().getLocation().toString()
				.replaceFirst("^reference:", ""))).toString());
		return String.join(File.pathSeparator, cp);
	}

	/**
	 * The product's headless application ({@code -application org.liaison.app.cli}) with {@code args},
	 * as {@code ./liaison} starts it, on the bundles of this test runtime: the same Equinox launcher and
	 * the same bundle list (this runtime's {@code config.ini}), in a configuration area of its own
	 * under {@code workDir}. The product itself is built after the tests, so its start script cannot be
	 * used here; what differs from it is only where the bundles are read from.
	 *
	 * @param home the child's Liaison home ({@code liaison.home})
	 * @param vmArgs more JVM options
	 */
	public static ProcessBuilder headless(Path workDir, Path home, List<String> args, String... vmArgs) {
		try {
			Path config = workDir.resolve("configuration");
			Files.createDirectories(config);
			Path ours = Path.of(URI.create(System.getProperty("osgi.configuration.area"))).resolve("config.ini");
			Files.copy(ours, config.resolve("config.ini"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx384m", "-XX:+UseSerialGC",
					"-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Dosgi.requiredJavaVersion=21",
					"-Dliaison.home=" + home, "--enable-native-access=ALL-UNNAMED"));
			cmd.addAll(List.of(vmArgs));
			cmd.addAll(List.of("-jar", bundleFile("org.eclipse.equinox.launcher").getAbsolutePath(), "-install",
					Path.of(URI.create(System.getProperty("osgi.install.area"))).toString(), "-configuration",
					config.toString(), "-data", "@none", "-consoleLog", "-application", "org.liaison.app.cli"));
			cmd.addAll(args);
			return new ProcessBuilder(cmd).directory(workDir.toFile());
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Kills the process with SIGKILL after {@code millis}, from a daemon thread. */
	public static Thread killAfter(Process p, long millis) {
		Thread killer = new Thread(() -> {
			try {
				Thread.sleep(millis);
			} catch (InterruptedException ignored) {
				return;
			}
			p.destroyForcibly(); // SIGKILL
		}, "sigkill after " + millis + " ms");
		killer.setDaemon(true);
		killer.start();
		return killer;
	}

	/** Reads a stream to its end on a daemon thread, each line to {@code sink}. */
	public static Thread drain(InputStream in, java.util.function.Consumer<String> sink) {
		Thread t = new Thread(() -> {
			try (var r = new java.io.BufferedReader(
					new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8))) {
				String line;
				while ((line = r.readLine()) != null) {
					sink.accept(line);
				}
			} catch (IOException e) {
				// the process is gone
			}
		}, "child output");
		t.setDaemon(true);
		t.start();
		return t;
	}

	/** Copies a folder tree. */
	public static void copyTree(Path from, Path to) throws IOException {
		try (Stream<Path> all = Files.walk(from)) {
			for (Path p : (Iterable<Path>) all::iterator) {
				Path target = to.resolve(from.relativize(p).toString());
				if (Files.isDirectory(p)) {
					Files.createDirectories(target);
				} else {
					Files.copy(p, target);
				}
			}
		}
	}

	/** Deletes a folder tree (what is already gone is fine). */
	public static void deleteTree(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> all = Files.walk(dir)) {
			for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
				Files.deleteIfExists(p);
			}
		}
	}
}
