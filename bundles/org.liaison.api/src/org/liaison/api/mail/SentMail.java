package org.liaison.api.mail;

/**
 * What sending left behind.
 *
 * @param messageId the Message-ID the message went out with
 * @param sentFolder where its copy was filed, or null
 * @param sentUid the copy's UID in that folder when the server says (UIDPLUS), else -1
 */
public record SentMail(String messageId, String sentFolder, long sentUid) {
}
