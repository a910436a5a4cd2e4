package org.liaison.ui.internal.parts;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StackLayout;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.liaison.api.model.Appointment;
import org.liaison.api.model.ItemKind;
import org.liaison.ui.internal.Background;
import org.liaison.ui.internal.Ids;
import org.liaison.ui.internal.Occurrences;
import org.liaison.ui.internal.Occurrences.Occurrence;
import org.liaison.ui.internal.PimItems;
import org.liaison.ui.internal.Session;

/**
 * Calendar: day, week and agenda views of the mailbox's calendar. Occurrences of recurring series are
 * expanded in the series' zone and shown in this computer's zone; an appointment from another zone
 * also shows its own local time, a recurring one its rule.
 */
public class CalendarPart {

	enum Mode {
		DAY, WEEK, AGENDA
	}

	static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm");
	static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM");
	static final int FIRST_HOUR = 7;
	static final int LAST_HOUR = 20;
	static final int AGENDA_DAYS = 30;

	@Inject
	Session session;

	private final ZoneId zone = ZoneId.systemDefault();
	private Mode mode = Mode.WEEK;
	private LocalDate day = LocalDate.now();
	private final List<Appointment> items = new ArrayList<>();
	private List<Occurrence> shown = List.of();
	private Label title;
	private Composite stack;
	private Canvas grid;
	private Table agenda;

	@PostConstruct
	void create(Composite parent) {
		parent.setLayout(new GridLayout(1, false));
		Composite bar = new Composite(parent, SWT.NONE);
		bar.setLayout(new GridLayout(8, false));
		button(bar, "\u25c0", "calendar.prev", () -> move(-1));
		button(bar, "Today", "calendar.today", () -> {
			day = LocalDate.now();
			show();
		});
		button(bar, "\u25b6", "calendar.next", () -> move(1));
		button(bar, "Day", "calendar.day", () -> mode(Mode.DAY));
		button(bar, "Week", "calendar.week", () -> mode(Mode.WEEK));
		button(bar, "Agenda", "calendar.agenda", () -> mode(Mode.AGENDA));
		title = new Label(bar, SWT.NONE);
		title.setData(Ids.KEY, "calendar.title");
		title.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
		stack = new Composite(parent, SWT.NONE);
		stack.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		stack.setLayout(new StackLayout());
		grid = new Canvas(stack, SWT.DOUBLE_BUFFERED | SWT.BORDER);
		grid.setData(Ids.KEY, "calendar.grid");
		grid.setBackground(grid.getDisplay().getSystemColor(SWT.COLOR_WHITE));
		grid.addPaintListener(e -> paint(e.gc, grid.getClientArea()));
		grid.addListener(SWT.Resize, e -> grid.redraw());
		agenda = new Table(stack, SWT.BORDER | SWT.FULL_SELECTION);
		agenda.setData(Ids.KEY, "calendar.agenda.table");
		agenda.setHeaderVisible(true);
		Parts.columns(agenda, new String[] { "Day", "Time", "Subject", "Where", "Repeats", "Series time" },
				new int[] { 120, 110, 280, 160, 170, 200 });
		mode(Mode.WEEK);
		// read after the window is up (reads never delay the first window), and again when data changes
		Parts.loadNowAndOn(session, grid, this::load, Session.Change.SYNCED, Session.Change.PROFILE);
	}

	private static void button(Composite bar, String text, String id, Runnable r) {
		Button b = new Button(bar, SWT.PUSH);
		b.setText(text);
		b.setData(Ids.KEY, id);
		b.addListener(SWT.Selection, e -> r.run());
	}

	void mode(Mode m) {
		mode = m;
		((StackLayout) stack.getLayout()).topControl = m == Mode.AGENDA ? agenda : grid;
		stack.layout();
		show();
	}

	private void move(int step) {
		day = switch (mode) {
			case DAY -> day.plusDays(step);
			case WEEK -> day.plusWeeks(step);
			case AGENDA -> day.plusDays((long) step * AGENDA_DAYS);
		};
		show();
	}

	void load() {
		Background.run("Reading the calendar", grid, m -> {
			List<Appointment> out = PimItems.read(session, ItemKind.APPOINTMENT, Appointment::fromData, m);
			return out;
		}, list -> {
			items.clear();
			items.addAll(list);
			show();
		}, problem -> title.setText(problem));
	}

