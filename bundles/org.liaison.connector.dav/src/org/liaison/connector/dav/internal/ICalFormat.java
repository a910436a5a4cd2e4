package org.liaison.connector.dav.internal;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.DefaultParameterFactorySupplier;
import net.fortuna.ical4j.data.DefaultPropertyFactorySupplier;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.ComponentContainer;
import net.fortuna.ical4j.model.Parameter;
import net.fortuna.ical4j.model.ParameterBuilder;
import net.fortuna.ical4j.model.ParameterFactory;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.PropertyBuilder;
import net.fortuna.ical4j.model.PropertyFactory;
import net.fortuna.ical4j.model.TimeZoneRegistry;
import net.fortuna.ical4j.model.TimeZoneRegistryFactory;
import net.fortuna.ical4j.model.component.CalendarComponent;
import net.fortuna.ical4j.model.component.VAlarm;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.component.VToDo;
import net.fortuna.ical4j.util.CompatibilityHints;

import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.Appointment;
import org.liaison.api.model.Idents;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.model.ParticipationType;
import org.liaison.api.model.RecordRef;
import org.liaison.api.model.Task;

/**
 * iCalendar (RFC 5545) on ical4j 4: a calendar object resource holding one VEVENT series (the master
 * and its overridden instances, RECURRENCE-ID) or one VTODO, with the VTIMEZONEs it uses. Times are
 * read from the properties' own text and TZID, so that wall-clock times and IANA zones survive
 * exactly. What the model does not carry (VALARM details, X- and unknown properties and parameters,
 * attendees' PARTSTAT) stays in the parsed calendar and is written back unchanged. ORGANIZER and
 * ATTENDEE always carry {@code SCHEDULE-AGENT=CLIENT} (RFC 6638 section 7.1) so that a scheduling
 * server sends no invitation for a change Liaison makes.
 */
final class ICalFormat implements ItemFormat {

	static final String PRODID = "-//Liaison//Liaison DAV connector//EN";
	static final String X_REGARDING = "X-LIAISON-REGARDING";
	static final String X_OWNER = "X-LIAISON-OWNER";
	static final String X_STATUS = "X-LIAISON-STATUS";

	private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;
	private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss", Locale.ROOT);

	static {
		CompatibilityHints.setHintEnabled(CompatibilityHints.KEY_RELAXED_PARSING, true);
		CompatibilityHints.setHintEnabled(CompatibilityHints.KEY_RELAXED_UNFOLDING, true);
		CompatibilityHints.setHintEnabled(CompatibilityHints.KEY_RELAXED_VALIDATION, true);
		CompatibilityHints.setHintEnabled(CompatibilityHints.KEY_OUTLOOK_COMPATIBILITY, true);
	}

	private final ItemKind kind;
	private final String componentName;

	ICalFormat(ItemKind kind) {
		if (kind != ItemKind.APPOINTMENT && kind != ItemKind.TASK) {
			throw new IllegalArgumentException("iCalendar holds appointments and tasks, not " + kind);
		}
		this.kind = kind;
		this.componentName = kind == ItemKind.APPOINTMENT ? Component.VEVENT : Component.VTODO;
	}

	@Override
	public ItemKind kind() {
		return kind;
	}

	@Override
	public String contentType() {
		return "text/calendar; charset=utf-8";
	}

	@Override
	public String extension() {
		return ".ics";
	}

	@Override
	public boolean owns(Object nativeForm) {
		return nativeForm instanceof Calendar;
	}

	String componentName() {
		return componentName;
	}

	// ---------------------------------------------------------------- reading

