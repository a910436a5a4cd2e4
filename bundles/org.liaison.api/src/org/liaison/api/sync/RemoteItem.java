package org.liaison.api.sync;

import java.util.Objects;
import java.util.UUID;

import org.liaison.api.model.ItemData;

/**
 * An item as fetched from one side.
 *
 * @param href where it is on its side
 * @param version its version (ETag) as fetched
 * @param ident the cross-side identity the item carries (see {@link org.liaison.api.model.Idents})
 * @param data its content
 * @param modified when the item was last changed on its side, if the side says (for the "newest wins"
 *        policy), else null
 * @param nativeForm the connector's own parsed form (a vCard, a calendar), kept so that an update can
 *        preserve what the field map does not carry; opaque to everyone else, may be null
 */
public record RemoteItem(String href, String version, UUID ident, ItemData data, java.time.Instant modified,
		Object nativeForm) {
	public RemoteItem {
		Objects.requireNonNull(href, "href");
		Objects.requireNonNull(version, "version");
		Objects.requireNonNull(ident, "ident");
		Objects.requireNonNull(data, "data");
	}

	public RemoteItem(String href, String version, UUID ident, ItemData data) {
		this(href, version, ident, data, null, null);
	}

	public ItemVersion itemVersion() {
		return new ItemVersion(href, version);
	}
}
