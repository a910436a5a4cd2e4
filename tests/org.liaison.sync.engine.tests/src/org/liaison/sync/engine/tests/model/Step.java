package org.liaison.sync.engine.tests.model;

import org.liaison.api.sync.Side;

/**
 * One step of a history: something a user does on one side, or a sync (with a fault mode). Items
 * are picked by position among the side's items at the time, so a step still means something when
 * shrinking removed the steps before it.
 */
record Step(Kind kind, Side side, long id, int pick, String field, String value, Fault fault, int crashAt,
		boolean force, boolean preview, long faultSeed) {

	enum Kind {
		CREATE, EDIT, DELETE, SCOPE_OUT, SCOPE_IN, TOUCH, BAD, FRESH_INSTALL, SYNC
	}

	/** What goes wrong during a sync's first attempt. */
	enum Fault {
		NONE, TRANSIENT, LOST, FLAKY, CRASH
	}

	static Step user(Kind kind, Side side, long id, int pick, String field, String value) {
		return new Step(kind, side, id, pick, field, value, Fault.NONE, 0, false, false, 0);
	}

	static Step sync(Fault fault, int crashAt, boolean force, boolean preview, long faultSeed) {
		return new Step(Kind.SYNC, null, 0, 0, null, null, fault, crashAt, force, preview, faultSeed);
	}

	private static String side(Side s) {
		return s == Side.CRM ? "crm" : "mailbox";
	}

	@Override
	public String toString() {
		return switch (kind) {
			case CREATE -> "create in " + side(side) + " #" + id;
			case EDIT -> "edit in " + side(side) + " item " + pick + ": " + field + "=" + value;
			case DELETE -> "delete in " + side(side) + " item " + pick;
			case SCOPE_OUT -> side(side) + " item " + pick + " leaves the scope";
			case SCOPE_IN -> side(side) + " item " + pick + " comes back in scope";
			case TOUCH -> "new version without change in " + side(side) + " item " + pick;
			case BAD -> "malformed item in " + side(side);
			case FRESH_INSTALL -> "fresh install (the store forgets the pair)";
			case SYNC -> "sync" + (fault == Fault.NONE ? "" : " with " + fault + (fault == Fault.CRASH ? "@" + crashAt : ""))
					+ (force ? " forcing deletes" : "") + (preview ? " after a preview" : "");
		};
	}

	/** The replay form: comma-separated fields. */
	String encode() {
		return String.join(",", kind.name(), side == null ? "" : side.name(), Long.toString(id), Integer.toString(pick),
				field == null ? "" : field, value == null ? "" : value, fault.name(), Integer.toString(crashAt),
				Boolean.toString(force), Boolean.toString(preview), Long.toString(faultSeed));
	}

	static Step decode(String text) {
		String[] p = text.split(",", -1);
		return new Step(Kind.valueOf(p[0]), p[1].isEmpty() ? null : Side.valueOf(p[1]), Long.parseLong(p[2]),
				Integer.parseInt(p[3]), p[4].isEmpty() ? null : p[4], p[5].isEmpty() ? null : p[5], Fault.valueOf(p[6]),
				Integer.parseInt(p[7]), Boolean.parseBoolean(p[8]), Boolean.parseBoolean(p[9]), Long.parseLong(p[10]));
	}
}
