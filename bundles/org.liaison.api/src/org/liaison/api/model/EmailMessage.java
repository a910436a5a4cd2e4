package org.liaison.api.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An email as Liaison sees it: the headers that matter for tracking and correlation, the parties,
 * the body (possibly not yet fetched: {@code bodyRef} says where it is) and attachments by reference.
 *
 * @param messageId the Message-ID header, with angle brackets
 * @param inReplyTo the In-Reply-To header, or null
 * @param references the References header's ids, oldest first
 * @param subject the decoded subject
 * @param parties sender, to, cc and bcc as activity parties
 * @param sentOn the Date header
 * @param bodyText the plain-text body, or null when not fetched
 * @param bodyHtml the HTML body, or null
 * @param bodyRef where the body sits on the mailbox side (connector specific), or null
 * @param attachments attachments by reference
 * @param headers other headers kept with the message (name to value), e.g. X- headers
 * @param outgoing true for mail the user sent
 * @param trackingState whether it is tracked
 * @param regarding the CRM record it is set regarding, or null
 * @param crmEmail the CRM email record made from it, or null
 */
public record EmailMessage(String messageId, String inReplyTo, List<String> references, String subject,
		List<ActivityParty> parties, Instant sentOn, String bodyText, String bodyHtml, String bodyRef,
		List<AttachmentRef> attachments, Map<String, String> headers, boolean outgoing,
		TrackingState trackingState, RecordRef regarding, RecordRef crmEmail) {

	public static final String MESSAGE_ID = "messageid";
	public static final String IN_REPLY_TO = "inreplyto";
	public static final String REFERENCES = "references";
	public static final String SUBJECT = "subject";
	public static final String PARTIES = "parties";
	public static final String SENT_ON = "senton";
	public static final String BODY_TEXT = "description";
	public static final String BODY_HTML = "descriptionhtml";
	public static final String BODY_REF = "bodyref";
	public static final String ATTACHMENTS = "attachments";
	public static final String HEADERS = "headers";
	public static final String OUTGOING = "directioncode";
	public static final String REGARDING = "regardingobjectid";

	public EmailMessage {
		references = references == null ? List.of() : List.copyOf(references);
		parties = parties == null ? List.of() : List.copyOf(parties);
		attachments = attachments == null ? List.of() : List.copyOf(attachments);
		headers = headers == null ? Map.of() : Map.copyOf(headers);
		trackingState = trackingState == null ? TrackingState.UNTRACKED : trackingState;
	}

	/** The tracking state, regarding record and CRM record together. */
	public Tracking tracking() {
		return new Tracking(trackingState, regarding, crmEmail, null);
	}

	/** The sender party, or null. */
	public ActivityParty sender() {
		return parties.stream().filter(p -> p.type() == ParticipationType.SENDER).findFirst().orElse(null);
	}

	/** Parties of one type. */
	public List<ActivityParty> parties(ParticipationType type) {
		return parties.stream().filter(p -> p.type() == type).toList();
	}

	/** The ids this message replies to, nearest first: In-Reply-To, then References newest first. */
	public List<String> ancestors() {
		List<String> out = new ArrayList<>();
		if (inReplyTo != null) {
			out.add(inReplyTo);
		}
		for (int i = references.size() - 1; i >= 0; i--) {
			if (!out.contains(references.get(i))) {
				out.add(references.get(i));
			}
		}
		return out;
	}

	public EmailMessage withTracking(TrackingState state, RecordRef regardingRecord, RecordRef crmRecord) {
		return new EmailMessage(messageId, inReplyTo, references, subject, parties, sentOn, bodyText, bodyHtml, bodyRef,
				attachments, headers, outgoing, state, regardingRecord, crmRecord);
	}

	/** The content fields (tracking state and the CRM id are status, not content). */
	public ItemData toData() {
		Map<String, String> f = Fields.map();
		f.put(MESSAGE_ID, messageId);
		f.put(IN_REPLY_TO, inReplyTo);
		f.put(REFERENCES, FieldCodec.encodeList(references));
		f.put(SUBJECT, subject);
		f.put(PARTIES, FieldCodec.encodeParties(parties));
		f.put(SENT_ON, Fields.str(sentOn));
		f.put(BODY_TEXT, bodyText);
		f.put(BODY_HTML, bodyHtml);
		f.put(BODY_REF, bodyRef);
		f.put(ATTACHMENTS, FieldCodec.joinLines(attachments.stream().map(AttachmentRef::encode).toList()));
		f.put(HEADERS, headers.isEmpty() ? null : FieldCodec.encodeMap(headers));
		f.put(OUTGOING, outgoing ? "outgoing" : null);
		f.put(REGARDING, Fields.str(regarding));
		return new ItemData(ItemKind.EMAIL, f);
	}

	public static EmailMessage fromData(ItemData d) {
		Fields.require(d, ItemKind.EMAIL);
		return new EmailMessage(d.get(MESSAGE_ID), d.get(IN_REPLY_TO), FieldCodec.decodeList(d.get(REFERENCES)),
				d.get(SUBJECT), FieldCodec.decodeParties(d.get(PARTIES)), Fields.instant(d.get(SENT_ON)),
				d.get(BODY_TEXT), d.get(BODY_HTML), d.get(BODY_REF),
				FieldCodec.splitLines(d.get(ATTACHMENTS)).stream().map(AttachmentRef::decode).toList(),
				FieldCodec.decodeMap(d.get(HEADERS)), "outgoing".equals(d.get(OUTGOING)), TrackingState.UNTRACKED,
				Fields.ref(d.get(REGARDING)), null);
	}
}
