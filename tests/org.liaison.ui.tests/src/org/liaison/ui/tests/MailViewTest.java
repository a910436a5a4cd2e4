package org.liaison.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.core.commands.ParameterizedCommand;
import org.eclipse.e4.core.commands.ECommandService;
import org.eclipse.e4.core.commands.EHandlerService;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.ui.bindings.EBindingService;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.testing.ui.Screenshots;
import org.liaison.testing.ui.Workbench;
import org.liaison.ui.internal.Ids;
import org.liaison.ui.internal.RecordPicker;

/** The mail view on demo-like data: tracking state and reasons, Track by its key, Set Regarding by the picker. */
class MailViewTest {

	static final String TRACKED = "\u2714 Tracked";

	@Test
	void trackAStrangersEmailWithCtrlT_thenSetRegardingAnAccountPickedBySearching() throws Exception {
		try (DemoWorld world = new DemoWorld(120)) {
			assertTrue(world.firstSync.tracked() >= 1, "mail from CRM contacts is tracked by the demo's option: "
					+ world.firstSync);
			Workbench.run("mail-track", (display, shell, app) -> {
				Table messages = Ui.await(display, "mail.messages");
				Ui.until(display, () -> messages.getItemCount() >= 7, "the inbox's 7 messages");
				assertTrue(Ui.row(messages, 0, TRACKED) >= 0, "mail from a CRM contact shows as tracked");

				// Track: Ctrl+T is bound to the Track command, which tracks the selected message
				int question = Ui.row(messages, 1, "Question about your product");
				assertEquals("", messages.getItem(question).getText(0), "a stranger's mail is not tracked");
				Ui.select(messages, question);
				Label why = Ui.await(display, "mail.why");
				assertTrue(why.getText().startsWith("Not tracked. Why: "), why.getText());
				execute(app.getChildren().get(0), "org.liaison.ui.command.track", "M1+T");
				Ui.until(display, () -> TRACKED.equals(messages.getItem(Ui.row(messages, 1,
						"Question about your product")).getText(0)), "the message to show as tracked");
				Ui.until(display, () -> why.getText().startsWith("Tracked"), "the reason of the tracked message");
				// the preview keeps the message's history with the reasons
				Ui.idle(display);
				Ui.select(messages, Ui.row(messages, 1, "Question about your product"));
				Text tracked = Ui.await(display, "mail.preview");
				Ui.until(display, () -> tracked.getText().contains("History:"), "the tracked message's history");

				// Set Regarding: the picker searches the CRM as the user types
				Ui.idle(display);
				int meeting = Ui.row(messages, 1, "Meeting next week");
				Ui.select(messages, meeting);
				AtomicReference<String> picked = new AtomicReference<>();
				AtomicReference<Throwable> failed = new AtomicReference<>();
				display.timerExec(100, () -> drivePicker(display, world.accountWord, picked, failed));
				Ui.click(Ui.await(display, "mail.regarding"));
				if (failed.get() != null) {
					throw new AssertionError("the picker failed", failed.get());
				}
				assertNotNull(picked.get(), "a record was picked");
				Ui.until(display, () -> {
					int r = Ui.row(messages, 1, "Meeting next week");
					return r >= 0 && messages.getItem(r).getText(4).equals("Account: " + picked.get());
				}, "the message to show its regarding account " + picked.get());
				Ui.select(messages, Ui.row(messages, 1, "Meeting next week"));
				Text preview = Ui.await(display, "mail.preview");
				Ui.until(display, () -> preview.getText().contains("can we talk this week"), "the preview's body");
				Ui.idle(display);
				Screenshots.forReadme(display, shell, "mail");
			});
			try (CrmClient crm = world.client()) {
				List<CrmRecord> emails = crm.query("emails", CrmQuery.select("activityid", "messageid",
						"_regardingobjectid_value").filter("messageid eq '<p2@prospect.test>'")).records();
				assertEquals(1, emails.size(), "the email is in the CRM once");
				assertNotNull(emails.get(0).lookup("regardingobjectid"), "regarding the picked account");
				assertEquals(1, crm.query("emails", CrmQuery.select("activityid")
						.filter("messageid eq '<p1@prospect.test>'")).records().size(), "the tracked email is in the CRM");
			}
		}
	}

