package org.liaison.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.UUID;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.liaison.api.offline.OfflineCopy;
import org.liaison.api.offline.OfflineService;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.model.Appointment;
import org.liaison.api.model.ItemKind;
import org.liaison.api.store.LocalCollection;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.testing.Osgi;
import org.liaison.testing.ui.Screenshots;
import org.liaison.testing.ui.Workbench;
import org.liaison.ui.internal.StatusLine;

/** Contacts, calendar, tasks and the CRM view on demo-like data, each with its README screenshot. */
class ViewsTest {

	static void area(Display display, int index) {
		org.eclipse.swt.widgets.List areas = Ui.await(display, "folders");
		areas.setSelection(index);
		areas.notifyListeners(SWT.Selection, new Event());
	}

	@Test
	void contactsCalendarTasksAndCrm_showTheDemoData_andACrmEditIsSaved() throws Exception {
		try (DemoWorld world = new DemoWorld(160)) {
			ZoneId newYork = ZoneId.of("America/New_York");
			LocalDate monday = LocalDate.now().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
			try (ProfileStore store = Osgi.service(OfflineStore.class).open("demo")) {
				LocalCollection calendar = store.localPim().collections().stream()
						.filter(c -> c.kind() == ItemKind.APPOINTMENT).findFirst().orElseThrow();
				Appointment a = Appointment.single("weekly-ny", "Weekly pipeline call (New York)",
						monday.atTime(9, 0), monday.atTime(10, 0), newYork);
				a = new Appointment(a.uid(), a.subject(), "Bridge line", null, a.start(), a.end(), newYork, false,
						"FREQ=WEEKLY;BYDAY=MO,WE", List.of(), List.of(), List.of(), null, null, List.of(), null, true, null);
				store.localPim().create(calendar.id(), UUID.randomUUID(), a.toData());
			}
			// Go Offline with the default filters: the records demo owns are copied
			try (CrmClient crm = world.client();
					OfflineCopy copy = Osgi.service(OfflineService.class).open("demo")) {
				copy.goOffline(crm, new NullProgressMonitor());
			}
			Workbench.run("views", (display, shell, app) -> {
				area(display, 1);
				Table contacts = Ui.await(display, "contacts.table");
				Ui.until(display, () -> contacts.getItemCount() > 0, "demo's contacts");
				Ui.select(contacts, 0);
				Ui.idle(display);
				Screenshots.forReadme(display, shell, "contacts");

				area(display, 2);
				Label title = Ui.await(display, "calendar.title");
				Ui.until(display, () -> title.getText().contains("appointments") && !title.getText().startsWith("0"),
						"the week's appointments");
				Ui.idle(display);
				Ui.until(display, () -> !title.getText().contains("(0 appointments"), "appointments this week");
				Screenshots.forReadme(display, shell, "calendar");
				Ui.click(Ui.await(display, "calendar.agenda"));
				Table agenda = Ui.await(display, "calendar.agenda.table");
				Ui.until(display, () -> Ui.row(agenda, 2, "Weekly pipeline call (New York)") >= 0, "the weekly call");
				int r = Ui.row(agenda, 2, "Weekly pipeline call (New York)");
				String local = agenda.getItem(r).getText(1).substring(0, 5);
				String expected = monday.atTime(9, 0).atZone(newYork).withZoneSameInstant(ZoneId.systemDefault())
						.toLocalTime().toString();
				if (!ZoneId.systemDefault().getRules().equals(newYork.getRules())) {
					assertEquals(expected, local, "09:00 New York in this computer's zone");
					assertEquals("09:00 America/New_York", agenda.getItem(r).getText(5), "and in the series' own zone");
				}
				assertTrue(agenda.getItem(r).getText(4).startsWith("\u21bb weekly on MO,WE"), agenda.getItem(r).getText(4));
				Screenshots.forReadme(display, shell, "agenda");

				area(display, 3);
				Table tasks = Ui.await(display, "tasks.table");
				Ui.until(display, () -> tasks.getItemCount() > 0, "demo's open tasks");
				Ui.idle(display);
				Screenshots.forReadme(display, shell, "tasks");

				area(display, 4);
				Table records = Ui.await(display, "crm.records");
				Label status = Ui.await(display, "crm.status");
				Ui.until(display, () -> status.getText().contains("accounts in"), "the accounts");
				Text search = Ui.await(display, "crm.search");
				search.setText(world.accountWord);
				Ui.until(display, () -> status.getText().startsWith(records.getItemCount() + " accounts")
						&& records.getItemCount() > 0 && records.getItem(0).getText(0).contains(world.accountWord), world.accountWord);
				assertEquals("offline copy, in step", records.getItem(0).getText(records.getColumnCount() - 1),
						"an account demo owns is in the offline copy");
				assertTrue(status.getText().contains("Offline; "), status.getText());
				Ui.select(records, 0);
				Text phone = Ui.await(display, "crm.field.telephone1");
				phone.setText("+49 30 901820");
				Ui.click(Ui.await(display, "crm.save"));
				Ui.until(display, () -> String.valueOf(StatusLine.text()).startsWith("Saved [telephone1]"), "the save");
				Ui.idle(display);
				Combo org = Ui.await(display, "crm.org");
				assertTrue(org.getItem(0).endsWith("(synchronizing)"));
				Screenshots.forReadme(display, shell, "crm");
			});
			try (CrmClient crm = world.client()) {
				List<CrmRecord> saved = crm.query("accounts", CrmQuery.select("name", "telephone1")
						.filter("telephone1 eq '+49 30 901820'")).records();
				assertEquals(1, saved.size(), "the edit reached the CRM");
				assertTrue(saved.get(0).string("name").contains(world.accountWord));
			}
		}
	}
}
