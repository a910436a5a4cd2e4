package org.liaison.connector.mail.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;

import org.liaison.api.mail.MessageBody;
import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.AttachmentRef;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.Idents;
import org.liaison.api.model.ParticipationType;

/**
 * MIME both ways: an {@link EmailMessage} to a MimeMessage for sending or appending, and a parsed
 * message to its {@link MessageBody} (text, HTML, attachments with IMAP-style part ids such as 2.1).
 */
public final class Mime {

	private Mime() {
	}

	/** Thrown for a body that cannot be read; the message names the reason. */
	static final class BadMime extends Exception {
		private static final long serialVersionUID = 1L;

		BadMime(String message, Throwable cause) {
			super(message, cause);
		}
	}

	/**
	 * Runs MIME work that needs Angus Mail's content handlers (multipart): in OSGi they are found
	 * through the thread's context class loader, which must then be Angus Mail's.
	 */
	static <T> T withHandlers(MimeWork<T> work) throws MessagingException, IOException {
		Thread t = Thread.currentThread();
		ClassLoader before = t.getContextClassLoader();
		t.setContextClassLoader(org.eclipse.angus.mail.handlers.multipart_mixed.class.getClassLoader());
		try {
			return work.run();
		} finally {
			t.setContextClassLoader(before);
		}
	}

	@FunctionalInterface
	interface MimeWork<T> {
		T run() throws MessagingException, IOException;
	}

	/** Builds a message and its bytes. */
	static MimeMessage build(Session session, EmailMessage m, UUID ident, String defaultFrom) throws MessagingException {
		try {
			return withHandlers(() -> doBuild(session, m, ident, defaultFrom));
		} catch (IOException e) {
			throw new MessagingException(e.getMessage(), e);
		}
	}

	private static MimeMessage doBuild(Session session, EmailMessage m, UUID ident, String defaultFrom)
			throws MessagingException {
		MimeMessage msg = new MimeMessage(session);
		ActivityParty sender = m.sender();
		String from = sender != null && sender.address() != null ? sender.address() : defaultFrom;
		if (from == null) {
			throw new AddressException("the message has no sender and the account no address");
		}
		msg.setFrom(address(sender != null && from.equals(sender.address()) ? sender : ActivityParty.of(ParticipationType.SENDER, from)));
		for (ParticipationType t : new ParticipationType[] { ParticipationType.TO, ParticipationType.CC,
				ParticipationType.BCC }) {
			List<InternetAddress> list = new ArrayList<>();
			for (ActivityParty p : m.parties(t)) {
				if (p.address() != null) {
					list.add(address(p));
				}
			}
			if (!list.isEmpty()) {
				Message.RecipientType rt = t == ParticipationType.TO ? Message.RecipientType.TO
						: t == ParticipationType.CC ? Message.RecipientType.CC : Message.RecipientType.BCC;
				msg.setRecipients(rt, list.toArray(InternetAddress[]::new));
			}
		}
		msg.setSubject(m.subject() == null ? "" : m.subject(), "UTF-8");
		msg.setSentDate(m.sentOn() == null ? new Date() : Date.from(m.sentOn()));
		if (m.inReplyTo() != null) {
			msg.setHeader("In-Reply-To", m.inReplyTo());
		}
		if (!m.references().isEmpty()) {
			msg.setHeader("References", MimeUtility.fold(12, String.join(" ", m.references())));
		}
		if (ident != null) {
			msg.setHeader(Idents.PROPERTY, ident.toString());
		}
		m.headers().forEach((k, v) -> {
			if (k.regionMatches(true, 0, "X-", 0, 2) && !k.equalsIgnoreCase(Idents.PROPERTY)) {
				try {
					msg.setHeader(k, MimeUtility.fold(k.length() + 2, v));
				} catch (MessagingException e) {
					throw new IllegalArgumentException(e);
				}
			}
		});
		String text = m.bodyText();
		String html = m.bodyHtml();
		if (html != null && text != null) {
			MimeMultipart alt = new MimeMultipart("alternative");
			MimeBodyPart t = new MimeBodyPart();
			t.setText(text, "UTF-8");
			MimeBodyPart h = new MimeBodyPart();
			h.setText(html, "UTF-8", "html");
			alt.addBodyPart(t);
			alt.addBodyPart(h);
			msg.setContent(alt);
		} else if (html != null) {
			msg.setText(html, "UTF-8", "html");
		} else {
			msg.setText(text == null ? "" : text, "UTF-8");
		}
		msg.saveChanges();
		if (m.messageId() != null) {
			msg.setHeader("Message-ID", m.messageId());
		}
		return msg;
	}

