package org.liaison.ui.wizard.internal;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.liaison.api.messaging.InstanceStatus;
import org.liaison.api.messaging.MessagingService;
import org.liaison.api.profile.Profile;
import org.liaison.ui.wizard.ConfigurationWizard;
import org.liaison.ui.wizard.SettingsContext;
import org.liaison.ui.wizard.SettingsPage;
import org.liaison.ui.wizard.SettingsPageProvider;
import org.osgi.service.component.annotations.Component;

/**
 * The synchronizing-client question: of all the computers where the user signs in, one syncs messaging
 * data. When another one does, the user chooses whether this one takes over.
 */
@Component(service = SettingsPageProvider.class)
public class InstancePageProvider implements SettingsPageProvider {

	@Override
	public String id() {
		return "synchronizing-client";
	}

	@Override
	public String title() {
		return "Synchronizing computer";
	}

	@Override
	public String description() {
		return "Only one of your computers synchronizes your mailbox with the CRM.";
	}

	@Override
	public int order() {
		return 300;
	}

	@Override
	public String dependsOn() {
		return "synchronizing-organization";
	}

	@Override
	public SettingsPage createPage() {
		return new Page();
	}

	static final class Page implements SettingsPage {
		private SettingsContext context;
		private Label status;
		private Button takeOver;
		private Button stay;
		private Button check;
		private InstanceStatus answer;
		private String error;
		private boolean syncHere = true;
		private boolean editing;
		private boolean asked;

		@Override
		public void init(Composite parent, Map<String, String> settings, SettingsContext ctx) {
			this.context = ctx;
			this.syncHere = !"false".equals(settings.get("sync.enabled"));
			this.editing = settings.containsKey("name");
			parent.setLayout(new GridLayout(1, false));
			status = Forms.note(parent, "instance-status");
			status.setText("Liaison asks the CRM which of your computers synchronizes ...");
			takeOver = new Button(parent, SWT.RADIO);
			takeOver.setText("Make this computer the synchronizing client (the other one stops synchronizing)");
			takeOver.setData(Forms.TEST_ID, "instance-take-over");
			stay = new Button(parent, SWT.RADIO);
			stay.setText("Keep the other computer; work with the CRM here without synchronizing");
			stay.setData(Forms.TEST_ID, "instance-stay");
			check = Forms.button(parent, "Ask again", "instance-check", this::ask);
			takeOver.setSelection(syncHere);
			stay.setSelection(!syncHere);
			for (Button b : new Button[] { takeOver, stay }) {
				b.addListener(SWT.Selection, e -> {
					syncHere = takeOver.getSelection();
					ctx.changed();
				});
				b.setVisible(false);
			}
		}

		@Override
		public void shown(Map<String, String> settings) {
			ask();
		}

		private void ask() {
			asked = true;
			answer = null;
			error = null;
			try {
				Profile p = context.profile(Map.of());
				answer = context.run("Asking the CRM about your synchronizing client",
						m -> context.service(MessagingService.class).instanceStatus(p));
				boolean other = !answer.synchronizing() && answer.otherName() != null;
				status.setText(other
						? "Your synchronizing client now is '" + answer.otherName() + "'. Should this computer take over?"
						: answer.synchronizing() ? "This computer is your synchronizing client."
								: "No computer synchronizes for you yet: this one will.");
				takeOver.setVisible(other);
				stay.setVisible(other);
				if (!other) {
					syncHere = true;
				}
			} catch (java.io.IOException e) {
				error = "Cannot ask yet: " + e.getMessage();
				status.setText(error);
			} catch (InvocationTargetException e) {
				error = "Cannot ask the CRM: " + Forms.message(e);
				status.setText(error);
			} catch (InterruptedException e) {
				error = "Cancelled: ask again to go on.";
				status.setText(error);
			}
			check.setVisible(error != null);
			status.getParent().layout(true);
			context.changed();
		}

		@Override
		public boolean isValid() {
			return getErrorMessage() == null;
		}

		@Override
		public String getErrorMessage() {
			if (editing && !asked) {
				return null; // a profile being changed keeps its answer unless the page is visited
			}
			return answer == null ? (error == null ? "Waiting for the CRM's answer." : error) : null;
		}

		@Override
		public void save(Map<String, String> settings) {
			if (!asked) {
				return;
			}
			boolean other = answer != null && !answer.synchronizing() && answer.otherName() != null;
			settings.put("sync.enabled", syncHere ? "" : "false");
			context.shared().put(ConfigurationWizard.TAKE_OVER, other && syncHere);
		}

		@Override
		public boolean isReconnectionRequired() {
			return false;
		}
	}
}
