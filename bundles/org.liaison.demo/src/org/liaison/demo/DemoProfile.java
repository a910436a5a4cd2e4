package org.liaison.demo;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.liaison.crm.server.CrmServer;

import com.icegreen.greenmail.util.GreenMail;

/**
 * The settings of a profile on the demo's servers: the reference CRM server's user "demo", the
 * sample mailbox's IMAP and SMTP on 127.0.0.1 (no TLS), the local store for contacts, calendar and
 * tasks, tracking of mail from CRM customers. No secrets: those are in secure storage.
 */
public final class DemoProfile {

	private DemoProfile() {
	}

	/** The profile {@code name} on these servers, for the caller to adjust before {@link #write}. */
	public static Properties of(String name, CrmServer.Running crm, GreenMail mail) {
		Properties p = new Properties();
		p.setProperty("name", name);
		p.setProperty("crm.url", crm.serviceRoot().toString());
		p.setProperty("crm.token-url", crm.tokenEndpoint().toString());
		p.setProperty("crm.user", "demo");
		p.setProperty("crm.client-id", "liaison-" + name);
		p.setProperty("mail.protocol", "imap");
		p.setProperty("mail.host", "127.0.0.1");
		p.setProperty("mail.port", Integer.toString(mail.getImap().getPort()));
		p.setProperty("mail.security", "none");
		p.setProperty("mail.user", "demo");
		p.setProperty("mail.address", "demo@example.test");
		p.setProperty("smtp.host", "127.0.0.1");
		p.setProperty("smtp.port", Integer.toString(mail.getSmtp().getPort()));
		p.setProperty("smtp.security", "none");
		p.setProperty("smtp.user", "demo");
		p.setProperty("pim", "local");
		p.setProperty("tracking.option", "from-crm-customers");
		return p;
	}

	/** Writes the profile as {@code NAME.properties} in {@code dir}; returns the file. */
	public static Path write(Properties profile, Path dir, String comment) throws IOException {
		Path file = dir.resolve(profile.getProperty("name") + ".properties");
		try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
			profile.store(w, comment);
		}
		return file;
	}
}
