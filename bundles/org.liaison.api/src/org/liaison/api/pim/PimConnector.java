package org.liaison.api.pim;

import org.liaison.api.model.ItemKind;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A place where the mailbox side keeps contacts, appointments and tasks: CalDAV/CardDAV or
 * Liaison's local store. Connectors register as services; the wizard offers each.
 */
@ConsumerType
public interface PimConnector {

	/** A stable id (e.g. {@code dav}, {@code local}). */
	String id();

	/** A name to show. */
	String label();

	/** Whether it can hold items of this kind. */
	boolean supports(ItemKind kind);
}
