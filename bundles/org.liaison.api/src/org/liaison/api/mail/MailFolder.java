package org.liaison.api.mail;

import java.util.Set;

/**
 * A folder of a mailbox.
 *
 * @param name its full name as the server spells it (e.g. {@code INBOX}, {@code Archive/2026})
 * @param attributes the server's attributes for it ({@code \Sent}, {@code \Trash}, {@code \Noselect}, ...)
 * @param selectable whether it can hold messages
 */
public record MailFolder(String name, Set<String> attributes, boolean selectable) {
	public MailFolder {
		attributes = attributes == null ? Set.of() : Set.copyOf(attributes);
	}

	/** Whether the server marks it as the folder for one special use, e.g. {@code \Sent}. */
	public boolean is(String specialUse) {
		return attributes.stream().anyMatch(a -> a.equalsIgnoreCase(specialUse));
	}
}
