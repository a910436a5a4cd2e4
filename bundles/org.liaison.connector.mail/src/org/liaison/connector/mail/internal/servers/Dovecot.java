package org.liaison.connector.mail.internal.servers;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway Dovecot (Debian {@code dovecot-imapd dovecot-pop3d}) for tests and benchmarks: its
 * own config, base_dir, state_dir, users and maildirs in one temporary folder, IMAP, IMAPS, POP3 and
 * POP3S on free ports of 127.0.0.1, a self-signed certificate made by {@code openssl} for
 * STARTTLS/IMAPS/POP3S, passwords made at run time. Mail belongs to {@code nobody} (Dovecot refuses
 * uid 0). Started with {@code dovecot -c FILE}, stopped with {@code doveadm -c FILE stop}.
 */
public final class Dovecot implements AutoCloseable {

	/** What to tell someone whose machine has no Dovecot. */
	public static final String INSTALL_HINT = "Dovecot is not installed: run `apt-get install dovecot-imapd dovecot-pop3d` "
			+ "(or `./liaison test`, which installs the test servers)";

	/** Dovecot 2.3's IMAP capabilities after login, for {@link Builder#without}. */
	static final String CAPABILITIES = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY "
			+ "THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN "
			+ "NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN "
			+ "CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+";

	private final Path dir;
	private final Path config;
	private final Map<String, String> users;
	public final int imapPort;
	public final int imapsPort;
	public final int pop3Port;
	public final int pop3sPort;
	/** The SMTP submission port (STARTTLS, AUTH), or -1 unless built with {@link Builder#submission(int)}. */
	public final int submissionPort;

	private Dovecot(Path dir, Path config, Map<String, String> users, int[] ports) {
		this.dir = dir;
		this.config = config;
		this.users = users;
		this.imapPort = ports[0];
		this.imapsPort = ports[1];
		this.pop3Port = ports[2];
		this.pop3sPort = ports[3];
		this.submissionPort = ports.length > 4 ? ports[4] : -1;
	}

	/** Null when Dovecot is installed, else {@link #INSTALL_HINT}. */
	public static String missing() {
		return Files.isExecutable(Path.of("/usr/sbin/dovecot")) && Files.isExecutable(Path.of("/usr/bin/doveadm"))
				&& Files.exists(Path.of("/usr/lib/dovecot/imap")) && Files.exists(Path.of("/usr/lib/dovecot/pop3"))
						? null
						: INSTALL_HINT;
	}

	/** What to tell someone whose machine has no Dovecot submission service. */
	public static final String SUBMISSION_HINT = "Dovecot's submission service is not installed: run "
			+ "`apt-get install dovecot-submissiond` (or `./liaison test`, which installs the test servers)";

	/** Null when Dovecot and its submission service are installed, else the install hint. */
	public static String missingSubmission() {
		String m = missing();
		return m != null ? m : Files.exists(Path.of("/usr/lib/dovecot/submission")) ? null : SUBMISSION_HINT;
	}

	public static Builder builder() {
		return new Builder();
	}

	public static final class Builder {
		private final List<String> users = new ArrayList<>(List.of("alice"));
		private final List<String> without = new ArrayList<>();
		private Path dir;
		private int relayPort = -1;

		/**
		 * Adds Dovecot's SMTP submission service (STARTTLS with the server's certificate, AUTH with
		 * the users' passwords), relaying what it takes to plain SMTP on {@code 127.0.0.1:relayPort}.
		 */
		public Builder submission(int relayPort) {
			this.relayPort = relayPort;
			return this;
		}

		/** Users besides {@code alice}. */
		public Builder user(String name) {
			users.add(name);
			return this;
		}

		/** Hides IMAP capabilities (e.g. QRESYNC, CONDSTORE, MOVE) to test the fallbacks. */
		public Builder without(String... capabilities) {
			without.addAll(List.of(capabilities));
			return this;
		}

		/** The folder to run in (default: a new temporary folder). */
		public Builder in(Path folder) {
			dir = folder;
			return this;
		}

