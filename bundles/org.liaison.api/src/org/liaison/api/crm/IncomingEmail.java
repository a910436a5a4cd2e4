package org.liaison.api.crm;

import java.time.Instant;
import java.util.List;

/**
 * A received message offered to the CRM for tracking (DeliverIncomingEmail, CheckIncomingEmail).
 *
 * @param messageId the Message-ID, with angle brackets
 * @param subject the subject
 * @param from the sender's address
 * @param to addresses
 * @param cc addresses
 * @param bcc addresses
 * @param receivedOn when it arrived
 * @param body the body (HTML or text)
 */
public record IncomingEmail(String messageId, String subject, String from, List<String> to, List<String> cc,
		List<String> bcc, Instant receivedOn, String body) {

	public IncomingEmail {
		to = to == null ? List.of() : List.copyOf(to);
		cc = cc == null ? List.of() : List.copyOf(cc);
		bcc = bcc == null ? List.of() : List.copyOf(bcc);
	}

	/** CheckIncomingEmail's answer, with the Dynamics ReasonCode values. */
	public record Check(boolean shouldDeliver, int reasonCode) {
		public static final int UNKNOWN = -1;
		public static final int DUPLICATE = 0;
		public static final int NO_CORRELATION_MATCH = 1;
		public static final int CORRELATION_MATCH = 2;
		public static final int NO_RECIPIENT_MATCH = 3;
		public static final int INTERNAL_EMAIL_REJECT = 4;
		public static final int SENDER_MATCH = 5;
		public static final int ACCEPT_ALL = 6;
		public static final int INVALID_SENDER = 7;

		/** The reason in words. */
		public String reason() {
			return switch (reasonCode) {
				case DUPLICATE -> "the message is in the CRM already";
				case NO_CORRELATION_MATCH -> "its tracking token matches no CRM email";
				case CORRELATION_MATCH -> "its tracking token matches a CRM email";
				case NO_RECIPIENT_MATCH -> "none of its recipients is a CRM user";
				case INTERNAL_EMAIL_REJECT -> "it is internal mail between CRM users";
				case SENDER_MATCH -> "its sender is a CRM record";
				case ACCEPT_ALL -> "a recipient's mailbox takes all email";
				case INVALID_SENDER -> "its sender's address is missing or invalid";
				default -> "no rule decided";
			};
		}
	}
}