	private static InternetAddress address(ActivityParty p) throws AddressException {
		try {
			return new InternetAddress(p.address(), p.displayName(), "UTF-8");
		} catch (UnsupportedEncodingException e) {
			throw new AddressException(e.getMessage());
		}
	}

	static byte[] bytes(MimeMessage m) throws MessagingException, IOException {
		return withHandlers(() -> {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			m.writeTo(out);
			return out.toByteArray();
		});
	}

	/** Walks a message: the first text/plain and text/html outside attachments, and every attachment. */
	static MessageBody body(Part message) throws BadMime {
		Collector c = new Collector();
		try {
			withHandlers(() -> {
				c.walk(message, "");
				return null;
			});
		} catch (MessagingException | IOException | RuntimeException e) {
			throw new BadMime("its MIME structure cannot be read: " + reason(e), e);
		}
		return new MessageBody(c.text, c.html, c.attachments);
	}

	/** The part with an IMAP-style id ({@code 1}, {@code 2.1}) in a message, or null. */
	static Part part(Part message, String partId) throws MessagingException, IOException {
		return withHandlers(() -> findPart(message, partId));
	}

	private static Part findPart(Part message, String partId) throws MessagingException, IOException {
		Part p = message;
		for (String n : partId.split("\\.")) {
			Object content = p.getContent();
			if (!(content instanceof Multipart mp)) {
				return "1".equals(n) && p == message ? message : null;
			}
			int i = Integer.parseInt(n) - 1;
			if (i < 0 || i >= mp.getCount()) {
				return null;
			}
			p = mp.getBodyPart(i);
		}
		return p;
	}

	static String reason(Throwable e) {
		String m = e.getMessage();
		return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
	}

	private static final class Collector {
		String text;
		String html;
		final List<AttachmentRef> attachments = new ArrayList<>();

		void walk(Part p, String id) throws MessagingException, IOException {
			String type = contentType(p);
			boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition(p)) || fileName(p) != null;
			if (type.startsWith("multipart/")) {
				Object content = p.getContent();
				if (!(content instanceof Multipart mp)) {
					throw new MessagingException("a multipart without parts");
				}
				int n = mp.getCount();
				if (n == 0) {
					throw new MessagingException("a multipart whose boundary was never found");
				}
				for (int i = 0; i < n; i++) {
					BodyPart bp = mp.getBodyPart(i);
					walk(bp, id.isEmpty() ? Integer.toString(i + 1) : id + "." + (i + 1));
				}
				return;
			}
			String partId = id.isEmpty() ? "1" : id;
			if (!attachment && type.equals("text/plain") && text == null) {
				text = readText(p);
				return;
			}
			if (!attachment && type.equals("text/html") && html == null) {
				html = readText(p);
				return;
			}
			if (!attachment && type.startsWith("text/") && text != null) {
				return;
			}
			String name = fileName(p);
			attachments.add(new AttachmentRef(name == null ? "part-" + partId : name, type, p.getSize(), partId));
		}

