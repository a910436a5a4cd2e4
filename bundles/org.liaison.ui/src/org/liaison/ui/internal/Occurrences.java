package org.liaison.ui.internal;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import net.fortuna.ical4j.model.Recur;

import org.liaison.api.model.Appointment;

/**
 * The occurrences of appointments in a window of time, as this computer's clock shows them. A series
 * is expanded in its own zone with wall-clock times (so a weekly 09:00 meeting in Berlin stays 09:00
 * Berlin time across daylight-saving changes, and moves in London's view when the two zones change on
 * different days), by ical4j's RRULE expansion; RDATEs are added, EXDATEs removed, and overridden
 * occurrences replaced by their override. All-day events are floating: the same dates everywhere.
 */
public final class Occurrences {

	/** One occurrence: start and end in the viewer's zone, the series' own start, and whether it is overridden. */
	public record Occurrence(Appointment appointment, ZonedDateTime start, ZonedDateTime end, LocalDateTime seriesStart,
			boolean recurring, boolean overridden) {
	}

	private Occurrences() {
	}

	/** The occurrences of {@code items} overlapping {@code [from, to)} in {@code viewer}'s zone, by start. */
	public static List<Occurrence> between(List<Appointment> items, ZonedDateTime from, ZonedDateTime to, ZoneId viewer) {
		List<Occurrence> out = new ArrayList<>();
		for (Appointment a : items) {
			expand(a, from, to, viewer, out);
		}
		out.sort(Comparator.comparing(Occurrence::start));
		return out;
	}

	static void expand(Appointment a, ZonedDateTime from, ZonedDateTime to, ZoneId viewer, List<Occurrence> out) {
		if (a.start() == null) {
			return;
		}
		ZoneId zone = a.allDay() ? viewer : a.timeZone() == null ? ZoneId.of("UTC") : a.timeZone();
		Duration length = a.end() == null ? Duration.ofHours(1) : Duration.between(a.start(), a.end());
		boolean recurring = a.rrule() != null && !a.rrule().isBlank() || !a.rdates().isEmpty();
		// the series' window in its own wall-clock time, widened by the length and a day for zone offsets
		LocalDateTime lo = from.withZoneSameInstant(zone).toLocalDateTime().minus(length).minusDays(1);
		LocalDateTime hi = to.withZoneSameInstant(zone).toLocalDateTime().plusDays(1);
		Set<LocalDateTime> starts = new HashSet<>();
		if (a.rrule() != null && !a.rrule().isBlank()) {
			Recur<LocalDateTime> rule = new Recur<>(a.rrule());
			starts.addAll(rule.getDates(a.start(), lo, hi));
			if (!a.start().isBefore(lo) && a.start().isBefore(hi)) {
				starts.add(a.start());
			}
		} else if (!a.start().isBefore(lo) && a.start().isBefore(hi)) {
			starts.add(a.start());
		}
		for (LocalDateTime r : a.rdates()) {
			if (!r.isBefore(lo) && r.isBefore(hi)) {
				starts.add(r);
			}
		}
		starts.removeAll(a.exdates());
		for (Appointment o : a.overrides()) {
			if (o.recurrenceId() != null) {
				starts.remove(o.recurrenceId());
			}
		}
		for (LocalDateTime s : starts) {
			add(a, s, s.plus(length), zone, viewer, from, to, recurring, false, out);
		}
		for (Appointment o : a.overrides()) {
			if (o.start() == null) {
				continue;
			}
			ZoneId oz = o.allDay() ? viewer : o.timeZone() == null ? zone : o.timeZone();
			LocalDateTime end = o.end() == null ? o.start().plus(length) : o.end();
			add(o, o.start(), end, oz, viewer, from, to, true, true, out);
		}
	}

	private static void add(Appointment a, LocalDateTime start, LocalDateTime end, ZoneId zone, ZoneId viewer,
			ZonedDateTime from, ZonedDateTime to, boolean recurring, boolean overridden, List<Occurrence> out) {
		ZonedDateTime s = start.atZone(zone).withZoneSameInstant(viewer);
		ZonedDateTime e = end.atZone(zone).withZoneSameInstant(viewer);
		if (s.isBefore(to) && e.isAfter(from)) {
			out.add(new Occurrence(a, s, e, start, recurring, overridden));
		}
	}

	/** The rule in a few words: "weekly on MO,WE", "daily, 10 times". */
	public static String describe(String rrule) {
		if (rrule == null || rrule.isBlank()) {
			return "";
		}
		String freq = "";
		String by = "";
		String more = "";
		for (String part : rrule.split(";")) {
			String[] kv = part.split("=", 2);
			if (kv.length < 2) {
				continue;
			}
			switch (kv[0]) {
				case "FREQ" -> freq = kv[1].toLowerCase();
				case "BYDAY" -> by = " on " + kv[1];
				case "INTERVAL" -> more += ", every " + kv[1];
				case "COUNT" -> more += ", " + kv[1] + " times";
				case "UNTIL" -> more += ", until " + kv[1];
				default -> {
				}
			}
		}
		return freq + by + more;
	}
}
