package org.liaison.ui.wizard.internal;

import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.liaison.ui.wizard.SettingsPage;
import org.liaison.ui.wizard.SettingsPageProvider;
import org.osgi.service.component.annotations.Component;

/** The sync options page: interval and conflict policy. */
@Component(service = SettingsPageProvider.class)
public class SyncOptionsPageProvider implements SettingsPageProvider {

	static final String INTERVAL = "sync.interval.minutes";
	static final String POLICY = "sync.conflict.policy";
	static final String[] POLICIES = { "CRM_WINS", "MAILBOX_WINS", "NEWEST", "ASK" };

	@Override
	public String id() {
		return "sync-options";
	}

	@Override
	public String title() {
		return "Synchronization options";
	}

	@Override
	public int order() {
		return 300;
	}

	@Override
	public SettingsPage createPage() {
		return new SettingsPage() {
			private Spinner interval;
			private Combo policy;

			@Override
			public void init(Composite parent, Map<String, String> settings, Runnable changed) {
				parent.setLayout(new GridLayout(2, false));
				new Label(parent, SWT.NONE).setText("Synchronize every (minutes):");
				interval = new Spinner(parent, SWT.BORDER);
				interval.setValues(Integer.parseInt(settings.getOrDefault(INTERVAL, "15")), 1, 1440, 0, 1, 15);
				interval.addModifyListener(e -> changed.run());
				new Label(parent, SWT.NONE).setText("When both sides changed a field:");
				policy = new Combo(parent, SWT.READ_ONLY);
				policy.setItems(POLICIES);
				policy.setText(settings.getOrDefault(POLICY, "CRM_WINS"));
				policy.addModifyListener(e -> changed.run());
			}

			@Override
			public boolean isValid() {
				return interval != null && interval.getSelection() >= 1;
			}

			@Override
			public String getErrorMessage() {
				return isValid() ? null : "The interval must be at least one minute.";
			}

			@Override
			public void save(Map<String, String> settings) {
				settings.put(INTERVAL, Integer.toString(interval.getSelection()));
				settings.put(POLICY, policy.getText());
			}

			@Override
			public boolean isReconnectionRequired() {
				return false;
			}
		};
	}
}
