package org.liaison.api.mail;

/** A running push watch on a folder (IMAP IDLE); closing it stops the watch and its connection. */
public interface MailWatch extends AutoCloseable {

	/** Whether the server pushes (IDLE), or the watch falls back to polling. */
	boolean push();

	@Override
	void close();
}
