package org.liaison.connector.mail.internal.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

/**
 * Writes generated messages straight into a maildir's {@code cur/}: fifty thousand in seconds,
 * where APPENDing them would take minutes. Dovecot gives them UIDs when it first looks.
 */
public final class Maildirs {

	private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z",
			Locale.ROOT);

	private Maildirs() {
	}

	/** Writes {@code count} messages (a third of them seen) and returns their total size in bytes. */
	public static long generate(Path maildir, int count, long seed) throws IOException {
		return generate(maildir, 0, count, seed);
	}

	/**
	 * The same for messages number {@code from} to {@code from + count - 1}: a later call with a higher
	 * {@code from} adds newer mail beside what an earlier call wrote.
	 */
	public static long generate(Path maildir, int from, int count, long seed) throws IOException {
		Path cur = Files.createDirectories(maildir.resolve("cur"));
		Files.createDirectories(maildir.resolve("new"));
		Files.createDirectories(maildir.resolve("tmp"));
		Random r = new Random(seed);
		ZonedDateTime t0 = ZonedDateTime.of(2026, 1, 5, 9, 0, 0, 0, ZoneOffset.UTC);
		long total = 0;
		long base = 1_760_000_000L;
		for (int i = from; i < from + count; i++) {
			ZonedDateTime when = t0.plusMinutes(i * 7L);
			String id = "<gen." + seed + "." + i + "@liaison.test>";
			StringBuilder b = new StringBuilder(900);
			b.append("Return-Path: <sender").append(i % 97).append("@example.test>\r\n");
			b.append("Received: from mx.example.test by imap.example.test; ").append(RFC5322.format(when)).append("\r\n");
			b.append("Message-ID: ").append(id).append("\r\n");
			b.append("Date: ").append(RFC5322.format(when)).append("\r\n");
			b.append("From: Sender ").append(i % 97).append(" <sender").append(i % 97).append("@example.test>\r\n");
			b.append("To: Alice <alice@example.test>\r\n");
			if (i % 5 == 0) {
				b.append("Cc: Bob <bob@example.test>, Carol <carol@example.test>\r\n");
			}
			b.append("Subject: Quarterly figures ").append(i).append(" (").append(Long.toHexString(r.nextLong()))
					.append(")\r\n");
			if (i > 0 && i % 3 == 0) {
				b.append("In-Reply-To: <gen.").append(seed).append('.').append(i - 1).append("@liaison.test>\r\n");
				b.append("References: <gen.").append(seed).append('.').append(i - 1).append("@liaison.test>\r\n");
			}
			b.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n");
			for (int l = 0; l < 4 + r.nextInt(8); l++) {
				b.append("Line ").append(l).append(" of message ").append(i).append(": the numbers look good.\r\n");
			}
			byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
			String flags = i % 3 == 0 ? "S" : "";
			String name = (base + i) + ".M" + i + "P1.liaison,S=" + bytes.length + ":2," + flags;
			Files.write(cur.resolve(name), bytes);
			total += bytes.length;
		}
		return total;
	}

	/** Writes one message as it is (any bytes, broken or not) into {@code cur/}. */
	public static void put(Path maildir, String name, byte[] message) throws IOException {
		Path cur = Files.createDirectories(maildir.resolve("cur"));
		Files.write(cur.resolve(name + ":2,"), message);
	}
}