	/** The first day shown and the number of days. */
	private LocalDate first() {
		return mode == Mode.WEEK ? day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)) : day;
	}

	private int days() {
		return switch (mode) {
			case DAY -> 1;
			case WEEK -> 7;
			case AGENDA -> AGENDA_DAYS;
		};
	}

	void show() {
		LocalDate first = first();
		ZonedDateTime from = first.atStartOfDay(zone);
		ZonedDateTime to = first.plusDays(days()).atStartOfDay(zone);
		try {
			shown = Occurrences.between(items, from, to, zone);
		} catch (RuntimeException e) {
			shown = List.of();
			title.setText("A recurrence rule cannot be read: " + e.getMessage());
			return;
		}
		title.setText(DAY.format(first) + (days() > 1 ? " \u2013 " + DAY.format(first.plusDays(days() - 1)) : "") + "  ("
				+ shown.size() + " appointments, times in " + zone.getId() + ")");
		if (mode == Mode.AGENDA) {
			agenda.removeAll();
			for (Occurrence o : shown) {
				Appointment a = o.appointment();
				new TableItem(agenda, SWT.NONE).setText(new String[] { DAY.format(o.start()),
						a.allDay() ? "all day" : HM.format(o.start()) + "\u2013" + HM.format(o.end()),
						MailPart.nz(a.subject()) + (o.overridden() ? " (changed occurrence)" : ""),
						MailPart.nz(a.location()), o.recurring() ? "\u21bb " + Occurrences.describe(seriesRule(a)) : "",
						seriesTime(o) });
			}
		} else {
			grid.redraw();
		}
	}

	private String seriesRule(Appointment a) {
		if (a.rrule() != null) {
			return a.rrule();
		}
		for (Appointment s : items) {
			if (s.overrides().contains(a)) {
				return s.rrule();
			}
		}
		return "";
	}

	/** The occurrence's time in the series' own zone, when that zone differs from this computer's. */
	String seriesTime(Occurrence o) {
		Appointment a = o.appointment();
		if (a.allDay() || a.timeZone() == null || a.timeZone().getRules().equals(zone.getRules())) {
			return "";
		}
		return HM.format(o.start().withZoneSameInstant(a.timeZone())) + " " + a.timeZone().getId();
	}

	private void paint(GC gc, Rectangle area) {
		int n = days();
		int left = 50;
		int top = 24;
		int hours = LAST_HOUR - FIRST_HOUR;
		int hourH = Math.max(18, (area.height - top) / hours);
		int colW = Math.max(40, (area.width - left) / n);
		Color line = gc.getDevice().getSystemColor(SWT.COLOR_WIDGET_LIGHT_SHADOW);
		Color text = gc.getDevice().getSystemColor(SWT.COLOR_BLACK);
		Color box = new Color(214, 230, 250);
		Color edge = new Color(60, 110, 180);
		try {
			LocalDate first = first();
			for (int d = 0; d < n; d++) {
				int x = left + d * colW;
				gc.setForeground(text);
				gc.drawString(DAY.format(first.plusDays(d)), x + 4, 4, true);
				gc.setForeground(line);
				gc.drawLine(x, 0, x, area.height);
			}
			for (int h = 0; h <= hours; h++) {
				int y = top + h * hourH;
				gc.setForeground(line);
				gc.drawLine(left, y, area.width, y);
				gc.setForeground(text);
				gc.drawString(String.format("%02d:00", FIRST_HOUR + h), 4, y + 2, true);
			}
			for (Occurrence o : shown) {
				int d = (int) java.time.temporal.ChronoUnit.DAYS.between(first, o.start().toLocalDate());
				if (d < 0 || d >= n) {
					continue;
				}
				Appointment a = o.appointment();
				int x = left + d * colW + 2;
				int y;
				int h;
				if (a.allDay()) {
					y = top - 2;
					h = 16;
				} else {
					double s = o.start().getHour() + o.start().getMinute() / 60.0 - FIRST_HOUR;
					double e = s + java.time.Duration.between(o.start(), o.end()).toMinutes() / 60.0;
					s = Math.max(0, Math.min(hours, s));
					e = Math.max(s + 0.4, Math.min(hours, e));
					y = top + (int) (s * hourH);
					h = (int) ((e - s) * hourH) - 1;
				}
				gc.setBackground(box);
				gc.fillRectangle(x, y, colW - 4, h);
				gc.setForeground(edge);
				gc.drawRectangle(x, y, colW - 4, h);
				gc.setForeground(text);
				String label = (a.allDay() ? "" : HM.format(o.start()) + " ") + (o.recurring() ? "\u21bb " : "")
						+ MailPart.nz(a.subject());
				String other = seriesTime(o);
				gc.setClipping(x, y, colW - 4, h);
				gc.drawString(label, x + 3, y + 1, true);
				if (!other.isEmpty()) {
					gc.drawString("(" + other + ")", x + 3, y + 15, true);
				}
				gc.setClipping((Rectangle) null);
			}
		} finally {
			box.dispose();
			edge.dispose();
		}
	}

	/** The occurrences shown now (for tests). */
	public List<Occurrence> shown() {
		return shown;
	}
}
