package org.liaison.api.mail;

/** The protocol an account reads mail with. */
public enum MailProtocol {
	IMAP, POP3
}
