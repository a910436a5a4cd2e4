package org.liaison.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.swt.custom.CTabFolder;
import org.eclipse.swt.widgets.Table;
import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.model.ItemKind;
import org.liaison.api.store.HistoryEntry;
import org.liaison.api.store.LocalCollection;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.QuarantineEntry;
import org.liaison.api.store.SyncStateStore;
import org.liaison.api.sync.Side;
import org.liaison.testing.Osgi;
import org.liaison.testing.ui.Screenshots;
import org.liaison.testing.ui.Workbench;
import org.liaison.ui.internal.StatusLine;

/**
 * The sync view's quarantine: two CRM appointments that cannot be read (a time zone that does not
 * exist) are quarantined by a real sync; one is fixed in the CRM and retried from the view (it
 * reaches the calendar), the other is discarded (gone from the list, the history says why, and the
 * next runs leave it alone until it changes in the CRM).
 */
class QuarantineViewTest {

	private static final String PAIR = "appointments";

	@Test
	void badAppointments_oneFixedAndRetried_oneDiscarded_andTheDiscardHolds() throws Exception {
		try (DemoWorld world = new DemoWorld(120)) {
			UUID fixed = UUID.randomUUID();
			UUID dropped = UUID.randomUUID();
			try (CrmClient crm = world.client()) {
				badAppointment(crm, fixed, "Quarterly review (time zone to fix)");
				badAppointment(crm, dropped, "Quarterly review (to discard)");
			}
			world.sync();
			try (ProfileStore store = open()) {
				List<QuarantineEntry> q = store.syncState().quarantine(PAIR);
				assertEquals(List.of(fixed.toString(), dropped.toString()).stream().sorted().toList(),
						q.stream().map(QuarantineEntry::href).sorted().toList(), "both bad appointments are quarantined");
				for (QuarantineEntry e : q) {
					assertEquals(Side.CRM, e.side());
					assertTrue(e.reason().contains(e.href()) && e.reason().contains("Mars/Olympus_Mons"),
							"the reason names the record and what is wrong: " + e.reason());
					assertTrue(e.raw().contains("Mars/Olympus_Mons"), "the raw JSON is kept: " + e.raw());
				}
				assertFalse(inCalendar(store, fixed));
			}
			// the user corrects the time zone in the CRM
			try (CrmClient crm = world.client()) {
				crm.write(CrmWrite.update("appointments", fixed, Map.of("liaison_timezone", "Europe/Paris"), "*"),
						List.of());
			}
			Workbench.run("sync-quarantine", (display, shell, app) -> {
				ViewsTest.area(display, 5);
				CTabFolder tabs = Ui.await(display, "sync.tabs");
				tabs.setSelection(2);
				Table quarantine = Ui.await(display, "sync.quarantine");
				Ui.until(display, () -> quarantine.getItemCount() == 2, "the two quarantined appointments");
				Ui.idle(display);
				Screenshots.forReadme(display, shell, "quarantine");

				Ui.select(quarantine, Ui.row(quarantine, 3, fixed.toString()));
				Ui.click(Ui.await(display, "quarantine.retry"));
				Ui.until(display, () -> quarantine.getItemCount() == 1 && Ui.row(quarantine, 3, dropped.toString()) == 0
						&& inCalendar(fixed), "the retried appointment to be synced and leave the quarantine");

				Ui.select(quarantine, 0);
				Ui.click(Ui.await(display, "quarantine.discard"));
				Ui.until(display, () -> quarantine.getItemCount() == 0, "the discarded entry to leave the list");
				Ui.until(display, () -> String.valueOf(StatusLine.text()).startsWith(dropped + " discarded"),
						"the status line to say the entry was discarded");

				tabs.setSelection(1);
				Table history = Ui.await(display, "sync.history");
				Ui.until(display, () -> {
					for (int i = 0; i < history.getItemCount(); i++) {
						if (history.getItem(i).getText(4).startsWith(SyncStateStore.DISCARDED + ": " + dropped)) {
							return true;
						}
					}
					return false;
				}, "the history line of the discard");
				assertTrue(Ui.row(history, 1, "mail:INBOX") >= 0, "the history shows the tracking of the inbox too");
				Ui.idle(display);
			});
			try (ProfileStore store = open()) {
				assertTrue(store.syncState().quarantine(PAIR).isEmpty());
				assertTrue(inCalendar(store, fixed), "the fixed appointment is in the calendar");
				assertFalse(inCalendar(store, dropped), "the discarded one is not");
			}
			// the next run does not bring the discarded appointment back
			world.sync();
			try (ProfileStore store = open()) {
				assertTrue(store.syncState().quarantine(PAIR).isEmpty(), "the next run leaves the discarded item alone");
				List<HistoryEntry> h = store.syncState().history(PAIR, null, 500).stream()
						.filter(e -> dropped.toString().equals(e.href())).toList();
				assertEquals(2, h.size(), "quarantined once, discarded once: " + h);
				assertTrue(h.get(0).reason().startsWith(SyncStateStore.DISCARDED), h.get(0).reason());
			}
			// changed in the CRM (and still bad): tried again, and quarantined again
			try (CrmClient crm = world.client()) {
				crm.write(CrmWrite.update("appointments", dropped, Map.of("subject", "Quarterly review (changed)"), "*"),
						List.of());
			}
			world.sync();
			try (ProfileStore store = open()) {
				assertEquals(List.of(dropped.toString()),
						store.syncState().quarantine(PAIR).stream().map(QuarantineEntry::href).toList());
			}
		}
	}

	/** An appointment of demo's that no client can read: its time zone does not exist. */
	private static void badAppointment(CrmClient crm, UUID id, String subject) throws Exception {
		Instant start = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
		Map<String, Object> f = new LinkedHashMap<>();
		f.put("subject", subject);
		f.put("scheduledstart", start.toString());
		f.put("scheduledend", start.plus(1, ChronoUnit.HOURS).toString());
		f.put("liaison_timezone", "Mars/Olympus_Mons");
		crm.write(CrmWrite.createWithId("appointments", id, f), List.of());
	}

	private static ProfileStore open() throws Exception {
		return Osgi.service(OfflineStore.class).open("demo");
	}

	private static boolean inCalendar(UUID ident) {
		try (ProfileStore store = open()) {
			return inCalendar(store, ident);
		} catch (Exception e) {
			throw new AssertionError(e);
		}
	}

	private static boolean inCalendar(ProfileStore store, UUID ident) throws Exception {
		LocalCollection calendar = store.localPim().collections().stream()
				.filter(c -> c.kind() == ItemKind.APPOINTMENT).findFirst().orElseThrow();
		return store.localPim().byIdent(calendar.id(), ident).isPresent();
	}
}