	@Override
	public Parsed parse(String text, String href) throws BadItemException, OtherKindException {
		Calendar cal;
		try {
			cal = builder().build(new StringReader(text));
		} catch (ParserException e) {
			throw new BadItemException("invalid iCalendar in " + href + ": " + e.getMessage(), e);
		} catch (IOException | RuntimeException e) {
			throw new BadItemException("unreadable iCalendar in " + href + ": " + e, e);
		}
		List<CalendarComponent> comps = cal.getComponentList().getComponents(componentName);
		if (comps.isEmpty()) {
			for (String other : new String[] { Component.VEVENT, Component.VTODO, Component.VJOURNAL }) {
				if (!cal.getComponentList().getComponents(other).isEmpty()) {
					throw new OtherKindException(href + " holds a " + other + ", not a " + componentName);
				}
			}
			throw new BadItemException(href + " holds no " + componentName);
		}
		Component master = master(comps);
		try {
			String uid = text(master, Property.UID);
			String liaisonId = text(master, Idents.PROPERTY);
			UUID ident = liaisonId != null ? parseUuid(liaisonId, href)
					: Idents.fromNaturalKey(uid != null ? uid : href);
			ItemData data;
			if (kind == ItemKind.APPOINTMENT) {
				List<Appointment> overrides = new ArrayList<>();
				for (Component c : comps) {
					if (c != master && c.getProperty(Property.RECURRENCE_ID).isPresent()) {
						overrides.add(appointment(c, List.of()));
					}
				}
				data = appointment(master, overrides).toData();
			} else {
				data = task(master).toData();
			}
			String lm = text(master, Property.LAST_MODIFIED);
			Instant modified = null;
			if (lm != null) {
				When w = When.parse(lm, null, false);
				modified = w == null ? null : w.local().atZone(w.zone() == null ? ZoneOffset.UTC : w.zone()).toInstant();
			}
			return new Parsed(ident, data, cal, modified);
		} catch (BadItemException e) {
			throw e;
		} catch (RuntimeException e) {
			throw new BadItemException("iCalendar in " + href + " cannot be mapped: " + e.getMessage(), e);
		}
	}

	private static UUID parseUuid(String text, String href) throws BadItemException {
		try {
			return UUID.fromString(text.trim());
		} catch (IllegalArgumentException e) {
			throw new BadItemException(href + " carries a malformed " + Idents.PROPERTY + ": " + text);
		}
	}

	private static Component master(List<? extends Component> comps) {
		for (Component c : comps) {
			if (c.getProperty(Property.RECURRENCE_ID).isEmpty()) {
				return c;
			}
		}
		return comps.get(0);
	}

	static String text(Component c, String name) {
		Optional<Property> p = c.getProperty(name);
		return p.map(Property::getValue).filter(v -> !v.isEmpty()).orElse(null);
	}

	static String param(Property p, String name) {
		Optional<Parameter> x = p.getParameter(name);
		return x.map(Parameter::getValue).orElse(null);
	}

	/** A date or date-time as written: wall-clock, its zone (UTC for "Z", null when floating), date-only or not. */
	record When(LocalDateTime local, ZoneId zone, boolean date) {

		static When parse(String value, String tzid, boolean dateOnly) {
			String v = value.trim();
			if (v.isEmpty()) {
				return null;
			}
			if (dateOnly || v.length() == 8) {
				return new When(LocalDate.parse(v, DATE).atStartOfDay(), null, true);
			}
			if (v.endsWith("Z") || v.endsWith("z")) {
				return new When(LocalDateTime.parse(v.substring(0, v.length() - 1), LOCAL), ZoneOffset.UTC, false);
			}
			return new When(LocalDateTime.parse(v, LOCAL), tzid == null ? null : zoneOf(tzid), false);
		}

		/** The wall-clock time in {@code target} (floating and date values are taken as they are). */
		LocalDateTime in(ZoneId target) {
			if (date || zone == null || target == null || zone.equals(target)) {
				return local;
			}
			return local.atZone(zone).withZoneSameInstant(target).toLocalDateTime();
		}
	}

	/** An IANA zone for a TZID: the id itself, or its tail when a vendor prefixed it; UTC when unknown. */
	static ZoneId zoneOf(String tzid) {
		String t = tzid.trim();
		if (t.startsWith("\"") && t.endsWith("\"") && t.length() > 1) {
			t = t.substring(1, t.length() - 1);
		}
		if (isUtc(t)) {
			return ZoneOffset.UTC;
		}
		try {
			return ZoneId.of(t);
		} catch (RuntimeException e) {
			String[] parts = t.split("/");
			for (int i = 1; i < parts.length; i++) {
				try {
					return ZoneId.of(String.join("/", java.util.Arrays.copyOfRange(parts, i, parts.length)));
				} catch (RuntimeException next) {
					// try a shorter tail
				}
			}
			return ZoneOffset.UTC;
		}
	}

	static boolean isUtc(String id) {
		return id.equals("Z") || id.equalsIgnoreCase("UTC") || id.equalsIgnoreCase("Etc/UTC") || id.equalsIgnoreCase("GMT")
				|| id.equalsIgnoreCase("Etc/GMT") || id.equals("+00:00");
	}

	private static When when(Component c, String name) {
		Optional<Property> p = c.getProperty(name);
		if (p.isEmpty()) {
			return null;
		}
		return When.parse(p.get().getValue(), param(p.get(), "TZID"), "DATE".equalsIgnoreCase(param(p.get(), "VALUE")));
	}

