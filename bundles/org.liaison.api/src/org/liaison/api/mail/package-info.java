/**
 * The mailbox side for mail: accounts (IMAP or POP3 with SMTP), folders, headers first and bodies on
 * demand, flags and keywords, append, move, IDLE push and sending. {@link MailConnector} opens a
 * {@link Mailbox}; the messaging sync and the UI work through it, and the sync engine sees a mail
 * folder as an {@link org.liaison.api.sync.ItemCollection}.
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package org.liaison.api.mail;
