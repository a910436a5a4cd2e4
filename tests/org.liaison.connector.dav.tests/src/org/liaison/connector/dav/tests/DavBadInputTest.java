package org.liaison.connector.dav.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.liaison.api.model.Appointment;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemKind;
import org.liaison.api.pim.PimAccount;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.TransientException;
import org.liaison.api.sync.WriteResult;
import org.liaison.testing.FaultProxy;
import org.liaison.testing.Radicale;

/**
 * Bad input: invalid iCalendar and vCard from the server, and a server that closes mid-response.
 * Each time the broken item is reported to {@code FetchSink.bad} with a message naming it (the
 * engine quarantines it), and every other item still arrives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DavBadInputTest {

	private Radicale radicale;
	private FaultProxy proxy;
	private PimAccount viaProxy;

	@BeforeAll
	void start() throws Exception {
		radicale = Radicale.start();
		proxy = FaultProxy.http(radicale.port());
		viaProxy = radicale.account("faults", proxy.url());
	}

	@AfterAll
	void stop() throws Exception {
		if (proxy != null) {
			proxy.close();
		}
		if (radicale != null) {
			radicale.close();
		}
	}

	private static Appointment event(String uid, String subject) {
		return Appointment.single(uid, subject, LocalDateTime.of(2026, 9, 1, 8, 0), LocalDateTime.of(2026, 9, 1, 9, 0),
				ZoneOffset.UTC);
	}

	@Test
	void invalidICalendar_isReportedBadNamingTheItem_theRestArrives() throws Exception {
		ItemCollection c = Dav.connector().createCollection(viaProxy, ItemKind.APPOINTMENT, "Bad ics",
				new NullProgressMonitor());
		List<WriteResult> good = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			good.add(c.create(UUID.randomUUID(), event("good-" + i, "Good " + i).toData()));
		}
		WriteResult bad = c.create(UUID.randomUUID(), event("break-me", "Broken").toData());
		// the server sends this one truncated inside its VEVENT (Radicale itself refuses to store such a thing)
		Pattern item = Pattern.compile("BEGIN:VEVENT(?:(?!END:VEVENT).)*?UID:break-me.*?END:VCALENDAR", Pattern.DOTALL);
		proxy.rewrite(body -> item.matcher(body).replaceAll("BEGIN:VEVENT\r\nUID:break-me\r\nDTSTART:2026"));
		try {
			Dav.Fetch f = Dav.all(c);
			assertEquals(5, f.items.size());
			assertEquals(Set.of(bad.href()), f.bad.keySet());
			String reason = f.bad.get(bad.href());
			assertTrue(reason.contains(bad.href()) && reason.contains("iCalendar"), reason);
			assertTrue(f.badRaw.get(bad.href()).contains("UID:break-me"), "the raw text is kept for the quarantine");
		} finally {
			proxy.rewrite(null);
		}
	}

	@Test
	void invalidVCard_isReportedBadNamingTheItem_theRestArrives() throws Exception {
		ItemCollection c = Dav.connector().createCollection(viaProxy, ItemKind.CONTACT, "Bad vcf", new NullProgressMonitor());
		for (int i = 0; i < 4; i++) {
			c.create(UUID.randomUUID(), Contact.of("Good", "Person " + i, "p" + i + "@example.com").toData());
		}
		WriteResult bad = c.create(UUID.randomUUID(), Contact.of("Broken", "Card", "broken@example.com").toData());
		Pattern card = Pattern.compile("BEGIN:VCARD(?:(?!END:VCARD).)*?broken@example\\.com.*?END:VCARD", Pattern.DOTALL);
		proxy.rewrite(body -> card.matcher(body).replaceAll("this is not a vCard"));
		try {
			Dav.Fetch f = Dav.all(c);
			assertEquals(4, f.items.size());
			assertEquals(Set.of(bad.href()), f.bad.keySet());
			String reason = f.bad.get(bad.href());
			assertTrue(reason.contains(bad.href()) && reason.contains("vCard"), reason);
		} finally {
			proxy.rewrite(null);
		}
	}

	@Test
	void serverBusy_503_isRetriedAfterItsRetryAfter_thenGivesUpAsTransient() throws Exception {
		ItemCollection c = Dav.connector().createCollection(viaProxy, ItemKind.APPOINTMENT, "Busy", new NullProgressMonitor());
		WriteResult w = c.create(UUID.randomUUID(), event("busy-1", "Busy").toData());
		proxy.unavailable.set(2);
		long t0 = System.nanoTime();
		assertEquals(Set.of(w.href()), Dav.list(c, null).present.keySet(), "the listing succeeds on the third try");
		assertEquals(2, proxy.refused.get());
		assertTrue(System.nanoTime() - t0 >= 2_000_000_000L, "it waited the server's Retry-After each time");
		proxy.unavailable.set(100);
		try {
			assertThrows(TransientException.class, () -> Dav.list(c, null), "after its attempts: try again next run");
		} finally {
			proxy.unavailable.set(0);
		}
	}

	@Test
	void serverClosesMidResponse_thatItemIsReportedBad_theRestArrives() throws Exception {
		ItemCollection c = Dav.connector().createCollection(viaProxy, ItemKind.APPOINTMENT, "Cut", new NullProgressMonitor());
		for (int i = 0; i < 5; i++) {
			c.create(UUID.randomUUID(), event("fine-" + i, "Fine " + i).toData());
		}
		WriteResult cut = c.create(UUID.randomUUID(), event("cut-me", "Cut").toData());
		proxy.onMarker("UID:cut-me", FaultProxy.Fault.TRUNCATE);
		try {
			Dav.Fetch f = Dav.all(c);
			assertEquals(5, f.items.size());
			assertEquals(Set.of(cut.href()), f.bad.keySet());
			String reason = f.bad.get(cut.href());
			assertTrue(reason.contains(cut.href()) && reason.contains("mid-response"), reason);
			assertTrue(proxy.faults.get() >= 2, "the batch and the single fetch were both cut");
		} finally {
			proxy.onMarker(null, null);
		}
	}
}
