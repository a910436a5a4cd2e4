package org.liaison.connector.dav.internal;

import java.time.Instant;
import java.util.UUID;

import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;

/**
 * One item format on a DAV server (iCalendar for events or tasks, vCard for contacts): parses a
 * server's resource into Liaison's model, keeping the parsed form, and writes the model back, onto
 * the parsed form when there is one so that whatever the model does not carry survives.
 */
interface ItemFormat {

	/** A resource as parsed. */
	record Parsed(UUID ident, ItemData data, Object nativeForm, Instant modified) {
	}

	/** The resource cannot be read as an item of this format; the message says why. */
	final class BadItemException extends Exception {
		private static final long serialVersionUID = 1L;

		BadItemException(String message, Throwable cause) {
			super(message, cause);
		}

		BadItemException(String message) {
			super(message);
		}
	}

	/** The resource holds an item of another kind (a task in a calendar listed for events): not an error. */
	final class OtherKindException extends Exception {
		private static final long serialVersionUID = 1L;

		OtherKindException(String message) {
			super(message);
		}
	}

	ItemKind kind();

	/** The media type for PUT. */
	String contentType();

	/** The file name extension of new resources ({@code .ics}, {@code .vcf}). */
	String extension();

	/**
	 * @param href where the resource is, for messages and as the natural key of an item that has no
	 *        UID
	 */
	Parsed parse(String text, String href) throws BadItemException, OtherKindException;

	/** Whether {@code nativeForm} is this format's parsed form (else an update fetches the item first). */
	boolean owns(Object nativeForm);

	/** A new resource carrying {@code ident}. */
	String create(UUID ident, ItemData data);

	/**
	 * The resource {@code nativeForm} (as parsed, with {@code before} its model) changed to
	 * {@code after}: only what changed between the two is rewritten; the parsed form is not modified.
	 */
	String update(Object nativeForm, ItemData before, ItemData after);
}
