package org.liaison.connector.mail.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;

import org.liaison.api.mail.MailHeader;
import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.Idents;
import org.liaison.api.model.ParticipationType;

/**
 * Turns a message's raw header block into a {@link MailHeader}, leniently: bad charsets and raw
 * 8-bit bytes are decoded as well as they can be (UTF-8, else Windows-1252), unparseable addresses
 * and dates are kept as text or left out. Only what cannot be read at all is refused (with the
 * reason), so that the message is quarantined instead of the scan stopping.
 */
final class Headers {

	/** The header fields a header scan fetches. */
	static final String FIELDS = "Message-ID In-Reply-To References Subject From To Cc Bcc Date " + Idents.PROPERTY;

	/** A header block larger than this is refused (a field larger than {@link #MAX_FIELD} is cut). */
	static final int MAX_BLOCK = 1 << 20;
	static final int MAX_FIELD = 64 * 1024;

	private static final ThreadLocal<MailDateFormat> DATES = ThreadLocal.withInitial(MailDateFormat::new);

	private static final Pattern MSG_ID = Pattern.compile("<[^<>\\s]+>");

	private Headers() {
	}

	/** Thrown for a header block that cannot be read at all. */
	static final class Unreadable extends Exception {
		private static final long serialVersionUID = 1L;

		Unreadable(String message) {
			super(message);
		}
	}

	static MailHeader parse(String folder, long uid, long modSeq, Set<String> flags, long size, byte[] raw,
			String bodyRef, String ownAddress) throws Unreadable {
		if (raw == null) {
			throw new Unreadable("the server sent no header block");
		}
		if (raw.length > MAX_BLOCK) {
			throw new Unreadable("its header block is " + raw.length + " bytes, over Liaison's limit of " + MAX_BLOCK);
		}
		Map<String, String> h = split(raw);
		String messageId = firstId(field(h, "Message-ID"));
		List<String> references = ids(field(h, "References"));
		String inReplyTo = firstId(field(h, "In-Reply-To"));
		String subject = text(field(h, "Subject"));
		List<ActivityParty> parties = new ArrayList<>();
		addParties(parties, field(h, "From"), ParticipationType.SENDER);
		addParties(parties, field(h, "To"), ParticipationType.TO);
		addParties(parties, field(h, "Cc"), ParticipationType.CC);
		addParties(parties, field(h, "Bcc"), ParticipationType.BCC);
		Instant sent = date(field(h, "Date"));
		UUID ident = null;
		String carried = field(h, Idents.PROPERTY);
		if (carried != null) {
			try {
				ident = UUID.fromString(carried.trim());
			} catch (IllegalArgumentException notUuid) {
				ident = null;
			}
		}
		if (ident == null) {
			ident = messageId != null ? Idents.fromNaturalKey(messageId) : Idents.nameBased("headers:" + sha256(raw));
		}
		boolean outgoing = false;
		if (ownAddress != null) {
			for (ActivityParty p : parties) {
				if (p.type() == ParticipationType.SENDER && ownAddress.equalsIgnoreCase(p.address())) {
					outgoing = true;
				}
			}
		}
		EmailMessage m = new EmailMessage(messageId, inReplyTo, references, subject, parties, sent, null, null, bodyRef,
				null, null, outgoing, null, null, null);
		return new MailHeader(folder, uid, modSeq, flags, size, ident, m);
	}

