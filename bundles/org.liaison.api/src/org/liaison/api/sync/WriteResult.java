package org.liaison.api.sync;

import java.util.Objects;

import org.liaison.api.model.ItemData;

/**
 * What a write left on the server.
 *
 * @param href where the item is now
 * @param version its new version
 * @param stored the content as the server stores it when it is known to differ from what was sent
 *        (a server that rewrote the item: the connector fetched it again), else null: as sent
 */
public record WriteResult(String href, String version, ItemData stored) {
	public WriteResult {
		Objects.requireNonNull(href, "href");
		Objects.requireNonNull(version, "version");
	}

	public WriteResult(String href, String version) {
		this(href, version, null);
	}
}
