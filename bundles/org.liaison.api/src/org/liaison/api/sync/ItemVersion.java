package org.liaison.api.sync;

import java.util.Objects;

/**
 * One entry of a listing: where the item is ({@code href}: a DAV href, an IMAP folder/UID, a CRM
 * record id) and its version (ETag, MODSEQ, row version).
 */
public record ItemVersion(String href, String version) {
	public ItemVersion {
		Objects.requireNonNull(href, "href");
		Objects.requireNonNull(version, "version");
	}
}
