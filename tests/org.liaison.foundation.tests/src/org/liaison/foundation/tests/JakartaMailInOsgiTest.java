package org.liaison.foundation.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.liaison.api.mail.MailConnector;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestPasswords;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/** Jakarta Mail finds Angus Mail's providers inside OSGi, and they talk to a real server. */
class JakartaMailInOsgiTest {

	@Test
	void providersResolveInOsgi() {
		List<String> protocols = Osgi.service(MailConnector.class).protocols();
		for (String p : new String[] { "imap", "imaps", "pop3", "pop3s", "smtp", "smtps" }) {
			assertTrue(protocols.contains(p), p + " provider missing; found " + protocols);
		}
	}

	@Test
	void sendOverSmtpAndReadOverImap() throws Exception {
		ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
		ServerSetup imap = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
		GreenMail mail = new GreenMail(new ServerSetup[] { smtp, imap });
		mail.start();
		try {
			String password = TestPasswords.random();
			mail.setUser("alice@example.test", "alice", password);
			Properties props = new Properties();
			props.put("mail.smtp.host", "127.0.0.1");
			props.put("mail.smtp.port", String.valueOf(mail.getSmtp().getPort()));
			Session session = Session.getInstance(props);
			MimeMessage m = new MimeMessage(session);
			m.setFrom(new InternetAddress("bob@example.test"));
			m.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.test"));
			m.setSubject("Hello from OSGi");
			m.setText("body");
			Transport.send(m);

			Store store = session.getStore("imap");
			store.connect("127.0.0.1", mail.getImap().getPort(), "alice", password);
			Folder inbox = store.getFolder("INBOX");
			inbox.open(Folder.READ_ONLY);
			assertEquals(1, inbox.getMessageCount());
			assertEquals("Hello from OSGi", inbox.getMessage(1).getSubject());
			inbox.close(false);
			store.close();
		} finally {
			mail.stop();
		}
	}
}
