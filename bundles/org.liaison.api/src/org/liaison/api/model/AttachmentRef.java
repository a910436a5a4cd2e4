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
		return FieldCodec.escape(FieldCodec.encodeMap(Map.of("name", String.valueOf(fileName), "type",
				String.valueOf(contentType), "size", Long.toString(size), "part", String.valueOf(partId))));
	}

	public static AttachmentRef decode(String line) {
		Map<String, String> m = FieldCodec.decodeMap(FieldCodec.unescape(line));
		return new AttachmentRef(m.get("name"), m.get("type"), Long.parseLong(m.getOrDefault("size", "-1")),
				m.get("part"));
	}
}