		private static String readText(Part p) throws IOException, MessagingException {
			Object c;
			try {
				c = p.getContent();
			} catch (java.io.UnsupportedEncodingException badCharset) {
				// an unknown charset label: read the bytes as UTF-8, else Windows-1252
				return lenient(p.getInputStream().readAllBytes());
			}
			if (c instanceof String s) {
				return s;
			}
			if (c instanceof InputStream in) {
				return lenient(in.readAllBytes());
			}
			return String.valueOf(c);
		}

		private static String lenient(byte[] b) {
			try {
				return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
						.onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
						.decode(java.nio.ByteBuffer.wrap(b)).toString();
			} catch (java.nio.charset.CharacterCodingException e) {
				return new String(b, java.nio.charset.Charset.forName("windows-1252"));
			}
		}
	}

	private static String contentType(Part p) throws MessagingException {
		String ct = p.getContentType();
		if (ct == null) {
			return "text/plain";
		}
		try {
			return new ContentType(ct).getBaseType().toLowerCase(Locale.ROOT);
		} catch (jakarta.mail.internet.ParseException e) {
			return "application/octet-stream";
		}
	}

	private static String disposition(Part p) {
		try {
			return p.getDisposition();
		} catch (MessagingException e) {
			return null;
		}
	}

	private static String fileName(Part p) {
		try {
			String n = p.getFileName();
			return n == null ? null : Headers.text(n);
		} catch (MessagingException e) {
			return null;
		}
	}

	public static MimeMessage parse(Session session, byte[] raw) throws MessagingException {
		return new Parsed(session, raw);
	}

	/**
	 * A message read from its bytes, its header block split into lines here. Jakarta Mail's own header
	 * reading asks {@code StreamProvider.provider()} for a line reader every time; in OSGi that is a
	 * ServiceLoader lookup which SPI Fly answers by matching filters against bundles, about 0.1 ms a
	 * message and a third of the tracking thread's time. The lines are cut as Jakarta Mail cuts them (at
	 * CRLF, LF or CR, up to the first empty line; bytes as ISO-8859-1, or UTF-8 where the session allows
	 * UTF-8 headers) and each goes to {@link InternetHeaders#addHeaderLine}, which joins continuation
	 * lines and keeps the header as it was; Jakarta Mail parses the fields and the body as ever.
	 */
	private static final class Parsed extends MimeMessage {
		Parsed(Session session, byte[] raw) throws MessagingException {
			super(session, new Bytes(raw));
		}

		@Override
		protected InternetHeaders createInternetHeaders(InputStream is) throws MessagingException {
			if (!(is instanceof Bytes b)) {
				return super.createInternetHeaders(is);
			}
			return b.headers(session != null && Boolean.parseBoolean(session.getProperty("mail.mime.allowutf8")));
		}
	}

	/** The raw message, readable in place: the header block is cut into lines without a stream per byte. */
	private static final class Bytes extends java.io.ByteArrayInputStream {
		Bytes(byte[] raw) {
			super(raw);
		}

		InternetHeaders headers(boolean utf8) {
			InternetHeaders h = new InternetHeaders();
			java.nio.charset.Charset cs = utf8 ? java.nio.charset.StandardCharsets.UTF_8
					: java.nio.charset.StandardCharsets.ISO_8859_1;
			int i = pos;
			boolean first = true;
			while (i < count) {
				int start = i;
				while (i < count && buf[i] != '\r' && buf[i] != '\n') {
					i++;
				}
				int end = i;
				if (i < count) {
					i += buf[i] == '\r' && i + 1 < count && buf[i + 1] == '\n' ? 2 : 1;
				}
				if (end == start) {
					break; // the empty line between the header and the body
				}
				String line = new String(buf, start, end - start, cs);
				if (first && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
					// nothing to continue: as Jakarta Mail does, a header of its own, trimmed (or nothing)
					line = line.trim();
				}
				first = false;
				if (!line.isEmpty()) {
					h.addHeaderLine(line);
				}
			}
			pos = i;
			return h;
		}
	}
}
