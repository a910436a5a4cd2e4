package org.liaison.connector.mail.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.liaison.connector.mail.internal.Mime;

/**
 * Liaison cuts a message's header block into lines itself (Jakarta Mail's own reader costs a service
 * lookup per message in OSGi): the message it makes must be the one Jakarta Mail makes from the same
 * bytes, header for header and byte for byte, whatever the line endings, folding and charset.
 */
class MimeParseTest {

	private static final String[] MESSAGES = {
			// CRLF, folded Subject and To, a body
			"From: Sender <s@example.test>\r\nTo: a@example.test,\r\n\tb@example.test\r\nSubject: a long\r\n subject"
					+ " folded twice\r\n  indeed\r\nMessage-ID: <x1@example.test>\r\n\r\nBody line 1\r\nBody line 2\r\n",
			// LF only
			"From: s@example.test\nSubject: lf only\nMessage-ID: <x2@example.test>\n\nbody\n",
			// CR only, and an empty body
			"From: s@example.test\rSubject: cr only\r\r",
			// no empty line: a header block only
			"From: s@example.test\r\nSubject: no body",
			// raw UTF-8 in a header (RFC 6532), a line without a colon, a header starting with a space first
			" starts folded\r\nFrom: Zoë <z@example.test>\r\nnot a header line\r\nSubject: café ☕\r\n\r\nbody é\r\n",
			// an empty header block
			"\r\nonly a body\r\n",
			// multipart: the parts are parsed by Jakarta Mail as ever
			"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
					+ "plain\r\n--b1\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b1--\r\n" };

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void liaisonsParseIsJakartaMailsParse(boolean allowUtf8) throws Exception {
		Properties p = new Properties();
		p.setProperty("mail.mime.allowutf8", Boolean.toString(allowUtf8));
		Session session = Session.getInstance(p);
		for (String text : MESSAGES) {
			byte[] raw = text.getBytes(StandardCharsets.UTF_8);
			MimeMessage theirs = new MimeMessage(session, new ByteArrayInputStream(raw));
			MimeMessage ours = Mime.parse(session, raw);
			String what = text.substring(0, Math.min(30, text.length())).replace("\r", "\\r").replace("\n", "\\n");
			assertEquals(lines(theirs), lines(ours), "header lines of '" + what + "'");
			assertEquals(theirs.getSubject(), ours.getSubject(), "subject of '" + what + "'");
			assertEquals(theirs.getMessageID(), ours.getMessageID(), "Message-ID of '" + what + "'");
			assertArrayEquals(bytes(theirs), bytes(ours), "the bytes written back of '" + what + "'");
			ByteArrayOutputStream a = new ByteArrayOutputStream();
			ByteArrayOutputStream b = new ByteArrayOutputStream();
			theirs.getRawInputStream().transferTo(a);
			ours.getRawInputStream().transferTo(b);
			assertArrayEquals(a.toByteArray(), b.toByteArray(), "the body of '" + what + "'");
		}
	}

	private static List<String> lines(MimeMessage m) throws Exception {
		return new ArrayList<>(Collections.list(m.getAllHeaderLines()));
	}

	private static byte[] bytes(MimeMessage m) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		m.writeTo(out);
		return out.toByteArray();
	}
}
