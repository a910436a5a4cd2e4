package org.liaison.api.sync;

import java.util.Objects;

import org.liaison.api.model.ItemKind;

/**
 * What a collection is: a stable id (unique per account, survives restarts), the kind of items it
 * holds, the side it is on and a name to show.
 */
public record CollectionInfo(String id, ItemKind kind, Side side, String displayName) {
	public CollectionInfo {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(side, "side");
	}
}
