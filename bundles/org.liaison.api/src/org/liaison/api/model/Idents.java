package org.liaison.api.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Cross-side identity of items. An item's ident is a UUID that every side can compute from the item
 * itself, so that a fresh install with an empty store pairs items instead of duplicating them:
 * a CRM record's id; for a mailbox item, the Liaison id it carries (an X- property or header), else
 * its UID if that is a UUID, else a name-based UUID (version 5) of its UID or Message-ID.
 */
public final class Idents {

	/** Namespace of Liaison's name-based idents. */
	public static final UUID NAMESPACE = UUID.fromString("6f1c3a52-1d0e-5c2b-9a7e-4b1c0d2e3f40");

	/** The vCard / iCalendar property and mail header that carries the ident inside an item. */
	public static final String PROPERTY = "X-LIAISON-ID";

	private Idents() {
	}

	/** The ident for a natural key: the key itself when it is a UUID, else a version-5 UUID of it. */
	public static UUID fromNaturalKey(String key) {
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("an item needs a UID or Message-ID to be identified");
		}
		String k = key.trim();
		if (k.length() == 36) {
			try {
				return UUID.fromString(k);
			} catch (IllegalArgumentException notUuid) {
				// fall through to a name-based id
			}
		}
		return nameBased(k);
	}

	/** RFC 4122 version 5 (SHA-1) UUID of a name in Liaison's namespace. */
	public static UUID nameBased(String name) {
		try {
			MessageDigest md = MessageDigest.getInstance("SHA-1");
			long msb = NAMESPACE.getMostSignificantBits();
			long lsb = NAMESPACE.getLeastSignificantBits();
			byte[] ns = new byte[16];
			for (int i = 0; i < 8; i++) {
				ns[i] = (byte) (msb >>> (8 * (7 - i)));
				ns[8 + i] = (byte) (lsb >>> (8 * (7 - i)));
			}
			md.update(ns);
			md.update(name.getBytes(StandardCharsets.UTF_8));
			byte[] h = md.digest();
			h[6] = (byte) ((h[6] & 0x0f) | 0x50);
			h[8] = (byte) ((h[8] & 0x3f) | 0x80);
			long m = 0;
			long l = 0;
			for (int i = 0; i < 8; i++) {
				m = (m << 8) | (h[i] & 0xff);
				l = (l << 8) | (h[8 + i] & 0xff);
			}
			return new UUID(m, l);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
