package org.liaison.api.sync;

/** Why an item is no longer in a collection's listing. */
public enum Removal {
	/** It was deleted at the source. */
	DELETED,
	/** It still exists but left the collection's scope (a sync filter, a date window): not a deletion. */
	LEFT_SCOPE
}
