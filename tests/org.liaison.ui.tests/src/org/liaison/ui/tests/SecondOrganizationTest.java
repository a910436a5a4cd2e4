package org.liaison.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmAuth;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmEndpoint;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.TrustService;
import org.liaison.crm.server.CrmServer;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestPasswords;
import org.liaison.testing.ui.Workbench;
import org.liaison.ui.internal.StatusLine;

/**
 * One synchronizing organization per client, the others browsed and edited: a second reference CRM
 * server (its own data, certificate and password) is added to the profile as {@code org.second.*};
 * the CRM view browses it and saves an edit to it, while the messaging sync (F9 and a headless run)
 * still talks to the synchronizing organization only.
 */
class SecondOrganizationTest {

	@Test
	void secondOrganization_browsedAndEdited_messagingSyncsWithTheFirstOnly() throws Exception {
		try (DemoWorld world = new DemoWorld(120)) {
			Path dir = Files.createTempDirectory("liaison-second-org");
			CrmServer.Running second = Osgi.service(CrmServer.class).start(CrmServer.Options.defaults(dir));
			try {
				URI root = second.serviceRoot();
				Osgi.service(TrustService.class).pin(root.getHost(), root.getPort(), second.certificateFingerprint());
				char[] password = TestPasswords.random().toCharArray();
				UUID demo2 = second.admin().addUser("demo", "demo@second.test", password, false);
				second.admin().seed(7, 60, LocalDate.now(), new NullProgressMonitor());
				Files.writeString(world.data.profileFile, "org.second.url=" + root + "\norg.second.token-url="
						+ second.tokenEndpoint() + "\norg.second.user=demo\norg.second.client-id=liaison-demo\n"
						+ "org.second.label=Second organization\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
				Osgi.service(SecretStore.class).put(world.profile.secretKey("org-second"), password.clone());

				String account;
				try (CrmClient c = client(second, password)) {
					account = c.query("accounts", CrmQuery.select("accountid", "name")
							.filter("_ownerid_value eq " + demo2).orderBy("name").top(1)).records().get(0).string("name");
				}
				String phone = "+33 1 " + (10_000_000 + new java.util.Random().nextInt(89_999_999));

				Workbench.run("second-org", (display, shell, app) -> {
					ViewsTest.area(display, 4);
					Combo org = Ui.await(display, "crm.org");
					Ui.until(display, () -> org.getItemCount() == 2, "both organizations");
					assertEquals("Second organization", org.getItem(1));
					org.select(1);
					org.notifyListeners(SWT.Selection, new Event());
					Label status = Ui.await(display, "crm.status");
					Table records = Ui.await(display, "crm.records");
					Text search = Ui.await(display, "crm.search");
					search.setText(account);
					Ui.until(display, () -> status.getText().equals(records.getItemCount()
							+ " accounts in Second organization (browsed; no messaging sync)") && records.getItemCount() > 0
							&& records.getItem(0).getText(0).equals(account), "the second organization's " + account);
					Ui.select(records, 0);
					Text field = Ui.await(display, "crm.field.telephone1");
					field.setText(phone);
					Ui.click(Ui.await(display, "crm.save"));
					Ui.until(display, () -> String.valueOf(StatusLine.text()).startsWith("Saved [telephone1]"), "the save");
					// F9: the messaging sync of the profile, which runs with the synchronizing organization only
					MailViewTest.execute(app.getChildren().get(0), "org.liaison.ui.command.syncnow", "F9");
					Ui.until(display, () -> String.valueOf(StatusLine.text()).startsWith("Synced:"), "the sync");
					Ui.idle(display);
				});
				try (CrmClient c = client(second, password)) {
					List<CrmRecord> saved = c.query("accounts", CrmQuery.select("name", "telephone1")
							.filter("telephone1 eq '" + phone + "'")).records();
					assertEquals(1, saved.size(), "the edit reached the second organization");
					assertEquals(account, saved.get(0).string("name"));
					assertEquals(0, c.query("liaison_clientinstances", CrmQuery.select("liaison_clientinstanceid"))
							.records().size(), "no client instance in the second organization: it does not sync");
					assertEquals(0, c.query("emails", CrmQuery.select("activityid")
							.filter("messageid eq '<c0@customer.test>'")).records().size(), "no mail tracked into it");
				}
				MessagingReport again = world.sync();
				assertTrue(again.instance().synchronizing(), again.instance().message());
				try (CrmClient c = world.client()) {
					assertEquals(0, c.query("accounts", CrmQuery.select("name").filter("telephone1 eq '" + phone + "'"))
							.records().size(), "the edit did not go to the synchronizing organization");
					assertEquals(1, c.query("liaison_clientinstances", CrmQuery.select("liaison_clientinstanceid")
							.filter("_ownerid_value eq " + world.data.demo)).records().size(),
							"the synchronizing organization knows this client");
					assertEquals(1, c.query("emails", CrmQuery.select("activityid")
							.filter("messageid eq '<c0@customer.test>'")).records().size(), "mail is tracked into it");
				}
				try (CrmClient c = client(second, password)) {
					assertEquals(0, c.query("liaison_clientinstances", CrmQuery.select("liaison_clientinstanceid"))
							.records().size(), "still nothing synced with the second organization");
				}
			} finally {
				second.close();
			}
		}
	}

	private static CrmClient client(CrmServer.Running server, char[] password) throws Exception {
		return Osgi.service(CrmConnector.class).connect(new CrmEndpoint(server.serviceRoot(),
				new CrmAuth.Password(server.tokenEndpoint(), "liaison-demo", "demo", password.clone())));
	}
}
