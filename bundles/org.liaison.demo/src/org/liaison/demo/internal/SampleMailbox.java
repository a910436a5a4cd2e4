package org.liaison.demo.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;

import com.icegreen.greenmail.user.GreenMailUser;

/**
 * The demo user's inbox: mail from their CRM contacts (tracked by the demo's tracking option), replies
 * to CRM emails (tracked to the same record), and mail from strangers (left untracked, with the reason).
 */
final class SampleMailbox {

	private SampleMailbox() {
	}

	static int fill(CrmClient crm, GreenMailUser user) throws CrmException, MessagingException {
		Session session = Session.getInstance(new Properties());
		int n = 0;
		Instant now = Instant.now();
		List<CrmRecord> contacts = crm.query("contacts", CrmQuery.select("fullname", "emailaddress1")
				.filter("emailaddress1 ne null").top(6)).records();
		for (CrmRecord c : contacts) {
			n++;
			user.deliver(message(session, c.string("emailaddress1"), "Question about our order " + n,
					"<demo-" + n + "@customer.example>", null, now.minus(n, ChronoUnit.HOURS)));
		}
		List<CrmRecord> emails = crm.query("emails", CrmQuery.select("subject", "messageid")
				.filter("messageid ne null and directioncode eq true").top(4)).records();
		for (CrmRecord e : emails) {
			n++;
			user.deliver(message(session, "partner" + n + "@customer.example", "Re: " + e.string("subject"),
					"<demo-" + n + "@customer.example>", e.string("messageid"), now.minus(n, ChronoUnit.MINUTES)));
		}
		for (String s : new String[] { "Newsletter: spring offers", "Lunch on Friday?" }) {
			n++;
			user.deliver(message(session, "someone" + n + "@elsewhere.example", s, "<demo-" + n + "@elsewhere.example>",
					null, now.minus(n, ChronoUnit.DAYS)));
		}
		return n;
	}

	private static MimeMessage message(Session session, String from, String subject, String id, String inReplyTo,
			Instant sent) throws MessagingException {
		MimeMessage m = new MimeMessage(session) {
			@Override
			protected void updateMessageID() throws MessagingException {
				setHeader("Message-ID", id);
			}
		};
		m.setFrom(new InternetAddress(from));
		m.setRecipient(Message.RecipientType.TO, new InternetAddress("demo@example.test"));
		m.setSubject(subject);
		m.setSentDate(Date.from(sent));
		if (inReplyTo != null) {
			m.setHeader("In-Reply-To", inReplyTo);
			m.setHeader("References", inReplyTo);
		}
		m.setText("Hello,\n\n" + subject + ".\n\nBest regards");
		m.saveChanges();
		return m;
	}
}
