package org.liaison.connector.mail.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Provider;
import jakarta.mail.Session;

import org.liaison.api.mail.MailConnector;
import org.osgi.service.component.annotations.Component;

/** The mail connector on Jakarta Mail with Eclipse Angus Mail's IMAP, POP3 and SMTP providers. */
@Component(service = MailConnector.class)
public class JakartaMailConnector implements MailConnector {

	@Override
	public List<String> protocols() {
		Session session = Session.getInstance(new Properties());
		List<String> out = new ArrayList<>();
		for (Provider p : session.getProviders()) {
			if (!out.contains(p.getProtocol())) {
				out.add(p.getProtocol());
			}
		}
		return out;
	}
}
