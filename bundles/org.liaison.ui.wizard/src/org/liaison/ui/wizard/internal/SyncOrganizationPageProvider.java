package org.liaison.ui.wizard.internal;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Text;
import org.liaison.ui.wizard.SettingsContext;
import org.liaison.ui.wizard.SettingsPage;
import org.liaison.ui.wizard.SettingsPageProvider;
import org.liaison.ui.wizard.internal.Organizations.Org;
import org.osgi.service.component.annotations.Component;

/**
 * Choose the synchronizing organization: of the organizations added, the one whose records sync with
 * the mailbox (the others are browsed and edited only), and the profile's name.
 */
@Component(service = SettingsPageProvider.class)
public class SyncOrganizationPageProvider implements SettingsPageProvider {

	@Override
	public String id() {
		return "synchronizing-organization";
	}

	@Override
	public String title() {
		return "Synchronizing organization";
	}

	@Override
	public String description() {
		return "Only one organization synchronizes with your mailbox; you can browse and edit the others.";
	}

	@Override
	public int order() {
		return 150;
	}

	@Override
	public String dependsOn() {
		return "organizations";
	}

	@Override
	public SettingsPage createPage() {
		return new Page();
	}

	static final class Page implements SettingsPage {
		private SettingsContext context;
		private Text name;
		private Group group;
		private final List<Button> radios = new ArrayList<>();
		private List<Org> orgs = List.of();
		private String chosen;
		private String initialChoice;
		private boolean editing;

		@Override
		public void init(Composite parent, Map<String, String> settings, SettingsContext ctx) {
			this.context = ctx;
			this.editing = settings.containsKey("name");
			this.chosen = settings.get("crm.org");
			this.initialChoice = chosen;
			parent.setLayout(new GridLayout(2, false));
			name = Forms.text(parent, "Profile name:", "profile-name", settings.getOrDefault("name", "work"),
					ctx::changed);
			name.setEditable(!editing);
			group = new Group(parent, SWT.NONE);
			group.setText("The organization that synchronizes with your mailbox");
			group.setLayout(new GridLayout(1, false));
			GridData g = new GridData(SWT.FILL, SWT.FILL, true, true);
			g.horizontalSpan = 2;
			group.setLayoutData(g);
			Forms.note(parent, "sync-org-note").setText("Contacts, appointments and tasks of the synchronizing "
					+ "organization appear in your mailbox, and the mail you track goes into it. A user syncs with one "
					+ "organization only.");
			shown(settings);
		}

		@Override
		public void shown(Map<String, String> settings) {
			orgs = Organizations.read(settings);
			if (chosen == null || orgs.stream().noneMatch(o -> o.id.equals(chosen))) {
				chosen = settings.getOrDefault("crm.org", orgs.isEmpty() ? null : orgs.get(0).id);
			}
			for (Control c : group.getChildren()) {
				c.dispose();
			}
			radios.clear();
			for (Org o : orgs) {
				Button b = new Button(group, SWT.RADIO);
				b.setText(o.label() + "  (" + o.get("url") + ")");
				b.setData(Forms.TEST_ID, "sync-org-" + o.id);
				b.setSelection(o.id.equals(chosen));
				b.addListener(SWT.Selection, e -> {
					if (b.getSelection()) {
						chosen = o.id;
						context.changed();
					}
				});
				radios.add(b);
			}
			group.getParent().layout(true, true);
		}

		@Override
		public boolean isValid() {
			return getErrorMessage() == null;
		}

		@Override
		public String getErrorMessage() {
			String n = name.getText().trim();
			if (!n.matches("[A-Za-z0-9._-]+")) {
				return "The profile name may hold letters, digits, '.', '_' and '-' only.";
			}
			if (!editing && Files.exists(ProfileFiles.fileOf(n))) {
				return "A profile called " + n + " exists already.";
			}
			if (chosen == null) {
				return "Choose the synchronizing organization.";
			}
			return null;
		}

		@Override
		public void save(Map<String, String> settings) {
			settings.put("name", name.getText().trim());
			List<Org> now = Organizations.read(settings);
			if (!now.isEmpty()) {
				Organizations.write(now, chosen, settings);
			}
		}

		@Override
		public boolean isReconnectionRequired() {
			return initialChoice != null && !initialChoice.equals(chosen);
		}
	}
}