	/** In the picker's own event loop: types a name, waits for the search, picks the first account. */
	static void drivePicker(Display display, String word, AtomicReference<String> picked, AtomicReference<Throwable> failed) {
		Shell picker = null;
		for (Shell s : display.getShells()) {
			if ("picker".equals(s.getData(Ids.KEY)) && s.isVisible()) {
				picker = s;
			}
		}
		if (picker == null) {
			display.timerExec(100, () -> drivePicker(display, word, picked, failed));
			return;
		}
		Shell dialog = picker;
		try {
			Text search = (Text) Ui.find(dialog, "picker.search");
			org.eclipse.swt.widgets.Combo type = (org.eclipse.swt.widgets.Combo) Ui.find(dialog, "picker.type");
			type.select(1); // accounts
			type.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
			for (String typed : new String[] { word.substring(0, 1), word.substring(0, 2), word.substring(0, 3), word }) {
				search.setText(typed); // each key restarts the quiet time: one search runs, not five
			}
			Table results = (Table) Ui.find(dialog, "picker.results");
			Label status = (Label) Ui.find(dialog, "picker.status");
			long deadline = System.currentTimeMillis() + 30_000;
			Runnable[] wait = new Runnable[1];
			wait[0] = () -> {
				try {
					if (!status.getText().contains("\u201c" + word + "\u201d") || results.getItemCount() == 0) {
						if (System.currentTimeMillis() > deadline) {
							throw new AssertionError("no search result for " + word + ": " + status.getText());
						}
						display.timerExec(100, wait[0]);
						return;
					}
					RecordPicker p = (RecordPicker) dialog.getData();
					assertTrue(p.searches() <= 3, "typing five keys quickly ran " + p.searches() + " searches");
					for (int i = 0; i < results.getItemCount(); i++) {
						assertTrue(results.getItem(i).getText(0).contains(word), results.getItem(i).getText(0));
					}
					Ui.select(results, 0);
					picked.set(results.getItem(0).getText(0));
					Screenshots.forReadme(display, dialog, "picker");
					Button ok = null;
					for (org.eclipse.swt.widgets.Control c : ((org.eclipse.swt.widgets.Composite) dialog.getChildren()[0])
							.getChildren()) {
						ok = ok != null ? ok : findOk(c);
					}
					assertNotNull(ok, "the OK button");
					assertTrue(ok.isEnabled());
					Ui.click(ok);
				} catch (Throwable t) {
					failed.set(t);
					dialog.close();
				}
			};
			display.timerExec(100, wait[0]);
		} catch (Throwable t) {
			failed.set(t);
			dialog.close();
		}
	}

	private static Button findOk(org.eclipse.swt.widgets.Control c) {
		if (c instanceof Button b && b.getData() instanceof Integer id && id == org.eclipse.jface.dialogs.IDialogConstants.OK_ID) {
			return b;
		}
		if (c instanceof org.eclipse.swt.widgets.Composite k) {
			for (org.eclipse.swt.widgets.Control x : k.getChildren()) {
				Button b = findOk(x);
				if (b != null) {
					return b;
				}
			}
		}
		return null;
	}

	/** Checks that {@code keys} is bound to the command, then runs it as the key would. */
	static void execute(MWindow window, String commandId, String keys) {
		IEclipseContext ctx = window.getContext().getActiveLeaf();
		ECommandService commands = ctx.get(ECommandService.class);
		EHandlerService handlers = ctx.get(EHandlerService.class);
		EBindingService bindings = ctx.get(EBindingService.class);
		ParameterizedCommand cmd = commands.createCommand(commandId, null);
		var sequence = bindings.createSequence(keys);
		ParameterizedCommand bound = bindings.getPerfectMatch(sequence) == null ? null
				: bindings.getPerfectMatch(sequence).getParameterizedCommand();
		assertNotNull(bound, keys + " is bound");
		assertEquals(commandId, bound.getId(), keys + " runs " + commandId);
		handlers.executeHandler(cmd);
	}
}
