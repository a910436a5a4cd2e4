package org.liaison.connector.dav.internal;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneOffsetTransitionRule;
import java.time.zone.ZoneRules;
import java.util.Locale;

/**
 * A VTIMEZONE for an IANA zone made from the JDK's zone rules, covering only what an item needs:
 * the offset in force at its first date, the changes since, and the yearly rules now in force. A
 * registry's VTIMEZONE carries the whole history since the 19th century (2 to 4 KB per item, parsed
 * again by every server and client that reads it); this one is a few hundred bytes and gives the
 * same offsets from the item's first date on.
 */
public final class VTimeZones {

	/** Years of explicit onsets for a rule no RRULE can say. */
	static final int EXPLICIT_YEARS = 40;

	private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss", Locale.ROOT);

	private VTimeZones() {
	}

	/** The VTIMEZONE text (CRLF lines) for {@code zone}, valid from {@code from} on. */
	public static String of(ZoneId zone, LocalDate from) {
		ZoneRules rules = zone.getRules();
		LocalDateTime start = from.minusYears(1).withDayOfYear(1).atStartOfDay();
		StringBuilder b = new StringBuilder(512);
		b.append("BEGIN:VTIMEZONE\r\nTZID:").append(zone.getId()).append("\r\n");
		ZoneOffset atStart = rules.getOffset(start);
		// the observance in force at the start
		ZoneOffsetTransition before = rules.previousTransition(start.toInstant(atStart));
		ZoneOffset fromOffset = before == null ? atStart : before.getOffsetBefore();
		observance(b, rules.isDaylightSavings(start.toInstant(atStart)), start, fromOffset, atStart, null);
		// explicit changes between the start and the last explicit transition
		ZoneOffsetTransition t = rules.nextTransition(start.toInstant(atStart));
		int lastExplicitYear = rules.getTransitions().isEmpty() ? Integer.MIN_VALUE
				: rules.getTransitions().get(rules.getTransitions().size() - 1).getDateTimeBefore().getYear();
		while (t != null && t.getDateTimeBefore().getYear() <= lastExplicitYear) {
			observance(b, rules.isDaylightSavings(t.getInstant()), t.getDateTimeBefore(), t.getOffsetBefore(),
					t.getOffsetAfter(), null);
			t = rules.nextTransition(t.getInstant());
		}
		// the yearly rules now in force, from the first year they apply
		int firstRuleYear = Math.max(start.getYear(), lastExplicitYear + 1);
		for (ZoneOffsetTransitionRule r : rules.getTransitionRules()) {
			ZoneOffsetTransition first = r.createTransition(firstRuleYear);
			String rrule = rrule(r);
			if (r.getDayOfWeek() != null && first.getDateTimeBefore().getDayOfWeek() != r.getDayOfWeek()
					|| r.isMidnightEndOfDay()) {
				// the change happens on another day than the rule names (24:00, or a UTC time on the day
				// before): no RRULE says that; explicit onsets for the next years do
				StringBuilder dates = new StringBuilder();
				for (int y = firstRuleYear + 1; y <= firstRuleYear + EXPLICIT_YEARS; y++) {
					dates.append(dates.length() == 0 ? "" : ",").append(LOCAL.format(r.createTransition(y).getDateTimeBefore()));
				}
				rrule = null;
				observance(b, rules.isDaylightSavings(first.getInstant()), first.getDateTimeBefore(), first.getOffsetBefore(),
						first.getOffsetAfter(), null, dates.toString());
				continue;
			}
			observance(b, rules.isDaylightSavings(first.getInstant()), first.getDateTimeBefore(), first.getOffsetBefore(),
					first.getOffsetAfter(), rrule);
		}
		b.append("END:VTIMEZONE\r\n");
		return b.toString();
	}

	private static void observance(StringBuilder b, boolean daylight, LocalDateTime onset, ZoneOffset from, ZoneOffset to,
			String rrule) {
		observance(b, daylight, onset, from, to, rrule, null);
	}

	private static void observance(StringBuilder b, boolean daylight, LocalDateTime onset, ZoneOffset from, ZoneOffset to,
			String rrule, String rdates) {
		String kind = daylight ? "DAYLIGHT" : "STANDARD";
		b.append("BEGIN:").append(kind).append("\r\n");
		b.append("DTSTART:").append(LOCAL.format(onset)).append("\r\n");
		if (rrule != null) {
			b.append("RRULE:").append(rrule).append("\r\n");
		}
		if (rdates != null && !rdates.isEmpty()) {
			b.append("RDATE:").append(rdates).append("\r\n");
		}
		b.append("TZOFFSETFROM:").append(offset(from)).append("\r\n");
		b.append("TZOFFSETTO:").append(offset(to)).append("\r\n");
		b.append("END:").append(kind).append("\r\n");
	}

	/** The yearly RRULE of a JDK transition rule ("day-of-week on or after day-of-month", or "last"). */
	static String rrule(ZoneOffsetTransitionRule r) {
		int month = r.getMonth().getValue();
		int dom = r.getDayOfMonthIndicator();
		DayOfWeek dow = r.getDayOfWeek();
		String base = "FREQ=YEARLY;BYMONTH=" + month;
		if (dow == null) {
			return base + ";BYMONTHDAY=" + dom;
		}
		String day = dow.name().substring(0, 2);
		int monthLength = r.getMonth().minLength();
		if (dom < 0) {
			// "day-of-week on or before the dom-th last day": the last week when dom is -1
			if (dom == -1) {
				return base + ";BYDAY=-1" + day;
			}
			int last = monthLength + 1 + dom;
			return base + ";BYMONTHDAY=" + range(last - 6, last) + ";BYDAY=" + day;
		}
		if ((dom - 1) % 7 == 0 && dom <= 22) {
			return base + ";BYDAY=" + ((dom - 1) / 7 + 1) + day;
		}
		if (dom + 6 == r.getMonth().maxLength() && r.getMonth().minLength() == r.getMonth().maxLength()) {
			return base + ";BYDAY=-1" + day;
		}
		return base + ";BYMONTHDAY=" + range(dom, Math.min(dom + 6, r.getMonth().maxLength())) + ";BYDAY=" + day;
	}

	private static String range(int from, int to) {
		StringBuilder b = new StringBuilder();
		for (int d = from; d <= to; d++) {
			if (b.length() > 0) {
				b.append(',');
			}
			b.append(d);
		}
		return b.toString();
	}

	/** An offset as iCalendar writes it: {@code +0100}, {@code -0930}, {@code +005328}. */
	public static String offset(ZoneOffset o) {
		int total = o.getTotalSeconds();
		char sign = total < 0 ? '-' : '+';
		int abs = Math.abs(total);
		String s = String.format(Locale.ROOT, "%c%02d%02d", sign, abs / 3600, abs / 60 % 60);
		return abs % 60 == 0 ? s : s + String.format(Locale.ROOT, "%02d", abs % 60);
	}
}
