package org.liaison.connector.dav.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.liaison.api.model.Appointment;
import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.RemoteItem;
import org.liaison.testing.Radicale;

import net.fortuna.ical4j.model.TimeZoneRegistryFactory;

/**
 * Items other clients wrote, with the full-history VTIMEZONEs most clients send, read in bulk: every
 * one is read, with its wall-clock time in its zone.
 */
class DavForeignItemsTest {

	@Test
	void manyItemsWithFullVtimezones_allRead() throws Exception {
		String[] zones = { "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney" };
		String[] vtimezones = new String[zones.length];
		for (int i = 0; i < zones.length; i++) {
			vtimezones[i] = TimeZoneRegistryFactory.getInstance().createRegistry().getTimeZone(zones[i]).getVTimeZone()
					.toString();
		}
		try (Radicale radicale = Radicale.start()) {
			ItemCollection c = Dav.connector().createCollection(radicale.account("foreign"), ItemKind.APPOINTMENT, "Foreign",
					new NullProgressMonitor());
			Dav.Raw raw = new Dav.Raw(radicale);
			int n = 400;
			ExecutorService pool = Executors.newFixedThreadPool(4);
			try {
				List<Future<String>> puts = new ArrayList<>();
				for (int i = 0; i < n; i++) {
					int k = i;
					String z = zones[k % zones.length];
					String ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//Client//EN\r\n" + vtimezones[k % zones.length]
							+ "BEGIN:VEVENT\r\nUID:foreign-" + k + "\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=" + z
							+ ":20260330T0" + (k % 10) + "3000\r\nDTEND;TZID=" + z + ":20260330T1" + (k % 10) + "0000\r\n"
							+ (k % 5 == 0 ? "RRULE:FREQ=DAILY;COUNT=5\r\n" : "") + "SUMMARY:Foreign " + k
							+ "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
					puts.add(pool.submit(() -> raw.put(Dav.path(c) + "foreign-" + k + ".ics", ics, "text/calendar")));
				}
				for (Future<String> f : puts) {
					f.get();
				}
			} finally {
				pool.shutdownNow();
			}
			Dav.Fetch f = Dav.all(c);
			assertEquals(List.of(), List.copyOf(f.bad.values()));
			assertEquals(n, f.items.size());
			for (RemoteItem it : f.items.values()) {
				Appointment a = Appointment.fromData(it.data());
				int k = Integer.parseInt(a.uid().substring("foreign-".length()));
				assertEquals(ZoneId.of(zones[k % zones.length]), a.timeZone());
				assertEquals(LocalDateTime.of(2026, 3, 30, k % 10, 30), a.start());
			}
		}
	}
}
