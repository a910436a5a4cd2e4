package org.liaison.api.mail;

import java.util.List;

import org.liaison.api.model.AttachmentRef;

/**
 * A message's body, fetched on demand: the text and HTML alternatives, and its attachments by
 * reference (fetched one by one with {@link Mailbox#attachment}).
 */
public record MessageBody(String text, String html, List<AttachmentRef> attachments) {
	public MessageBody {
		attachments = attachments == null ? List.of() : List.copyOf(attachments);
	}
}
