package org.liaison.api.model;

import java.util.Map;

/**
 * An attachment of a message, by reference: the content stays on the mail server until asked for.
 *
 * @param fileName the attachment's file name
 * @param contentType its MIME type
 * @param size size in bytes, or -1 when unknown
 * @param partId where it sits in the message (an IMAP section such as {@code 2.1})
 */
public record AttachmentRef(String fileName, String contentType, long size, String partId) {

	public String encode() {
		Map<String, String> m = new java.util.HashMap<>();
		m.put("name", fileName);
		m.put("type", contentType);
		m.put("size", Long.toString(size));
		m.put("part", partId);
		return FieldCodec.escape(FieldCodec.encodeMap(m));
	}

	public static AttachmentRef decode(String line) {
		Map<String, String> m = FieldCodec.decodeMap(FieldCodec.unescape(line));
		return new AttachmentRef(m.get("name"), m.get("type"), Long.parseLong(m.getOrDefault("size", "-1")),
				m.get("part"));
	}
}
