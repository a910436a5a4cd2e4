package org.liaison.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.Test;
import org.liaison.api.cli.Command;
import org.liaison.api.cli.CommandContext;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.offline.OfflineCopy;
import org.liaison.api.offline.OfflineService;
import org.liaison.api.store.LocalCollection;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.testing.Osgi;
import org.liaison.testing.ui.Workbench;
import org.liaison.ui.internal.StatusLine;
import org.osgi.framework.ServiceReference;

/**
 * A computer where the user kept another one as the synchronizing client ({@code sync.enabled=false},
 * what the wizard writes for "keep the other computer"): neither {@code ./liaison sync} (once or
 * {@code --watch}) nor the desktop's scheduler syncs messaging data, each says why, and Go Offline and
 * CRM browsing still work.
 */
class SyncDisabledTest {

	private static final String WHY = "sync.enabled=false";
	private static final String PROFILE = "standby";

	@Test
	void syncEnabledFalse_nothingSynced_headlessAndDesktopSayWhy_goOfflineAndCrmStillWork() throws Exception {
		try (DemoWorld world = new DemoWorld(PROFILE, 120, "sync.enabled", "false")) {
			MessagingReport first = world.firstSync;
			assertFalse(first.instance().synchronizing());
			assertTrue(first.instance().message().contains(WHY), first.instance().message());
			assertEquals(0, first.scanned(), "no mail looked at");
			assertTrue(first.pim().isEmpty(), "no contacts, appointments or tasks pair ran");
			assertNothingSynced(world);

			// ./liaison sync and ./liaison sync --watch: one line saying why, exit code 4, nothing synced
			for (List<String> args : List.of(List.of("--profile", world.data.profileFile.toString()),
					List.of("--profile", world.data.profileFile.toString(), "--watch"))) {
				ByteArrayOutputStream out = new ByteArrayOutputStream();
				int code = syncCommand().run(args, context(out));
				String printed = out.toString(StandardCharsets.UTF_8);
				assertEquals(4, code, args + ": " + printed);
				assertTrue(printed.contains(WHY) && printed.contains("Nothing was synced"), printed);
			}
			assertNothingSynced(world);

			// Go Offline is its own process: it still copies demo's records
			try (CrmClient crm = world.client(); OfflineCopy copy = Osgi.service(OfflineService.class).open(PROFILE)) {
				copy.goOffline(crm, new NullProgressMonitor());
				long copied = copy.status().records().values().stream().mapToLong(Long::longValue).sum();
				assertTrue(copied > 0, "records were copied: " + copy.status());
			}

			Workbench.run("sync-disabled", (display, shell, app) -> {
				// F9: the scheduler's run says why it synced nothing
				MailViewTest.execute(app.getChildren().get(0), "org.liaison.ui.command.syncnow", "F9");
				Ui.until(display, () -> String.valueOf(StatusLine.text()).contains(WHY), "the status line to say why");
				ViewsTest.area(display, 5);
				Label summary = Ui.await(display, "sync.summary");
				Ui.until(display, () -> summary.getText().contains(WHY), "the Sync view to say why");
				// the CRM can still be browsed
				ViewsTest.area(display, 4);
				Label status = Ui.await(display, "crm.status");
				Text search = Ui.await(display, "crm.search");
				search.setText(world.accountWord);
				org.eclipse.swt.widgets.Table records = Ui.await(display, "crm.records");
				Ui.until(display, () -> status.getText().startsWith(records.getItemCount() + " accounts")
						&& records.getItemCount() > 0, "the CRM's accounts");
				Ui.idle(display);
			});
			assertNothingSynced(world);
		}
	}

	/** No contact, appointment or task reached the local store, no email was tracked, no client claimed. */
	private static void assertNothingSynced(DemoWorld world) throws Exception {
		try (ProfileStore store = Osgi.service(OfflineStore.class).open(PROFILE)) {
			for (LocalCollection c : store.localPim().collections()) {
				int[] n = { 0 };
				store.localPim().changes(c.id(), 0, x -> n[0]++);
				assertEquals(0, n[0], c.kind() + " items in the local store");
			}
		}
		try (CrmClient crm = world.client()) {
			assertEquals(0, crm.query("liaison_clientinstances", CrmQuery.select("liaison_clientinstanceid")
					.filter("_ownerid_value eq " + world.data.demo)).records().size(), "no synchronizing client claimed");
			assertEquals(0, crm.query("emails", CrmQuery.select("activityid").filter("messageid eq '<c0@customer.test>'"))
					.records().size(), "no email tracked");
		}
	}

	private static Command syncCommand() throws Exception {
		var refs = Osgi.context().getServiceReferences(Command.class, "(" + Command.NAME + "=sync)");
		ServiceReference<Command> ref = refs.iterator().next();
		return Osgi.context().getService(ref);
	}

	private static CommandContext context(ByteArrayOutputStream out) {
		PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
		return new CommandContext() {
			@Override
			public PrintStream out() {
				return print;
			}

			@Override
			public PrintStream err() {
				return print;
			}

			@Override
			public IProgressMonitor monitor() {
				return new NullProgressMonitor();
			}
		};
	}
}