		/** Writes the config and the users; call {@link Dovecot#start()} after filling maildirs. */
		public Dovecot build() throws IOException {
			String m = relayPort > 0 ? missingSubmission() : missing();
			if (m != null) {
				throw new IllegalStateException(m);
			}
			Path d = dir != null ? dir : Files.createTempDirectory("liaison-dovecot");
			Files.createDirectories(d);
			// Dovecot's processes run as nobody and dovenull: they must reach into the folder
			Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
			Path run = Files.createDirectories(d.resolve("run"));
			Path state = Files.createDirectories(d.resolve("state"));
			Path mail = Files.createDirectories(d.resolve("mail"));
			certificate(d);
			Map<String, String> pw = new LinkedHashMap<>();
			StringBuilder passwd = new StringBuilder();
			for (String u : users) {
				String p = randomPassword();
				pw.put(u, p);
				passwd.append(u).append(":{PLAIN}").append(p).append("::::::\n");
				Files.createDirectories(mail.resolve(u).resolve("Maildir").resolve("cur"));
				Files.createDirectories(mail.resolve(u).resolve("Maildir").resolve("new"));
				Files.createDirectories(mail.resolve(u).resolve("Maildir").resolve("tmp"));
			}
			Path users = d.resolve("users");
			Files.writeString(users, passwd);
			// read by Dovecot's auth process, which runs as the dovecot user
			Files.getFileAttributeView(users, PosixFileAttributeView.class).setGroup(
					d.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("dovecot"));
			Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-r-----"));
			int[] ports = freePorts(relayPort > 0 ? 5 : 4);
			String submission = relayPort <= 0 ? "" : """
					hostname = localhost
					submission_relay_host = 127.0.0.1
					submission_relay_port = %d
					submission_relay_ssl = no
					submission_relay_trusted = yes
					service submission-login {
					  inet_listener submission {
					    address = 127.0.0.1
					    port = %d
					  }
					}
					""".formatted(relayPort, ports[4]);
			String caps = "";
			if (!without.isEmpty()) {
				List<String> kept = new ArrayList<>();
				for (String c : CAPABILITIES.split(" ")) {
					if (without.stream().noneMatch(w -> w.equalsIgnoreCase(c))) {
						kept.add(c);
					}
				}
				caps = "imap_capability = " + String.join(" ", kept) + "\n";
			}
			String conf = """
					instance_name = liaison-%1$s
					base_dir = %2$s
					state_dir = %3$s
					log_path = %4$s/dovecot.log
					protocols = imap pop3%11$s
					listen = 127.0.0.1
					ssl = yes
					ssl_cert = <%4$s/cert.pem
					ssl_key = <%4$s/key.pem
					ssl_min_protocol = TLSv1.2
					disable_plaintext_auth = no
					auth_mechanisms = plain login
					passdb {
					  driver = passwd-file
					  args = scheme=PLAIN %4$s/users
					}
					userdb {
					  driver = static
					  args = uid=nobody gid=nogroup home=%5$s/%%u
					}
					mail_location = maildir:~/Maildir
					default_internal_user = dovecot
					default_login_user = dovenull
					mail_max_userip_connections = 100
					pop3_uidl_format = %%08Xv%%08Xu
					%6$s
					service imap-login {
					  inet_listener imap {
					    address = 127.0.0.1
					    port = %7$d
					  }
					  inet_listener imaps {
					    address = 127.0.0.1
					    port = %8$d
					    ssl = yes
					  }
					}
					service pop3-login {
					  inet_listener pop3 {
					    address = 127.0.0.1
					    port = %9$d
					  }
					  inet_listener pop3s {
					    address = 127.0.0.1
					    port = %10$d
					    ssl = yes
					  }
					}
					%12$s""".formatted(Long.toHexString(System.nanoTime()), run, state, d, mail, caps, ports[0], ports[1],
					ports[2], ports[3], relayPort > 0 ? " submission" : "", submission);
			Path config = d.resolve("dovecot.conf");
			Files.writeString(config, conf);
			Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
			return new Dovecot(d, config, pw, ports);
		}
	}

