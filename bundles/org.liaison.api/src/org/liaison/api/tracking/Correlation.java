package org.liaison.api.tracking;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.liaison.api.model.EmailMessage;

/**
 * How a message belongs to a conversation already in the CRM, in the order the reference product
 * checks: In-Reply-To and References pointing at a tracked message (nearest first), then a tracking
 * token in the subject (when tokens are on), else none.
 *
 * @param email the tracked email it belongs with
 * @param how the reason, in words
 */
public record Correlation(TrackedEmail email, String how) {

	/** Dynamics' default token: a prefix and seven digits, e.g. {@code CRM:0001234}. */
	public static final Pattern DEFAULT_TOKEN = Pattern.compile("CRM:\\d{7}");

	/**
	 * @param tokens the token pattern, or null when tracking tokens are off
	 */
	public static Optional<Correlation> find(EmailMessage message, TrackingContext context, Pattern tokens) {
		for (String id : message.ancestors()) {
			Optional<TrackedEmail> t = context.trackedByMessageId(id);
			if (t.isPresent()) {
				boolean direct = id.equals(message.inReplyTo());
				return Optional.of(new Correlation(t.get(),
						(direct ? "it replies to " : "its References name ") + id + ", tracked as " + t.get().email()));
			}
		}
		if (tokens != null && message.subject() != null) {
			Matcher m = tokens.matcher(message.subject());
			if (m.find()) {
				Optional<TrackedEmail> t = context.trackedByToken(m.group());
				if (t.isPresent()) {
					return Optional.of(new Correlation(t.get(),
							"its subject carries the tracking token " + m.group() + " of " + t.get().email()));
				}
			}
		}
		return Optional.empty();
	}
}
