package org.liaison.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;

import java.util.Map;
import java.util.UUID;

import org.eclipse.swt.custom.CTabFolder;



import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.ui.internal.Notifications;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.store.LocalCollection;
import org.liaison.api.store.LocalItem;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.testing.Osgi;
import org.liaison.testing.ui.Screenshots;
import org.liaison.testing.ui.Workbench;

/** The sync view: a contact changed on both sides is settled field by field (mine, theirs, merged). */
class SyncViewTest {

	@Test
	void contactChangedOnBothSides_resolvedFieldByField_mineTheirsAndMerged() throws Exception {
		try (DemoWorld world = new DemoWorld(120, "conflict.contacts", "ask")) {
			UUID id;
			String collection;
			try (ProfileStore store = Osgi.service(OfflineStore.class).open("demo")) {
				LocalCollection contacts = store.localPim().collections().stream()
						.filter(c -> c.kind() == ItemKind.CONTACT).findFirst().orElseThrow();
				collection = contacts.id();
				java.util.List<String> hrefs = new ArrayList<>();
				store.localPim().changes(collection, 0, c -> hrefs.add(c.href()));
				assertTrue(!hrefs.isEmpty(), "the first sync brought demo's contacts into the address book");
				LocalItem item = store.localPim().get(collection, hrefs.get(0)).orElseThrow();
				id = item.ident();
				ItemData mine = item.data().with("jobtitle", "Chief Technology Officer").with("telephone1", "+44 20 7946 0001")
						.with("mobilephone", "+44 7700 900001");
				store.localPim().update(collection, item.href(), item.version(), mine);
			}
			try (CrmClient crm = world.client()) {
				CrmRecord r = crm.retrieve("contacts", id, CrmQuery.select("contactid"));
				crm.write(CrmWrite.update("contacts", id, Map.of("jobtitle", "CTO", "telephone1", "+44 20 7946 0999",
						"mobilephone", "+44 7700 900999"), r.etag()), java.util.List.of());
			}
			Workbench.run("sync-conflict", (display, shell, app) -> {
				// F9 runs the scheduler's sync Job; the conflict it finds is announced by a notification
				MailViewTest.execute(app.getChildren().get(0), "org.liaison.ui.command.syncnow", "F9");
				Ui.until(display, () -> Notifications.shown().stream().anyMatch(n -> n.contains("1 open conflict")),
						"a notification of the conflict");
				org.eclipse.swt.widgets.List areas = Ui.await(display, "folders");
				areas.setSelection(5);
				areas.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
				CTabFolder tabs = Ui.await(display, "sync.tabs");
				tabs.setSelection(3);
				Table conflicts = Ui.await(display, "sync.conflicts");
				Ui.until(display, () -> conflicts.getItemCount() == 1, "the open conflict");
				assertEquals("jobtitle, mobilephone, telephone1", conflicts.getItem(0).getText(3));
				Ui.select(conflicts, 0);
				Ui.click(Ui.await(display, "conflict.theirs.jobtitle"));
				Ui.click(Ui.await(display, "conflict.mine.mobilephone"));
				Ui.click(Ui.await(display, "conflict.merged.telephone1"));
				Text merged = Ui.await(display, "conflict.value.telephone1");
				merged.setText("+44 20 7946 0999 ext. 1");
				Screenshots.forReadme(display, shell, "conflicts");
				Ui.click(Ui.await(display, "conflict.apply"));
				Ui.until(display, () -> conflicts.getItemCount() == 0, "the conflict to be settled by the sync");
				Ui.idle(display);
				// the dry-run preview: what the next sync would do, nothing written
				tabs.setSelection(4);
				Ui.click(Ui.await(display, "sync.preview"));
				org.eclipse.swt.widgets.Label preview = Ui.await(display, "sync.preview.summary");
				Ui.until(display, () -> preview.getText().endsWith("Nothing was written."), "the dry-run preview");
				Ui.idle(display);
				tabs.setSelection(1);
				Table history = Ui.await(display, "sync.history");
				Ui.until(display, () -> history.getItemCount() > 0, "the history");
				tabs.setSelection(0);
				Ui.idle(display);
				Screenshots.forReadme(display, shell, "sync");
			});
			try (CrmClient crm = world.client()) {
				CrmRecord r = crm.retrieve("contacts", id, CrmQuery.select("jobtitle", "telephone1", "mobilephone"));
				assertEquals("CTO", r.string("jobtitle"), "theirs: the CRM's value stays");
				assertEquals("+44 7700 900001", r.string("mobilephone"), "mine: the mailbox's value reached the CRM");
				assertEquals("+44 20 7946 0999 ext. 1", r.string("telephone1"), "merged: the merged value reached the CRM");
			}
			try (ProfileStore store = Osgi.service(OfflineStore.class).open("demo")) {
				ItemData local = store.localPim().byIdent(collection, id).orElseThrow().data();
				assertEquals("CTO", local.get("jobtitle"), "theirs reached the address book");
				assertEquals("+44 20 7946 0999 ext. 1", local.get("telephone1"));
				assertEquals("+44 7700 900001", local.get("mobilephone"));
			}
		}
	}
}