	/** Every value of a multi-valued date property (RDATE, EXDATE), wall-clock in {@code zone}. */
	private static List<LocalDateTime> dates(Component c, String name, ZoneId zone) {
		List<LocalDateTime> out = new ArrayList<>();
		for (Property p : c.<Property>getProperties(name)) {
			if ("PERIOD".equalsIgnoreCase(param(p, "VALUE"))) {
				continue; // periods stay in the native form
			}
			boolean dateOnly = "DATE".equalsIgnoreCase(param(p, "VALUE"));
			String tz = param(p, "TZID");
			for (String v : p.getValue().split(",")) {
				When w = When.parse(v, tz, dateOnly);
				if (w != null) {
					out.add(w.in(zone));
				}
			}
		}
		return out;
	}

	static Duration duration(String text) {
		String t = text.trim();
		boolean negative = t.startsWith("-");
		if (t.startsWith("-") || t.startsWith("+")) {
			t = t.substring(1);
		}
		Duration d;
		int w = t.indexOf('W');
		if (w > 0) {
			d = Duration.ofDays(7L * Long.parseLong(t.substring(1, w)));
		} else {
			d = Duration.parse(t);
		}
		return negative ? d.negated() : d;
	}

	private Appointment appointment(Component c, List<Appointment> overrides) {
		When s = when(c, Property.DTSTART);
		if (s == null) {
			throw new IllegalArgumentException("the " + componentName + " has no DTSTART");
		}
		boolean allDay = s.date();
		ZoneId zone = allDay || s.zone() == null ? ZoneOffset.UTC : s.zone();
		LocalDateTime start = s.local();
		When e = when(c, Property.DTEND);
		LocalDateTime end;
		if (e != null) {
			end = e.in(zone);
		} else if (text(c, Property.DURATION) != null) {
			end = start.plus(duration(text(c, Property.DURATION)));
		} else {
			end = allDay ? start.plusDays(1) : start;
		}
		When rid = when(c, Property.RECURRENCE_ID);
		ActivityParty organizer = null;
		Optional<Property> org = c.getProperty(Property.ORGANIZER);
		if (org.isPresent()) {
			organizer = party(org.get(), ParticipationType.ORGANIZER);
		}
		List<ActivityParty> attendees = new ArrayList<>();
		for (Property a : c.<Property>getProperties(Property.ATTENDEE)) {
			String role = param(a, "ROLE");
			ParticipationType t = role != null && (role.equalsIgnoreCase("OPT-PARTICIPANT")
					|| role.equalsIgnoreCase("NON-PARTICIPANT")) ? ParticipationType.OPTIONAL : ParticipationType.REQUIRED;
			ActivityParty p = party(a, t);
			if (p != null) {
				attendees.add(p);
			}
		}
		String transp = text(c, Property.TRANSP);
		String regarding = text(c, X_REGARDING);
		return new Appointment(text(c, Property.UID), text(c, Property.SUMMARY), text(c, Property.LOCATION),
				text(c, Property.DESCRIPTION), start, end, zone, allDay, text(c, Property.RRULE),
				dates(c, Property.RDATE, zone), dates(c, Property.EXDATE, zone), overrides,
				rid == null ? null : rid.in(zone), organizer, attendees, reminderMinutes(c),
				transp == null || !transp.equalsIgnoreCase("TRANSPARENT"), regarding == null ? null : RecordRef.parse(regarding));
	}

	private static ActivityParty party(Property p, ParticipationType type) {
		String address = p.getValue();
		if (address != null && address.regionMatches(true, 0, "mailto:", 0, 7)) {
			address = address.substring(7);
		}
		if (address == null || address.isBlank()) {
			return null;
		}
		return new ActivityParty(address, param(p, "CN"), null, type);
	}

	private static List<Component> subComponents(Component c) {
		if (c instanceof ComponentContainer<?> cc) {
			return new ArrayList<>(cc.getComponentList().getAll());
		}
		return List.of();
	}

	private static Integer reminderMinutes(Component c) {
		for (Component sub : subComponents(c)) {
			if (sub.getName().equals(Component.VALARM)) {
				Optional<Property> trig = sub.getProperty(Property.TRIGGER);
				if (trig.isPresent() && !"DATE-TIME".equalsIgnoreCase(param(trig.get(), "VALUE"))
						&& !"END".equalsIgnoreCase(param(trig.get(), "RELATED"))) {
					try {
						return (int) -duration(trig.get().getValue()).toMinutes();
					} catch (RuntimeException e) {
						return null;
					}
				}
				return null;
			}
		}
		return null;
	}

