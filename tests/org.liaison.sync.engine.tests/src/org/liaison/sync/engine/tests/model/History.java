package org.liaison.sync.engine.tests.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.liaison.api.model.Contact;
import org.liaison.api.sync.ConflictPolicy;
import org.liaison.api.sync.FieldDirection;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncPolicy;
import org.liaison.sync.engine.tests.model.Step.Fault;
import org.liaison.sync.engine.tests.model.Step.Kind;

/**
 * A seeded random history: the pair's rules and a list of steps (creates, edits, deletes, filter
 * changes on both sides, syncs with faults and crashes). The same seed always gives the same
 * history.
 */
record History(long seed, ConflictPolicy conflicts, Map<String, FieldDirection> directions, boolean reach,
		double brakeShare, boolean crmTracking, boolean mailboxTracking, Side scopeSide, List<Step> steps) {

	static final List<String> FIELDS = List.of(Contact.FIRST_NAME, Contact.LAST_NAME, Contact.JOB_TITLE, Contact.CITY);

	SyncPolicy policy() {
		return new SyncPolicy(conflicts, FieldDirection.TWO_WAY, directions, brakeShare, 100, reach);
	}

	History withSteps(List<Step> newSteps) {
		return new History(seed, conflicts, directions, reach, brakeShare, crmTracking, mailboxTracking, scopeSide,
				newSteps);
	}

	static History generate(long seed) {
		Random r = new Random(seed);
		ConflictPolicy conflicts = ConflictPolicy.values()[r.nextInt(ConflictPolicy.values().length)];
		Map<String, FieldDirection> directions = new LinkedHashMap<>();
		if (r.nextInt(3) == 0) {
			directions.put(FIELDS.get(2 + r.nextInt(2)),
					List.of(FieldDirection.CRM_TO_MAILBOX, FieldDirection.MAILBOX_TO_CRM, FieldDirection.NONE)
							.get(r.nextInt(3)));
		}
		boolean reach = r.nextBoolean();
		double brake = r.nextInt(3) == 0 ? 0.34 : 1.0;
		boolean crmTracking = r.nextInt(4) != 0;
		boolean mailboxTracking = r.nextInt(4) != 0;
		// filter changes on one side per history, or fresh installs: an item whose id exists out of the
		// other side's scope takes two runs to settle (docs/sync-algorithm.md), so they do not mix
		int kindOfHistory = r.nextInt(3);
		Side scopeSide = kindOfHistory == 0 ? Side.CRM : kindOfHistory == 1 ? Side.MAILBOX : null;
		int n = 6 + r.nextInt(26);
		List<Step> steps = new ArrayList<>();
		long ids = 0;
		int values = 0;
		for (int i = 0; i < n; i++) {
			Side side = r.nextBoolean() ? Side.CRM : Side.MAILBOX;
			int pick = r.nextInt(1000);
			int roll = r.nextInt(100);
			if (roll < 20) {
				steps.add(Step.user(Kind.CREATE, side, ++ids, 0, null, null));
			} else if (roll < 48) {
				String field = FIELDS.get(r.nextInt(FIELDS.size()));
				String value = r.nextInt(20) == 0 ? null : "v" + (++values);
				steps.add(Step.user(Kind.EDIT, side, 0, pick, field, value));
			} else if (roll < 55) {
				steps.add(Step.user(Kind.DELETE, side, 0, pick, null, null));
			} else if (roll < 62) {
				if (scopeSide != null) {
					steps.add(Step.user(r.nextInt(3) == 0 ? Kind.SCOPE_IN : Kind.SCOPE_OUT, scopeSide, 0, pick, null, null));
				} else if (r.nextInt(4) == 0) {
					steps.add(Step.user(Kind.FRESH_INSTALL, null, 0, 0, null, null));
				}
			} else if (roll < 66) {
				steps.add(Step.user(Kind.TOUCH, side, 0, pick, null, null));
			} else if (roll < 67) {
				steps.add(Step.user(Kind.BAD, Side.MAILBOX, 0, 0, null, null));
			} else {
				steps.add(sync(r));
			}
		}
		steps.add(sync(r));
		return new History(seed, conflicts, Map.copyOf(directions), reach, brake, crmTracking, mailboxTracking,
				scopeSide, steps);
	}

	private static Step sync(Random r) {
		int roll = r.nextInt(100);
		Fault f = roll < 45 ? Fault.NONE
				: roll < 57 ? Fault.TRANSIENT : roll < 69 ? Fault.LOST : roll < 77 ? Fault.FLAKY : Fault.CRASH;
		return Step.sync(f, 1 + r.nextInt(14), r.nextInt(7) == 0, r.nextInt(4) == 0, r.nextLong());
	}

	/** The replay form, for {@code -Dliaison.history.replay=...}. */
	String encode() {
		StringBuilder b = new StringBuilder();
		b.append(seed).append('/').append(conflicts).append('/');
		directions.forEach((k, v) -> b.append(k).append('=').append(v).append('+'));
		b.append('/').append(reach).append('/').append(brakeShare).append('/').append(crmTracking).append('/')
				.append(mailboxTracking).append('/').append(scopeSide == null ? "" : scopeSide.name()).append('/');
		for (int i = 0; i < steps.size(); i++) {
			b.append(i == 0 ? "" : ";").append(steps.get(i).encode());
		}
		return b.toString();
	}

	static History decode(String text) {
		String[] p = text.split("/", -1);
		Map<String, FieldDirection> dirs = new LinkedHashMap<>();
		for (String d : p[2].split("\\+")) {
			if (!d.isEmpty()) {
				String[] kv = d.split("=");
				dirs.put(kv[0], FieldDirection.valueOf(kv[1]));
			}
		}
		List<Step> steps = new ArrayList<>();
		for (String s : p[8].split(";")) {
			if (!s.isEmpty()) {
				steps.add(Step.decode(s));
			}
		}
		return new History(Long.parseLong(p[0]), ConflictPolicy.valueOf(p[1]), dirs, Boolean.parseBoolean(p[3]),
				Double.parseDouble(p[4]), Boolean.parseBoolean(p[5]), Boolean.parseBoolean(p[6]), p[7].isEmpty() ? null : Side.valueOf(p[7]),
				steps);
	}

	String describe() {
		StringBuilder b = new StringBuilder();
		b.append("  policy ").append(conflicts).append(", directions ").append(directions).append(", mailbox deletes ")
				.append(reach ? "reach the CRM" : "only unlink").append(", brake ").append(brakeShare)
				.append(", change tracking crm=").append(crmTracking).append(" mailbox=").append(mailboxTracking)
				.append(scopeSide == null ? ", fresh installs" : ", filter changes on " + scopeSide).append('\n');
		for (int i = 0; i < steps.size(); i++) {
			b.append(String.format("  %2d. %s%n", i + 1, steps.get(i)));
		}
		return b.toString();
	}
}
