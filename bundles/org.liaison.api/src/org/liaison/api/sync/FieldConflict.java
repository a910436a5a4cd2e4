package org.liaison.api.sync;

import java.time.Instant;
import java.util.UUID;

import org.liaison.api.model.ItemKind;

/**
 * One field changed differently on both sides since the last synced copy.
 *
 * @param ident the item
 * @param kind its kind
 * @param field the field name
 * @param base the value in the last synced copy (null: absent)
 * @param crmValue the CRM's value now
 * @param mailboxValue the mailbox's value now
 * @param crmModified when the CRM side changed, if known
 * @param mailboxModified when the mailbox side changed, if known
 */
public record FieldConflict(UUID ident, ItemKind kind, String field, String base, String crmValue,
		String mailboxValue, Instant crmModified, Instant mailboxModified) {
}