	private Task task(Component c) {
		When s = when(c, Property.DTSTART);
		When d = when(c, Property.DUE);
		ZoneId zone = s != null && s.zone() != null ? s.zone() : d != null && d.zone() != null ? d.zone() : ZoneOffset.UTC;
		When done = when(c, Property.COMPLETED);
		String status = text(c, Property.STATUS);
		String xs = text(c, X_STATUS);
		Task.Status st = switch (status == null ? "" : status.toUpperCase(Locale.ROOT)) {
			case "IN-PROCESS" -> Task.Status.IN_PROGRESS;
			case "COMPLETED" -> Task.Status.COMPLETED;
			case "CANCELLED" -> Task.Status.CANCELLED;
			default -> "WAITING".equalsIgnoreCase(xs) ? Task.Status.WAITING : Task.Status.NOT_STARTED;
		};
		String pr = text(c, Property.PRIORITY);
		Task.Priority priority = Task.Priority.NORMAL;
		if (pr != null) {
			int p = Integer.parseInt(pr.trim());
			priority = p == 0 || p == 5 ? Task.Priority.NORMAL : p < 5 ? Task.Priority.HIGH : Task.Priority.LOW;
		}
		String pc = text(c, Property.PERCENT_COMPLETE);
		String owner = text(c, X_OWNER);
		String regarding = text(c, X_REGARDING);
		return new Task(text(c, Property.UID), text(c, Property.SUMMARY), text(c, Property.DESCRIPTION),
				s == null ? null : s.in(zone), d == null ? null : d.in(zone), zone,
				done == null ? null : done.local().atZone(done.zone() == null ? ZoneOffset.UTC : done.zone()).toInstant(), st,
				priority, pc == null ? null : Integer.valueOf(pc.trim()), owner == null ? null : ActivityParty.decode(owner),
				regarding == null ? null : RecordRef.parse(regarding));
	}

	// ---------------------------------------------------------------- writing

	@Override
	public String create(UUID ident, ItemData data) {
		Calendar cal = new Calendar();
		cal.add(prop(Property.PRODID, PRODID));
		cal.add(prop(Property.VERSION, "2.0"));
		cal.add(prop(Property.CALSCALE, "GREGORIAN"));
		Map<ZoneId, LocalDate> zones = new LinkedHashMap<>();
		Component c = newComponent();
		if (kind == ItemKind.APPOINTMENT) {
			Appointment a = Appointment.fromData(data);
			String uid = a.uid() != null ? a.uid() : ident.toString();
			c.add(prop(Property.UID, uid));
			c.add(prop(Idents.PROPERTY, ident.toString()));
			c.add(prop(Property.DTSTAMP, utc(Instant.now())));
			writeEvent(c, null, a, zones);
			cal.add((CalendarComponent) c);
			for (Appointment o : a.overrides()) {
				Component oc = newComponent();
				oc.add(prop(Property.UID, uid));
				oc.add(prop(Property.DTSTAMP, utc(Instant.now())));
				writeRecurrenceId(oc, o.recurrenceId(), a);
				writeEvent(oc, null, o, zones);
				cal.add((CalendarComponent) oc);
			}
		} else {
			Task t = Task.fromData(data);
			c.add(prop(Property.UID, t.uid() != null ? t.uid() : ident.toString()));
			c.add(prop(Idents.PROPERTY, ident.toString()));
			c.add(prop(Property.DTSTAMP, utc(Instant.now())));
			writeTask(c, null, t, zones);
			cal.add((CalendarComponent) c);
		}
		addTimeZones(cal, zones);
		return cal.toString();
	}