	private static void certificate(Path d) throws IOException {
		Process p;
		try {
			p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
					d.resolve("key.pem").toString(), "-out", d.resolve("cert.pem").toString(), "-subj", "/CN=localhost",
					"-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-days", "2")
					.redirectErrorStream(true).start();
		} catch (IOException e) {
			throw new IOException("openssl is needed to make the test server's certificate: apt-get install openssl", e);
		}
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (wait(p) != 0) {
			throw new IOException("openssl could not make a certificate: " + out);
		}
		Files.setPosixFilePermissions(d.resolve("key.pem"), PosixFilePermissions.fromString("rw-------"));
	}

	static String randomPassword() {
		byte[] b = new byte[18];
		new SecureRandom().nextBytes(b);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
	}

	static int[] freePorts(int n) throws IOException {
		int[] out = new int[n];
		List<ServerSocket> held = new ArrayList<>();
		try {
			for (int i = 0; i < n; i++) {
				ServerSocket s = new ServerSocket();
				s.setReuseAddress(true);
				s.bind(new InetSocketAddress("127.0.0.1", 0));
				held.add(s);
				out[i] = s.getLocalPort();
			}
		} finally {
			for (ServerSocket s : held) {
				s.close();
			}
		}
		return out;
	}

	private static int wait(Process p) throws IOException {
		try {
			if (!p.waitFor(60, TimeUnit.SECONDS)) {
				p.destroyForcibly();
				throw new IOException("timed out: " + p.info().commandLine().orElse("process"));
			}
			return p.exitValue();
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", e);
		}
	}

	/** The user's maildir ({@code Maildir/} with cur, new, tmp). Fill it before {@link #start()} or while running. */
	public Path maildir(String user) {
		return dir.resolve("mail").resolve(user).resolve("Maildir");
	}

	public String password(String user) {
		return users.get(user);
	}

	public Path folder() {
		return dir;
	}

	/**
	 * An mbsync (isync) configuration, for benchmarks beside it: plain IMAP to this server, the
	 * user's INBOX pulled into a maildir under {@code dir}. The password is not in the file: mbsync
	 * reads it from the environment variable {@code passwordEnv} of its process.
	 */
	public Path mbsyncConfig(Path dir, String user, String passwordEnv) throws IOException {
		Path local = Files.createDirectories(dir.resolve("local"));
		Path conf = dir.resolve("mbsyncrc");
		Files.writeString(conf, """
				IMAPAccount bench
				Host 127.0.0.1
				Port %d
				User %s
				PassCmd "printenv %s"
				SSLType None
				AuthMechs LOGIN

				IMAPStore bench-remote
				Account bench

				MaildirStore bench-local
				Path %s/
				Inbox %s/INBOX

				Channel bench
				Far :bench-remote:
				Near :bench-local:
				Patterns INBOX
				Create Near
				Sync Pull
				SyncState *
				""".formatted(imapPort, user, passwordEnv, local, local));
		return conf;
	}

	public Path config() {
		return config;
	}

	/** The server's certificate (for pinning in tests). */
	public X509Certificate certificate() throws IOException {
		try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
			return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		} catch (java.security.cert.CertificateException e) {
			throw new IOException(e);
		}
	}

	/** Hands the mail folders to nobody, starts Dovecot and waits until IMAP answers. */
	public Dovecot start() throws IOException {
		chownMail();
		// the daemon keeps its inherited output open: send it to a file, not a pipe
		Path startLog = dir.resolve("start.log");
		Process p = new ProcessBuilder("/usr/sbin/dovecot", "-c", config.toString()).redirectErrorStream(true)
				.redirectOutput(startLog.toFile()).start();
		int exit = wait(p);
		String out = Files.readString(startLog);
		if (exit != 0) {
			throw new IOException("Dovecot did not start: " + out + log());
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			try (Socket s = new Socket()) {
				s.connect(new InetSocketAddress("127.0.0.1", imapPort), 500);
				s.setSoTimeout(2_000);
				byte[] greeting = new byte[4];
				if (s.getInputStream().readNBytes(greeting, 0, 4) == 4) {
					return this;
				}
			} catch (IOException notYet) {
				try {
					Thread.sleep(100);
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					throw new IOException("interrupted", e);
				}
			}
		}
		throw new IOException("Dovecot did not answer on 127.0.0.1:" + imapPort + log());
	}

	/** Gives everything under mail/ to nobody:nogroup (Dovecot serves it as that user). */
	public void chownMail() throws IOException {
		UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
		UserPrincipal nobody = lookup.lookupPrincipalByName("nobody");
		GroupPrincipal nogroup = lookup.lookupPrincipalByGroupName("nogroup");
		try (Stream<Path> all = Files.walk(dir.resolve("mail"))) {
			for (Path f : (Iterable<Path>) all::iterator) {
				PosixFileAttributeView v = Files.getFileAttributeView(f, PosixFileAttributeView.class);
				v.setOwner(nobody);
				v.setGroup(nogroup);
			}
		}
	}

	private String log() {
		try {
			Path l = dir.resolve("dovecot.log");
			if (Files.exists(l)) {
				List<String> lines = Files.readAllLines(l);
				return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
			}
		} catch (IOException ignored) {
			// no log to show
		}
		return "";
	}

	/** Drops every connection of {@code user} ({@code doveadm kick}), as a server restart or an admin would. */
	public void kick(String user) throws IOException {
		Process p = new ProcessBuilder("/usr/bin/doveadm", "-c", config.toString(), "kick", user)
				.redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (wait(p) != 0) {
			throw new IOException("doveadm kick " + user + " failed: " + out + log());
		}
	}

	/** Stops Dovecot and waits until its master process is gone. */
	@Override
	public void close() throws IOException {
		Path pid = dir.resolve("run").resolve("master.pid");
		Process p = new ProcessBuilder("/usr/bin/doveadm", "-c", config.toString(), "stop").redirectErrorStream(true)
				.redirectOutput(dir.resolve("stop.log").toFile()).start();
		wait(p);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (Files.exists(pid) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(50);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** Removes the whole folder (after {@link #close()}). */
	public void delete() throws IOException {
		try (Stream<Path> all = Files.walk(dir)) {
			for (Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(f);
			}
		}
	}
}
