package org.liaison.offline.tests.model;

/**
 * One step of a history: the user working offline, someone changing the CRM meanwhile, or going
 * online (with a crash at the {@code crashAt}-th step of the replay, resumed by a fresh service, and
 * {@code throttle} 429 answers). Records are picked by position among those the side has at the time,
 * so a step still means something after shrinking removed the steps before it.
 */
record Step(Kind kind, int pick, String field, String value, int crashAt, int throttle) {

	enum Kind {
		OFFLINE_EDIT, OFFLINE_CREATE, OFFLINE_DELETE, SERVER_EDIT, SERVER_CREATE, SERVER_DELETE, ONLINE
	}

	static Step of(Kind kind, int pick, String field, String value) {
		return new Step(kind, pick, field, value, 0, 0);
	}

	static Step online(int crashAt, int throttle) {
		return new Step(Kind.ONLINE, 0, null, null, crashAt, throttle);
	}

	@Override
	public String toString() {
		return switch (kind) {
			case OFFLINE_EDIT -> "offline: record " + pick + " " + field + "=" + value;
			case OFFLINE_CREATE -> "offline: new record " + value;
			case OFFLINE_DELETE -> "offline: delete record " + pick;
			case SERVER_EDIT -> "in the CRM: record " + pick + " " + field + "=" + value;
			case SERVER_CREATE -> "in the CRM: new record " + value;
			case SERVER_DELETE -> "in the CRM: delete record " + pick;
			case ONLINE -> "go online" + (crashAt > 0 ? ", crash at replay step " + crashAt + ", resumed" : "")
					+ (throttle > 0 ? ", " + throttle + " answers of 429" : "");
		};
	}

	String encode() {
		return String.join(",", kind.name(), Integer.toString(pick), field == null ? "" : field, value == null ? "~" : value,
				Integer.toString(crashAt), Integer.toString(throttle));
	}

	static Step decode(String s) {
		String[] p = s.split(",", -1);
		return new Step(Kind.valueOf(p[0]), Integer.parseInt(p[1]), p[2].isEmpty() ? null : p[2], p[3].equals("~") ? null : p[3],
				Integer.parseInt(p[4]), Integer.parseInt(p[5]));
	}
}