	@Override
	public String update(Object nativeForm, ItemData before, ItemData after) {
		Calendar cal = ((Calendar) nativeForm).copy();
		List<CalendarComponent> comps = cal.getComponentList().getComponents(componentName);
		Component master = master(comps);
		Map<ZoneId, LocalDate> zones = new LinkedHashMap<>();
		if (kind == ItemKind.APPOINTMENT) {
			Appointment b = Appointment.fromData(before);
			Appointment a = Appointment.fromData(after);
			writeEvent(master, b, a, zones);
			if (!a.overrides().equals(b.overrides()) || !Objects.equals(a.timeZone(), b.timeZone())) {
				List<Component> existing = new ArrayList<>();
				for (Component c : comps) {
					if (c != master && c.getProperty(Property.RECURRENCE_ID).isPresent()) {
						existing.add(c);
					}
				}
				for (Appointment o : a.overrides()) {
					Component match = null;
					Appointment old = null;
					for (Component c : existing) {
						Appointment parsed = appointment(c, List.of());
						LocalDateTime rid = when(c, Property.RECURRENCE_ID).in(b.timeZone());
						if (rid.equals(o.recurrenceId()) || parsed.recurrenceId().equals(o.recurrenceId())) {
							match = c;
							old = b.overrides().stream().filter(x -> x.recurrenceId().equals(o.recurrenceId())).findFirst()
									.orElse(parsed);
							break;
						}
					}
					if (match != null) {
						existing.remove(match);
						writeEvent(match, old, o, zones);
						if (!Objects.equals(a.timeZone(), b.timeZone())) {
							match.removeAll(Property.RECURRENCE_ID);
							writeRecurrenceId(match, o.recurrenceId(), a);
						}
					} else {
						Component oc = newComponent();
						oc.add(prop(Property.UID, text(master, Property.UID)));
						oc.add(prop(Property.DTSTAMP, utc(Instant.now())));
						writeRecurrenceId(oc, o.recurrenceId(), a);
						writeEvent(oc, null, o, zones);
						cal.add((CalendarComponent) oc);
					}
				}
				for (Component gone : existing) {
					cal.remove((CalendarComponent) gone);
				}
			}
		} else {
			writeTask(master, Task.fromData(before), Task.fromData(after), zones);
		}
		for (CalendarComponent c : cal.getComponentList().getComponents(componentName)) {
			scheduleAgentClient(c);
		}
		touch(master);
		addTimeZones(cal, zones);
		return cal.toString();
	}

	private Component newComponent() {
		return kind == ItemKind.APPOINTMENT ? new VEvent(false) : new VToDo(false);
	}

	private void touch(Component c) {
		c.replace(prop(Property.DTSTAMP, utc(Instant.now())));
		if (c.getProperty(Property.LAST_MODIFIED).isPresent()) {
			c.replace(prop(Property.LAST_MODIFIED, utc(Instant.now())));
		}
	}

	private static void writeRecurrenceId(Component c, LocalDateTime rid, Appointment series) {
		c.add(dateProp(Property.RECURRENCE_ID, rid, series.timeZone(), series.allDay()));
	}

	private static boolean changed(Object a, Object b) {
		return !Objects.equals(a, b);
	}

	/** Writes what differs between {@code b} (null: nothing yet) and {@code a} onto {@code c}. */
	private void writeEvent(Component c, Appointment b, Appointment a, Map<ZoneId, LocalDate> zones) {
		text(c, Property.SUMMARY, b == null ? null : b.subject(), a.subject(), b == null);
		text(c, Property.LOCATION, b == null ? null : b.location(), a.location(), b == null);
		text(c, Property.DESCRIPTION, b == null ? null : b.description(), a.description(), b == null);
		if (!a.allDay()) {
			zones.merge(a.timeZone(), a.start().toLocalDate(), (x, y) -> x.isBefore(y) ? x : y);
		}
		boolean timesChanged = b == null || changed(b.start(), a.start()) || changed(b.end(), a.end())
				|| changed(b.timeZone(), a.timeZone()) || b.allDay() != a.allDay() || changed(b.rdates(), a.rdates())
				|| changed(b.exdates(), a.exdates()) || changed(b.rrule(), a.rrule());
		if (timesChanged) {
			c.removeAll(Property.DTSTART, Property.DTEND, Property.DURATION, Property.RDATE, Property.EXDATE);
			c.add(dateProp(Property.DTSTART, a.start(), a.timeZone(), a.allDay()));
			c.add(dateProp(Property.DTEND, a.end(), a.timeZone(), a.allDay()));
			for (LocalDateTime r : a.rdates()) {
				c.add(dateProp(Property.RDATE, r, a.timeZone(), a.allDay()));
			}
			for (LocalDateTime x : a.exdates()) {
				c.add(dateProp(Property.EXDATE, x, a.timeZone(), a.allDay()));
			}
			if (b != null) {
				String seq = text(c, Property.SEQUENCE);
				c.removeAll(Property.SEQUENCE);
				c.add(prop(Property.SEQUENCE, Integer.toString(seq == null ? 1 : Integer.parseInt(seq.trim()) + 1)));
			}
		}
		if (b == null || changed(b.rrule(), a.rrule())) {
			c.removeAll(Property.RRULE);
			if (a.rrule() != null) {
				c.add(prop(Property.RRULE, a.rrule()));
			}
		}
		if (b == null || changed(b.organizer(), a.organizer()) || changed(b.attendees(), a.attendees())) {
			writeParties(c, a);
		}
		if (b == null || changed(b.reminderMinutes(), a.reminderMinutes())) {
			writeReminder(c, a.reminderMinutes(), a.subject());
		}
		if (b == null || b.busy() != a.busy()) {
			c.removeAll(Property.TRANSP);
			if (!a.busy()) {
				c.add(prop(Property.TRANSP, "TRANSPARENT"));
			} else if (b != null) {
				c.add(prop(Property.TRANSP, "OPAQUE"));
			}
		}
		text(c, X_REGARDING, b == null || b.regarding() == null ? null : b.regarding().toString(),
				a.regarding() == null ? null : a.regarding().toString(), b == null);
		scheduleAgentClient(c);
	}

