package org.liaison.api.pim;

import java.util.List;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.SyncException;
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

	/**
	 * The account's collections (address books, calendars, task lists), found by discovery. A
	 * calendar that holds both events and tasks appears once per kind.
	 */
	default List<ItemCollection> collections(PimAccount account, IProgressMonitor monitor) throws SyncException {
		throw new SyncException(id() + " does not list collections of accounts");
	}

	/** Makes a new collection for items of {@code kind} in the account and returns it. */
	default ItemCollection createCollection(PimAccount account, ItemKind kind, String displayName,
			IProgressMonitor monitor) throws SyncException {
		throw new SyncException(id() + " cannot create collections");
	}
}
