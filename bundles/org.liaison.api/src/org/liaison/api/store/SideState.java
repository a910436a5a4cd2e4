package org.liaison.api.store;

import java.util.Objects;

/**
 * One side of a status row: where the item is on that side, the version (ETag, MODSEQ, row
 * version) and content hash it had when last synced.
 */
public record SideState(String href, String version, String hash) {
	public SideState {
		Objects.requireNonNull(href, "href");
		Objects.requireNonNull(version, "version");
		Objects.requireNonNull(hash, "hash");
	}

	public SideState withVersion(String newVersion) {
		return new SideState(href, newVersion, hash);
	}
}