	private void writeTask(Component c, Task b, Task a, Map<ZoneId, LocalDate> zones) {
		text(c, Property.SUMMARY, b == null ? null : b.subject(), a.subject(), b == null);
		text(c, Property.DESCRIPTION, b == null ? null : b.description(), a.description(), b == null);
		boolean tz = b == null || changed(b.timeZone(), a.timeZone());
		if (tz || changed(b.start(), a.start())) {
			c.removeAll(Property.DTSTART);
			if (a.start() != null) {
				c.add(dateProp(Property.DTSTART, a.start(), a.timeZone(), false));
				zones.merge(a.timeZone(), a.start().toLocalDate(), (x, y) -> x.isBefore(y) ? x : y);
			}
		}
		if (tz || changed(b.due(), a.due())) {
			c.removeAll(Property.DUE);
			if (a.due() != null) {
				c.add(dateProp(Property.DUE, a.due(), a.timeZone(), false));
				zones.merge(a.timeZone(), a.due().toLocalDate(), (x, y) -> x.isBefore(y) ? x : y);
			}
		}
		if (b == null || changed(b.completed(), a.completed())) {
			c.removeAll(Property.COMPLETED);
			if (a.completed() != null) {
				c.add(prop(Property.COMPLETED, utc(a.completed())));
			}
		}
		if (b == null || b.status() != a.status()) {
			c.removeAll(Property.STATUS, X_STATUS);
			c.add(prop(Property.STATUS, switch (a.status()) {
				case IN_PROGRESS -> "IN-PROCESS";
				case COMPLETED -> "COMPLETED";
				case CANCELLED -> "CANCELLED";
				default -> "NEEDS-ACTION";
			}));
			if (a.status() == Task.Status.WAITING) {
				c.add(prop(X_STATUS, "WAITING"));
			}
		}
		if (b == null ? a.priority() != Task.Priority.NORMAL : b.priority() != a.priority()) {
			c.removeAll(Property.PRIORITY);
			c.add(prop(Property.PRIORITY, switch (a.priority()) {
				case HIGH -> "1";
				case LOW -> "9";
				default -> "5";
			}));
		}
		text(c, Property.PERCENT_COMPLETE, b == null || b.percentComplete() == null ? null : b.percentComplete().toString(),
				a.percentComplete() == null ? null : a.percentComplete().toString(), b == null);
		text(c, X_OWNER, b == null || b.owner() == null ? null : b.owner().encode(), a.owner() == null ? null : a.owner().encode(),
				b == null);
		text(c, X_REGARDING, b == null || b.regarding() == null ? null : b.regarding().toString(),
				a.regarding() == null ? null : a.regarding().toString(), b == null);
	}

	/** Sets a single text property when it changed (or always on a new component). */
	private static void text(Component c, String name, String before, String after, boolean fresh) {
		if (fresh || changed(before, after)) {
			c.removeAll(name);
			if (after != null && !after.isEmpty()) {
				c.add(prop(name, after));
			}
		}
	}

