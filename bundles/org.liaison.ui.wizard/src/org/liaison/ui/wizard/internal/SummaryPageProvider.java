package org.liaison.ui.wizard.internal;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.liaison.api.messaging.MessagingOptions;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.api.messaging.MessagingService;
import org.liaison.api.model.ItemKind;
import org.liaison.api.profile.Profile;
import org.liaison.api.sync.SideCounts;
import org.liaison.api.sync.SyncReport;
import org.liaison.ui.wizard.ConfigurationWizard;
import org.liaison.ui.wizard.SettingsContext;
import org.liaison.ui.wizard.SettingsPage;
import org.liaison.ui.wizard.SettingsPageProvider;
import org.osgi.service.component.annotations.Component;

/**
 * The last page: a dry run of the first sync with the settings made (the messaging service decides
 * everything and writes nothing), so the user sees what Finish will lead to before anything changes.
 */
@Component(service = SettingsPageProvider.class)
public class SummaryPageProvider implements SettingsPageProvider {

	@Override
	public String id() {
		return "summary";
	}

	@Override
	public String title() {
		return "Summary";
	}

	@Override
	public String description() {
		return "What the first synchronization would do (a dry run: nothing has been changed yet).";
	}

	@Override
	public int order() {
		return 900;
	}

	@Override
	public SettingsPage createPage() {
		return new Page();
	}

	static final class Page implements SettingsPage {
		private SettingsContext context;
		private Label status;
		private Text report;
		private String error;
		private boolean done;
		private boolean editing;
		private boolean shown;

		@Override
		public void init(Composite parent, Map<String, String> settings, SettingsContext ctx) {
			this.context = ctx;
			this.editing = settings.containsKey("name");
			parent.setLayout(new GridLayout(1, false));
			status = Forms.note(parent, "summary-status");
			report = new Text(parent, SWT.BORDER | SWT.MULTI | SWT.READ_ONLY | SWT.V_SCROLL | SWT.WRAP);
			report.setData(Forms.TEST_ID, "summary-report");
			report.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
			Forms.button(parent, "Run the dry run again", "summary-again", this::dryRun);
		}

		@Override
		public void shown(Map<String, String> settings) {
			shown = true;
			dryRun();
		}

		private void dryRun() {
			done = false;
			error = null;
			report.setText("");
			try {
				Profile p = context.profile(Map.of());
				boolean takeOver = Boolean.TRUE.equals(context.shared().get(ConfigurationWizard.TAKE_OVER));
				status.setText("Asking every server what the first synchronization would do ...");
				MessagingReport r = context.run("Dry run of the first synchronization", m -> context
						.service(MessagingService.class).sync(p, new MessagingOptions(true, takeOver, false), m));
				report.setText(text(p, r));
				status.setText(r.ok() ? "Everything answered. Finish saves the profile; nothing above has happened yet."
						: "The dry run found problems (below). You can go back and change the settings, or finish anyway.");
				done = true;
			} catch (java.io.IOException e) {
				error = "The settings are not complete: " + e.getMessage();
			} catch (InvocationTargetException e) {
				error = "The dry run failed: " + Forms.message(e);
			} catch (InterruptedException e) {
				error = "Dry run cancelled: run it again to finish.";
			}
			if (error != null) {
				status.setText(error);
			}
			status.getParent().layout(true);
			context.changed();
		}

		static String text(Profile p, MessagingReport r) {
			StringBuilder b = new StringBuilder();
			b.append("Profile ").append(p.name()).append(": ").append(p.crm().serviceRoot()).append('\n');
			if (p.mail() != null) {
				b.append("Mailbox ").append(p.mail().address()).append(" (").append(p.mail().protocol()).append(")\n");
			}
			b.append("Contacts, calendar and tasks: ")
					.append("dav".equals(p.pim()) ? p.dav().url().toString() : "in Liaison on this computer")
					.append("\nEvery ").append(p.interval().toMinutes()).append(" minutes; tracking: ")
					.append(p.trackingOption()).append("\n\n");
			if (r.instance() != null && r.instance().message() != null) {
				b.append(r.instance().message()).append("\n\n");
			}
			for (Map.Entry<ItemKind, SyncReport> e : r.pim().entrySet()) {
				SyncReport s = e.getValue();
				b.append(e.getKey().entitySet()).append(": into the mailbox ").append(counts(s.mailbox()))
						.append("; into the CRM ").append(counts(s.crm())).append('\n');
				if (s.brakeTripped()) {
					b.append("  stopped by the delete brake: ").append(s.brakeMessage()).append('\n');
				}
			}
			b.append("Email: ").append(r.scanned()).append(" scanned, ").append(r.tracked()).append(" to track, ")
					.append(r.untracked()).append(" not tracked; ").append(r.sent()).append(" outgoing CRM email to send\n");
			if (!r.problems().isEmpty()) {
				b.append("\nProblems:\n");
				r.problems().forEach(x -> b.append("  ").append(x).append('\n'));
			}
			return b.toString();
		}

		private static String counts(SideCounts c) {
			return c.created() + " new, " + c.updated() + " changed, " + c.deleted() + " deleted"
					+ (c.conflicts() > 0 ? ", " + c.conflicts() + " conflicts" : "");
		}

		@Override
		public boolean isValid() {
			return getErrorMessage() == null;
		}

		@Override
		public String getErrorMessage() {
			if (editing && !shown) {
				return null; // a changed profile may be finished from any page
			}
			return done ? null : error == null ? "Waiting for the dry run." : error;
		}

		@Override
		public void save(Map<String, String> settings) {
		}

		@Override
		public boolean isReconnectionRequired() {
			return false;
		}
	}
}
