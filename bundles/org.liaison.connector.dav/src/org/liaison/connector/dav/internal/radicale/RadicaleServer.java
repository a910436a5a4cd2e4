package org.liaison.connector.dav.internal.radicale;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway Radicale (Debian {@code radicale}) on 127.0.0.1 and a free port, for tests and
 * benchmarks: its config, htpasswd file (MD5-APR1 hashes made by {@code openssl passwd -apr1}) and
 * collections live in a temporary folder that {@link #close()} removes. Passwords are made at run
 * time and passed to openssl on its standard input, never on a command line.
 */
public final class RadicaleServer implements AutoCloseable {

	public static final String INSTALL_HINT = "Radicale is not installed: install it with `sudo apt-get install radicale`"
			+ " (Debian/Ubuntu), or run `./liaison test`, which installs every test server";

	private final Path dir;
	private final int port;
	private final boolean tls;
	private final Process process;
	private final String user;
	private final char[] password;

	private RadicaleServer(Path dir, int port, boolean tls, Process process, String user, char[] password) {
		this.dir = dir;
		this.tls = tls;
		this.port = port;
		this.process = process;
		this.user = user;
		this.password = password;
	}

	/** The radicale executable, or null when it is not installed. */
	public static Path executable() {
		return find("radicale");
	}

	private static Path find(String name) {
		String path = System.getenv("PATH");
		String dirs = (path == null ? "" : path) + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/usr/local/bin";
		for (String d : dirs.split(File.pathSeparator)) {
			if (d.isEmpty()) {
				continue;
			}
			Path p = Path.of(d, name);
			if (Files.isExecutable(p)) {
				return p;
			}
		}
		return null;
	}

	/** Starts Radicale with one user ({@code user}, a random password) and waits until it answers. */
	public static RadicaleServer start(String user) throws IOException {
		return start(user, false);
	}

	/**
	 * Starts Radicale; with {@code tls}, on HTTPS with a self-signed certificate for 127.0.0.1 made by
	 * openssl for this run (as a small office server would have: not trusted until pinned).
	 */
	public static RadicaleServer start(String user, boolean tls) throws IOException {
		return start(user, tls, 0);
	}

	/** What to tell someone whose machine has no gunicorn, for {@link #startMultiProcess}. */
	public static final String GUNICORN_HINT = "gunicorn is not installed: `sudo apt-get install gunicorn` "
			+ "(or `./liaison test`, which installs every test server)";

	/**
	 * Starts Radicale as a WSGI application in {@code workers} gunicorn worker processes (Debian
	 * {@code gunicorn}) on plain HTTP: several requests are served at once on several cores, where
	 * Radicale's own server is one Python process. Its storage lock is a file lock, so the workers
	 * share one storage safely.
	 */
	public static RadicaleServer startMultiProcess(String user, int workers) throws IOException {
		if (gunicorn() == null) {
			throw new IllegalStateException(GUNICORN_HINT);
		}
		return start(user, false, workers);
	}

	/** The gunicorn executable, or null when it is not installed. */
	public static Path gunicorn() {
		return find("gunicorn");
	}

	private static RadicaleServer start(String user, boolean tls, int workers) throws IOException {
		Path exe = executable();
		if (exe == null) {
			throw new IllegalStateException(INSTALL_HINT);
		}
		Path dir = Files.createTempDirectory("liaison-radicale");
		char[] password = randomPassword();
		Files.writeString(dir.resolve("users"), user + ":" + apr1(password) + "\n");
		int port;
		try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			port = s.getLocalPort();
		}
		String ssl = "";
		if (tls) {
			run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
					"-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir.resolve("key.pem").toString(), "-out",
					dir.resolve("cert.pem").toString());
			ssl = "ssl = True\ncertificate = " + dir.resolve("cert.pem") + "\nkey = " + dir.resolve("key.pem") + "\n";
		}
		String config = """
				[server]
				hosts = 127.0.0.1:%d
				%s

				[auth]
				type = htpasswd
				htpasswd_filename = %s
				htpasswd_encryption = md5

				[rights]
				type = owner_only

				[storage]
				filesystem_folder = %s

				[web]
				type = none

				[logging]
				level = warning
				""".formatted(port, ssl, dir.resolve("users"), dir.resolve("collections"));
		Files.writeString(dir.resolve("config"), config);
		ProcessBuilder pb = workers > 0
				? new ProcessBuilder(gunicorn().toString(), "--workers", Integer.toString(workers), "--bind",
						"127.0.0.1:" + port, "--error-logfile", "-", "radicale")
				: new ProcessBuilder(exe.toString(), "--config", dir.resolve("config").toString());
		// the WSGI application finds its config here
		pb.environment().put("RADICALE_CONFIG", dir.resolve("config").toString());
		pb.redirectErrorStream(true);
		pb.redirectOutput(dir.resolve("radicale.log").toFile());
		Process p = pb.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (true) {
			if (!p.isAlive()) {
				String log = Files.readString(dir.resolve("radicale.log"));
				deleteTree(dir);
				throw new IOException("Radicale exited at start (code " + p.exitValue() + "): " + log);
			}
			try (Socket s = new Socket()) {
				s.connect(new InetSocketAddress("127.0.0.1", port), 500);
				break;
			} catch (IOException notYet) {
				if (System.nanoTime() > deadline) {
					p.destroyForcibly();
					deleteTree(dir);
					throw new IOException("Radicale did not answer on 127.0.0.1:" + port + " within 30 s");
				}
				try {
					Thread.sleep(100);
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					throw new IOException("interrupted while starting Radicale", e);
				}
			}
		}
		return new RadicaleServer(dir, port, tls, p, user, password);
	}

	static char[] randomPassword() {
		byte[] b = new byte[18];
		new SecureRandom().nextBytes(b);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
	}

	/** The MD5-APR1 hash of a password, made by openssl (the password goes on its standard input). */
	static String apr1(char[] password) throws IOException {
		Process p = new ProcessBuilder("openssl", "passwd", "-apr1", "-stdin").redirectErrorStream(true).start();
		try (OutputStream in = p.getOutputStream()) {
			in.write(new String(password).getBytes(StandardCharsets.UTF_8));
			in.write('\n');
		}
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		try {
			if (p.waitFor() != 0 || !out.startsWith("$apr1$")) {
				throw new IOException("openssl passwd -apr1 failed: " + out);
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IOException(e);
		}
		return out;
	}

	/** Adds a user with a new random password, returned. */
	public char[] addUser(String name) throws IOException {
		char[] pw = randomPassword();
		Files.writeString(dir.resolve("users"), name + ":" + apr1(pw) + "\n", java.nio.file.StandardOpenOption.APPEND);
		return pw;
	}

	public URI url() {
		return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port + "/");
	}

	private static void run(Path dir, String... command) throws IOException {
		Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		try {
			if (p.waitFor() != 0) {
				throw new IOException(String.join(" ", command) + " failed: " + out);
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IOException(e);
		}
	}

	public int port() {
		return port;
	}

	/** The server's processes (gunicorn's master and workers, or the one Radicale), for CPU figures. */
	public List<ProcessHandle> processes() {
		List<ProcessHandle> all = new java.util.ArrayList<>();
		all.add(process.toHandle());
		process.descendants().forEach(all::add);
		return all;
	}

	public String user() {
		return user;
	}

	/** The user's password (a copy). */
	public char[] password() {
		return password.clone();
	}

	/** Where Radicale keeps its collections ({@code collection-root/USER/...}). */
	public Path storage() {
		return dir.resolve("collections");
	}

	public Path folder() {
		return dir;
	}

	public String log() throws IOException {
		return Files.readString(dir.resolve("radicale.log"));
	}

	@Override
	public void close() {
		process.destroy();
		try {
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		java.util.Arrays.fill(password, '\0');
		deleteTree(dir);
	}

	public static void deleteTree(Path dir) {
		try (Stream<Path> s = Files.walk(dir)) {
			List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
			for (Path p : all) {
				Files.deleteIfExists(p);
			}
		} catch (IOException e) {
			// a temp folder left behind is harmless
		}
	}
}