	/**
	 * Rewrites ORGANIZER and ATTENDEE: a party still there keeps its property (PARTSTAT, RSVP and
	 * other parameters), with CN and ROLE set from the model; new parties are added, gone ones removed.
	 */
	private static void writeParties(Component c, Appointment a) {
		List<Property> old = new ArrayList<>(c.<Property>getProperties(Property.ATTENDEE));
		c.removeAll(Property.ATTENDEE);
		Optional<Property> oldOrg = c.getProperty(Property.ORGANIZER);
		c.removeAll(Property.ORGANIZER);
		if (a.organizer() != null) {
			Property p = oldOrg.filter(o -> sameAddress(o, a.organizer())).orElse(null);
			p = party(p, Property.ORGANIZER, a.organizer(), null);
			c.add(p);
		}
		for (ActivityParty party : a.attendees()) {
			Property match = null;
			for (Property o : old) {
				if (sameAddress(o, party)) {
					match = o;
					break;
				}
			}
			old.remove(match);
			String role = party.type() == ParticipationType.OPTIONAL ? "OPT-PARTICIPANT" : "REQ-PARTICIPANT";
			c.add(party(match, Property.ATTENDEE, party, role));
		}
	}

	private static boolean sameAddress(Property p, ActivityParty party) {
		ActivityParty parsed = party(p, party.type());
		return parsed != null && Objects.equals(parsed.normalizedAddress(), party.normalizedAddress());
	}

	private static Property party(Property existing, String name, ActivityParty party, String role) {
		Property p = existing != null ? existing : prop(name, "mailto:" + party.address());
		p.getParameters("CN").forEach(p::remove);
		if (party.displayName() != null) {
			p.add(param("CN", party.displayName()));
		}
		if (role != null) {
			String oldRole = param(p, "ROLE");
			boolean keep = oldRole != null && (role.equals("REQ-PARTICIPANT")
					? oldRole.equalsIgnoreCase("REQ-PARTICIPANT") || oldRole.equalsIgnoreCase("CHAIR")
					: oldRole.equalsIgnoreCase("OPT-PARTICIPANT") || oldRole.equalsIgnoreCase("NON-PARTICIPANT"));
			if (!keep) {
				p.getParameters("ROLE").forEach(p::remove);
				p.add(param("ROLE", role));
			}
		}
		return p;
	}

