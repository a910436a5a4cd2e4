package org.liaison.offline.tests.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.liaison.api.sync.ConflictPolicy;

/**
 * A seeded random history of offline work and concurrent CRM changes with replays in between: the
 * same seed always gives the same history.
 *
 * @param seed the seed
 * @param policy how true conflicts are settled
 * @param batch offline changes per $batch
 * @param initial records in the CRM before going offline
 * @param steps what happens
 */
record History(long seed, ConflictPolicy policy, int batch, int initial, List<Step> steps) {

	static final List<String> FIELDS = List.of("firstname", "jobtitle", "telephone1", "description");

	History withSteps(List<Step> s) {
		return new History(seed, policy, batch, initial, List.copyOf(s));
	}

	static History generate(long seed) {
		Random r = new Random(seed);
		ConflictPolicy policy = r.nextBoolean() ? ConflictPolicy.CRM_WINS : ConflictPolicy.MAILBOX_WINS;
		int batch = List.of(1, 2, 5, 100).get(r.nextInt(4));
		int initial = 2 + r.nextInt(4);
		List<Step> steps = new ArrayList<>();
		int n = 4 + r.nextInt(18);
		int values = 0;
		int made = 0;
		for (int i = 0; i < n; i++) {
			int roll = r.nextInt(100);
			int pick = r.nextInt(1000);
			String field = FIELDS.get(r.nextInt(FIELDS.size()));
			if (roll < 32) {
				// now and then the value the other side has, or no value
				String v = r.nextInt(12) == 0 ? null : r.nextInt(10) == 0 ? "=" : "o" + (++values);
				steps.add(Step.of(Step.Kind.OFFLINE_EDIT, pick, field, v));
			} else if (roll < 40) {
				steps.add(Step.of(Step.Kind.OFFLINE_CREATE, 0, null, "N" + (++made)));
			} else if (roll < 46) {
				steps.add(Step.of(Step.Kind.OFFLINE_DELETE, pick, null, null));
			} else if (roll < 70) {
				steps.add(Step.of(Step.Kind.SERVER_EDIT, pick, field, r.nextInt(10) == 0 ? "=" : "s" + (++values)));
			} else if (roll < 74) {
				steps.add(Step.of(Step.Kind.SERVER_CREATE, 0, null, "S" + (++made)));
			} else if (roll < 79) {
				steps.add(Step.of(Step.Kind.SERVER_DELETE, pick, null, null));
			} else {
				steps.add(online(r));
			}
		}
		steps.add(online(r));
		return new History(seed, policy, batch, initial, List.copyOf(steps));
	}

	private static Step online(Random r) {
		int crash = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(12);
		int throttle = r.nextInt(6) == 0 ? 1 + r.nextInt(2) : 0;
		return Step.online(crash, throttle);
	}

	String encode() {
		StringBuilder b = new StringBuilder();
		b.append(seed).append('/').append(policy).append('/').append(batch).append('/').append(initial).append('/');
		for (int i = 0; i < steps.size(); i++) {
			b.append(i == 0 ? "" : ";").append(steps.get(i).encode());
		}
		return b.toString();
	}

	static History decode(String s) {
		String[] p = s.split("/", -1);
		List<Step> steps = new ArrayList<>();
		for (String x : p[4].split(";")) {
			if (!x.isEmpty()) {
				steps.add(Step.decode(x));
			}
		}
		return new History(Long.parseLong(p[0]), ConflictPolicy.valueOf(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]),
				steps);
	}

	String describe() {
		StringBuilder b = new StringBuilder("  conflicts " + policy + ", batches of " + batch + ", " + initial
				+ " records in the CRM before going offline\n");
		for (int i = 0; i < steps.size(); i++) {
			b.append(String.format("  %2d. %s%n", i + 1, steps.get(i)));
		}
		return b.toString();
	}
}
