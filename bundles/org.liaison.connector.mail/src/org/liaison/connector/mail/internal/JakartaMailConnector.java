package org.liaison.connector.mail.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Provider;
import jakarta.mail.Session;

import org.liaison.api.env.LiaisonHome;
import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailConnector;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.security.SecretStore;
import org.liaison.api.store.MailStore;
import org.liaison.api.security.TrustService;
import org.liaison.api.sync.ItemCollection;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** The mail connector on Jakarta Mail with Eclipse Angus Mail's IMAP, POP3 and SMTP providers. */
@Component(service = MailConnector.class)
public class JakartaMailConnector implements MailConnector {

	@Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
	volatile TrustService trust;

	@Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
	volatile SecretStore secrets;

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

	/** Where an account's caches (IMAP snapshots) and local mail (POP3) live. */
	static Path accountDir(String kind, MailAccount account) {
		return LiaisonHome.resolve("mail", kind, ImapMailbox.fileName(account.id()));
	}

	@Override
	public Mailbox open(MailAccount account) throws MailException {
		return open(account, null);
	}

	@Override
	public Mailbox open(MailAccount account, MailStore local) throws MailException {
		String password = MailSessions.password(account.incoming(), secrets);
		SmtpSender smtp = null;
		if (account.smtp() != null) {
			String smtpPassword = account.smtp().secretKey() == null ? null
					: account.smtp().secretKey().equals(account.incoming().secretKey()) ? password
							: MailSessions.password(account.smtp(), secrets);
			smtp = new SmtpSender(account, trust, smtpPassword);
		}
		return switch (account.protocol()) {
			case IMAP -> new ImapMailbox(account, trust, password, accountDir("cache", account), smtp);
			case POP3 -> new Pop3Mailbox(account, trust, password, local != null
					? new StoreLocalMail(local, account.id(), account.address())
					: new FileLocalMail(accountDir("local", account)), smtp);
		};
	}

	@Override
	public ItemCollection collection(Mailbox mailbox, String folder) {
		return new MailFolderCollection(mailbox, folder);
	}
}
