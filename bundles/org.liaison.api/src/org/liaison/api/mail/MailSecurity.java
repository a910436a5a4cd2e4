package org.liaison.api.mail;

/** How a mail connection is protected. TLS is always 1.2 or newer. */
public enum MailSecurity {
	/** TLS from the first byte (IMAPS 993, POP3S 995, SMTPS 465). */
	TLS,
	/** A plain connection upgraded with STARTTLS (or STLS) before anything else; refused if the server cannot. */
	STARTTLS,
	/** No TLS: accepted only for a server on this machine (a loopback address), never across a network. */
	NONE
}