	/** The header block of a whole message: up to the first empty line (all of it if there is none). */
	static byte[] block(byte[] message) {
		for (int i = 0; i + 1 < message.length; i++) {
			if (message[i] == '\n' && (message[i + 1] == '\n'
					|| message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n')) {
				return java.util.Arrays.copyOf(message, i + 1);
			}
		}
		return message;
	}

	/**
	 * Splits a header block into fields (first occurrence of each name, lower-cased), unfolded,
	 * read byte for byte. Liaison's own small loop: Jakarta Mail's InternetHeaders looks up its
	 * stream provider through the service loader for every message, which in OSGi costs more than
	 * the rest of a header scan together.
	 */
	static Map<String, String> split(byte[] raw) {
		Map<String, String> out = new HashMap<>();
		String text = new String(raw, StandardCharsets.ISO_8859_1);
		String name = null;
		StringBuilder value = new StringBuilder();
		int i = 0;
		int n = text.length();
		while (i < n) {
			int eol = text.indexOf('\n', i);
			int end = eol < 0 ? n : eol;
			int lineEnd = end > i && text.charAt(end - 1) == '\r' ? end - 1 : end;
			String line = text.substring(i, lineEnd);
			i = end + 1;
			if (line.isEmpty()) {
				break;
			}
			char c = line.charAt(0);
			if ((c == ' ' || c == '\t') && name != null) {
				if (value.length() < MAX_FIELD) {
					value.append(line);
				}
				continue;
			}
			if (name != null) {
				out.putIfAbsent(name, value.toString());
			}
			int colon = line.indexOf(':');
			if (colon <= 0) {
				name = null; // not a header line: skipped
				continue;
			}
			name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
			value.setLength(0);
			value.append(line, colon + 1, line.length());
		}
		if (name != null) {
			out.putIfAbsent(name, value.toString());
		}
		return out;
	}

	/** A field's value (unfolded, trimmed, decoded from 8-bit, at most {@link #MAX_FIELD} chars), or null. */
	static String field(Map<String, String> h, String name) {
		String v = h.get(name.toLowerCase(Locale.ROOT));
		if (v == null) {
			return null;
		}
		v = v.trim();
		if (v.length() > MAX_FIELD) {
			v = v.substring(0, MAX_FIELD);
		}
		return v.isEmpty() ? null : redecode(v);
	}

	/**
	 * Headers are read byte for byte (ISO-8859-1); raw 8-bit text is then read as UTF-8 when it is
	 * valid UTF-8 (RFC 6532), else as Windows-1252, the usual charset of unlabelled 8-bit mail.
	 */
	private static String redecode(String v) {
		boolean high = false;
		for (int i = 0; i < v.length(); i++) {
			char c = v.charAt(i);
			if (c > 0xff) {
				return v;
			}
			high |= c >= 0x80;
		}
		if (!high) {
			return v;
		}
		byte[] b = v.getBytes(StandardCharsets.ISO_8859_1);
		try {
			return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
		} catch (CharacterCodingException notUtf8) {
			return new String(b, java.nio.charset.Charset.forName("windows-1252"));
		}
	}

	private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");

	/**
	 * Decodes RFC 2047 encoded words (B and Q, with the JDK's Base64 and charsets: Jakarta Mail's
	 * decoder looks up a stream provider per word); whitespace between two encoded words goes. An
	 * unknown charset or a broken word keeps its text as it is.
	 */
	static String text(String v) {
		if (v == null || !v.contains("=?")) {
			return v;
		}
		Matcher m = WORD.matcher(v);
		StringBuilder out = new StringBuilder(v.length());
		int last = 0;
		boolean prevWord = false;
		while (m.find()) {
			String between = v.substring(last, m.start());
			if (!(prevWord && between.isBlank())) {
				out.append(between);
			}
			String decoded = word(m.group(1), m.group(2), m.group(3));
			out.append(decoded == null ? m.group() : decoded);
			prevWord = decoded != null;
			last = m.end();
		}
		out.append(v, last, v.length());
		return out.toString();
	}

	private static String word(String charset, String encoding, String text) {
		java.nio.charset.Charset cs;
		try {
			int star = charset.indexOf('*'); // RFC 2231 language
			cs = java.nio.charset.Charset.forName(star > 0 ? charset.substring(0, star) : charset);
		} catch (RuntimeException unknown) {
			return null;
		}
		byte[] bytes;
		try {
			if (encoding.equalsIgnoreCase("B")) {
				bytes = java.util.Base64.getMimeDecoder().decode(text);
			} else {
				java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(text.length());
				for (int i = 0; i < text.length(); i++) {
					char c = text.charAt(i);
					if (c == '_') {
						b.write(' ');
					} else if (c == '=' && i + 2 < text.length()) {
						b.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
						i += 2;
					} else {
						b.write(c);
					}
				}
				bytes = b.toByteArray();
			}
		} catch (IllegalArgumentException broken) {
			return null;
		}
		return new String(bytes, cs);
	}

	static String firstId(String v) {
		if (v == null) {
			return null;
		}
		Matcher m = MSG_ID.matcher(v);
		if (m.find()) {
			return m.group();
		}
		String t = v.trim();
		return t.isEmpty() || t.contains(" ") ? null : "<" + t + ">";
	}

	static List<String> ids(String v) {
		List<String> out = new ArrayList<>();
		if (v != null) {
			Matcher m = MSG_ID.matcher(v);
			while (m.find()) {
				out.add(m.group());
			}
		}
		return out;
	}

	static void addParties(List<ActivityParty> out, String v, ParticipationType type) {
		if (v == null) {
			return;
		}
		InternetAddress[] parsed;
		try {
			parsed = InternetAddress.parseHeader(v, false);
		} catch (MessagingException | RuntimeException e) {
			out.add(new ActivityParty(v, null, null, type));
			return;
		}
		for (InternetAddress a : parsed) {
			if (a.getAddress() == null || a.getAddress().isBlank()) {
				continue;
			}
			out.add(new ActivityParty(a.getAddress(), text(a.getPersonal()), null, type));
		}
	}

	static Instant date(String v) {
		if (v == null) {
			return null;
		}
		try {
			Date d = DATES.get().parse(v);
			return d == null ? null : d.toInstant();
		} catch (java.text.ParseException | RuntimeException e) {
			return null;
		}
	}

	static String sha256(byte[] b) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
