package org.liaison.api.store;

import java.util.Objects;

import org.liaison.api.model.ItemKind;

/**
 * A collection of the local PIM store: an address book, a calendar or a task list of an account
 * without CalDAV/CardDAV.
 *
 * @param id stable id, unique in the profile
 * @param kind what it holds
 * @param displayName a name to show
 * @param revision the collection's change counter: every write raises it; items carry the revision
 *        of their last write
 */
public record LocalCollection(String id, ItemKind kind, String displayName, long revision) {
	public LocalCollection {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(kind, "kind");
	}
}
