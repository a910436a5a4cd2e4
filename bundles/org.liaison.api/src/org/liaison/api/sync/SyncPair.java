package org.liaison.api.sync;

import java.util.Objects;

/**
 * Two collections kept in step, the CRM side and the mailbox side, with their rules.
 *
 * @param id stable id of the pair within a profile (the key of its status rows)
 * @param crm the CRM side
 * @param mailbox the mailbox side
 * @param policy the rules
 */
public record SyncPair(String id, ItemCollection crm, ItemCollection mailbox, SyncPolicy policy) {
	public SyncPair {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(crm, "crm");
		Objects.requireNonNull(mailbox, "mailbox");
		policy = policy == null ? SyncPolicy.defaults() : policy;
	}

	public ItemCollection side(Side side) {
		return side == Side.CRM ? crm : mailbox;
	}
}
