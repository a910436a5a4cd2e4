package org.liaison.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.liaison.api.model.Appointment;
import org.liaison.ui.internal.Occurrences;
import org.liaison.ui.internal.Occurrences.Occurrence;

/** Recurring appointments and time zones as the calendar shows them. */
class OccurrencesTest {

	static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
	static final ZoneId LONDON = ZoneId.of("Europe/London");

	static Appointment weekly(LocalDateTime start, ZoneId zone, String rule) {
		Appointment a = Appointment.single("uid-1", "Stand-up", start, start.plusMinutes(30), zone);
		return new Appointment(a.uid(), a.subject(), a.location(), a.description(), a.start(), a.end(), a.timeZone(),
				false, rule, List.of(), List.of(), List.of(), null, null, List.of(), null, true, null);
	}

	@Test
	void weeklyNineOClockInNewYork_seenFromLondon_followsBothDaylightSavingChanges() {
		// US clocks change on 8 March 2026, UK clocks on 29 March: for three weeks the gap is 4 hours
		Appointment a = weekly(LocalDateTime.of(2026, 3, 2, 9, 0), NEW_YORK, "FREQ=WEEKLY;BYDAY=MO;COUNT=6");
		List<Occurrence> o = Occurrences.between(List.of(a), ZonedDateTime.of(2026, 3, 1, 0, 0, 0, 0, LONDON),
				ZonedDateTime.of(2026, 5, 1, 0, 0, 0, 0, LONDON), LONDON);
		assertEquals(6, o.size());
		assertEquals(14, o.get(0).start().getHour(), "2 March: New York UTC-5, London UTC+0");
		assertEquals(13, o.get(1).start().getHour(), "9 March: New York on summer time, London not yet");
		assertEquals(13, o.get(3).start().getHour(), "23 March");
		assertEquals(14, o.get(4).start().getHour(), "30 March: both on summer time");
		for (Occurrence x : o) {
			assertEquals(9, x.start().withZoneSameInstant(NEW_YORK).getHour(), "always 09:00 in New York");
			assertTrue(x.recurring());
		}
	}

	@Test
	void exdateRemovesAnOccurrence_andAnOverrideMovesOne() {
		Appointment base = weekly(LocalDateTime.of(2026, 6, 1, 9, 0), LONDON, "FREQ=DAILY;COUNT=5");
		Appointment moved = Appointment.single("uid-1", "Stand-up (moved)", LocalDateTime.of(2026, 6, 3, 11, 0),
				LocalDateTime.of(2026, 6, 3, 11, 30), LONDON);
		moved = new Appointment(moved.uid(), moved.subject(), null, null, moved.start(), moved.end(), LONDON, false, null,
				List.of(), List.of(), List.of(), LocalDateTime.of(2026, 6, 3, 9, 0), null, List.of(), null, true, null);
		Appointment a = new Appointment(base.uid(), base.subject(), null, null, base.start(), base.end(), LONDON, false,
				base.rrule(), List.of(), List.of(LocalDateTime.of(2026, 6, 2, 9, 0)), List.of(moved), null, null, List.of(),
				null, true, null);
		List<Occurrence> o = Occurrences.between(List.of(a), ZonedDateTime.of(2026, 6, 1, 0, 0, 0, 0, LONDON),
				ZonedDateTime.of(2026, 6, 8, 0, 0, 0, 0, LONDON), LONDON);
		assertEquals(List.of(1, 3, 4, 5), o.stream().map(x -> x.start().getDayOfMonth()).toList(),
				"the 2nd is excluded");
		Occurrence third = o.get(1);
		assertEquals(11, third.start().getHour(), "the 3rd is moved to 11:00");
		assertTrue(third.overridden());
		assertEquals("Stand-up (moved)", third.appointment().subject());
	}

	@Test
	void allDayEventIsTheSameDateEverywhere() {
		Appointment d = Appointment.single("uid-2", "Holiday", LocalDateTime.of(2026, 7, 14, 0, 0),
				LocalDateTime.of(2026, 7, 15, 0, 0), NEW_YORK);
		d = new Appointment(d.uid(), d.subject(), null, null, d.start(), d.end(), NEW_YORK, true, null, List.of(),
				List.of(), List.of(), null, null, List.of(), null, false, null);
		ZoneId tokyo = ZoneId.of("Asia/Tokyo");
		List<Occurrence> o = Occurrences.between(List.of(d), ZonedDateTime.of(2026, 7, 14, 0, 0, 0, 0, tokyo),
				ZonedDateTime.of(2026, 7, 15, 0, 0, 0, 0, tokyo), tokyo);
		assertEquals(1, o.size());
		assertEquals(14, o.get(0).start().getDayOfMonth());
		assertEquals(0, o.get(0).start().getHour());
	}
}