	/** RFC 6638 7.1: the client, not the server, handles scheduling: no iTIP/iMIP from what Liaison writes. */
	private static void scheduleAgentClient(Component c) {
		for (Property p : c.<Property>getProperties(Property.ORGANIZER, Property.ATTENDEE)) {
			if (!"CLIENT".equalsIgnoreCase(param(p, "SCHEDULE-AGENT"))) {
				p.getParameters("SCHEDULE-AGENT").forEach(p::remove);
				p.add(param("SCHEDULE-AGENT", "CLIENT"));
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static void writeReminder(Component c, Integer minutes, String subject) {
		if (!(c instanceof ComponentContainer<?> raw)) {
			return;
		}
		ComponentContainer<Component> cc = (ComponentContainer<Component>) raw;
		List<Component> alarms = new ArrayList<>();
		for (Component s : cc.getComponentList().getAll()) {
			if (s.getName().equals(Component.VALARM)) {
				alarms.add(s);
			}
		}
		if (minutes == null) {
			for (Component s : alarms) {
				cc.remove(s);
			}
			return;
		}
		String trigger = trigger(minutes);
		if (!alarms.isEmpty()) {
			Component first = alarms.get(0);
			first.removeAll(Property.TRIGGER);
			first.add(prop(Property.TRIGGER, trigger));
			return;
		}
		VAlarm alarm = new VAlarm();
		alarm.add(prop(Property.ACTION, "DISPLAY"));
		alarm.add(prop(Property.DESCRIPTION, subject == null || subject.isEmpty() ? "Reminder" : subject));
		alarm.add(prop(Property.TRIGGER, trigger));
		cc.add(alarm);
	}

	/**
	 * A parser whose time zone registry looks zones up in one shared registry but keeps none of the
	 * VTIMEZONEs it parses: Liaison reads times from their text and TZID itself, and ical4j's default
	 * registers every parsed VTIMEZONE as a new zone for good (memory that grows with every item read).
	 */
	static CalendarBuilder builder() {
		return new CalendarBuilder(new net.fortuna.ical4j.data.CalendarParserImpl(), () -> PARAMETER_FACTORIES,
				() -> PROPERTY_FACTORIES, () -> COMPONENT_FACTORIES, KEEP_NONE);
	}

	private static final TimeZoneRegistry SHARED = TimeZoneRegistryFactory.getInstance().createRegistry();
	private static final Map<String, ZoneId> ZONES = new java.util.concurrent.ConcurrentHashMap<>();
	/** Not empty, so that ical4j asks {@link #KEEP_NONE} for zones instead of scanning every zone id each time. */
	private static final Map<String, java.time.zone.ZoneRules> SOME_RULES = Map.of("UTC", ZoneOffset.UTC.getRules());

	private static final TimeZoneRegistry KEEP_NONE = new TimeZoneRegistry() {
		@Override
		public void register(net.fortuna.ical4j.model.TimeZone timezone) {
		}

		@Override
		public void register(net.fortuna.ical4j.model.TimeZone timezone, boolean update) {
		}

		@Override
		public void clear() {
		}

		@Override
		public net.fortuna.ical4j.model.TimeZone getTimeZone(String id) {
			try {
				return SHARED.getTimeZone(id);
			} catch (RuntimeException unknown) {
				return null;
			}
		}

		@Override
		public Map<String, java.time.zone.ZoneRules> getZoneRules() {
			return SOME_RULES;
		}

		@Override
		public ZoneId getZoneId(String tzId) {
			return ZONES.computeIfAbsent(tzId, ICalFormat::zoneOf);
		}

		@Override
		public String getTzId(String zoneId) {
			return zoneId;
		}
	};

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static final List<net.fortuna.ical4j.model.ComponentFactory<?>> COMPONENT_FACTORIES = (List) new net.fortuna.ical4j.data.DefaultComponentFactorySupplier()
			.get();

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static final List<PropertyFactory<?>> PROPERTY_FACTORIES = (List) new DefaultPropertyFactorySupplier().get();
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static final List<ParameterFactory<?>> PARAMETER_FACTORIES = (List) new DefaultParameterFactorySupplier().get();

	/** A property of its proper type (RRULE a recurrence, DTSTART a date...), as ical4j would parse it. */
	static PropertyBuilder builder(String name) {
		return new PropertyBuilder().factories(PROPERTY_FACTORIES).name(name);
	}

	static Property prop(String name, String value) {
		return builder(name).value(value).build();
	}

	static Parameter param(String name, String value) {
		return new ParameterBuilder().factories(PARAMETER_FACTORIES).name(name).value(value).build();
	}

	/** A TRIGGER relative to the start: {@code minutes} before it. */
	static String trigger(int minutes) {
		return minutes == 0 ? "PT0M" : (minutes > 0 ? "-PT" + minutes + "M" : "PT" + (-minutes) + "M");
	}

	static String utc(Instant t) {
		return LOCAL.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC)) + "Z";
	}

	static Property dateProp(String name, LocalDateTime t, ZoneId zone, boolean allDay) {
		PropertyBuilder b = builder(name);
		if (allDay) {
			return b.value(DATE.format(t.toLocalDate())).parameter(param("VALUE", "DATE")).build();
		}
		if (zone == null || zone.normalized().equals(ZoneOffset.UTC) && isUtc(zone.getId())) {
			return b.value(LOCAL.format(t) + "Z").build();
		}
		return b.value(LOCAL.format(t)).parameter(param("TZID", zone.getId())).build();
	}

	/**
	 * Adds a VTIMEZONE for each zone used that the calendar does not define yet, made from the JDK's
	 * rules and covering the item's dates ({@link VTimeZones}).
	 */
	private static void addTimeZones(Calendar cal, Map<ZoneId, LocalDate> zones) {
		Set<String> have = new java.util.HashSet<>();
		for (CalendarComponent tz : cal.getComponentList().getComponents(Component.VTIMEZONE)) {
			String id = text(tz, Property.TZID);
			if (id != null) {
				have.add(id);
			}
		}
		List<CalendarComponent> add = new ArrayList<>();
		for (Map.Entry<ZoneId, LocalDate> z : zones.entrySet()) {
			if (z.getKey().normalized().equals(ZoneOffset.UTC) && isUtc(z.getKey().getId()) || have.contains(z.getKey().getId())) {
				continue;
			}
			String text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" + PRODID + "\r\n"
					+ VTimeZones.of(z.getKey(), z.getValue()) + "END:VCALENDAR\r\n";
			try {
				add.addAll(builder().build(new StringReader(text)).getComponentList()
						.getComponents(Component.VTIMEZONE));
			} catch (IOException | ParserException e) {
				throw new IllegalStateException("cannot make a VTIMEZONE for " + z.getKey() + ": " + e.getMessage(), e);
			}
		}
		if (!add.isEmpty()) {
			List<CalendarComponent> all = new ArrayList<>(add);
			all.addAll(cal.getComponentList().getAll());
			cal.setComponentList(new net.fortuna.ical4j.model.ComponentList<>(all));
		}
	}
}
