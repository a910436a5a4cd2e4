package org.liaison.api.mail;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import org.liaison.api.model.EmailMessage;

/**
 * What a header scan gives for one message: where it is, its flags and keywords, and the message
 * with its headers (no body yet: {@link EmailMessage#bodyRef()} says where to fetch it).
 *
 * @param folder the folder it is in
 * @param uid its UID in that folder (POP3: the local number Liaison gave it)
 * @param modSeq its MODSEQ with CONDSTORE, else 0
 * @param flags system flags ({@code \Seen}, {@code \Answered}, ...) and keywords ({@code $Liaison-Tracked})
 * @param size its size in bytes
 * @param ident its cross-side ident: the {@code X-LIAISON-ID} header, else from the Message-ID
 * @param message the parsed headers
 */
public record MailHeader(String folder, long uid, long modSeq, Set<String> flags, long size, UUID ident,
		EmailMessage message) {
	public MailHeader {
		Objects.requireNonNull(folder, "folder");
		Objects.requireNonNull(message, "message");
		flags = flags == null ? Set.of() : Set.copyOf(flags);
	}

	public boolean has(String flag) {
		return flags.contains(flag);
	}
}
