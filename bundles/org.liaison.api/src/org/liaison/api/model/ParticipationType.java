package org.liaison.api.model;

/**
 * The role a party plays in an activity, with the Dynamics {@code participationtypemask} values.
 */
public enum ParticipationType {
	SENDER(1), TO(2), CC(3), BCC(4), REQUIRED(5), OPTIONAL(6), ORGANIZER(7), REGARDING(8), OWNER(9), CUSTOMER(11);

	private final int mask;

	ParticipationType(int mask) {
		this.mask = mask;
	}

	/** The Dynamics participationtypemask value. */
	public int mask() {
		return mask;
	}

	public static ParticipationType ofMask(int mask) {
		for (ParticipationType t : values()) {
			if (t.mask == mask) {
				return t;
			}
		}
		throw new IllegalArgumentException("unknown participationtypemask " + mask);
	}
}
