package org.liaison.ui.wizard.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.Test;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestPasswords;
import org.liaison.testing.ui.Screenshots;
import org.liaison.ui.wizard.ConfigurationWizard;
import org.liaison.ui.wizard.SettingsPage;
import org.liaison.ui.wizard.SettingsPageProvider;
import org.liaison.ui.wizard.internal.ProfileFiles;
import org.liaison.ui.wizard.internal.WizardService;
import org.osgi.framework.ServiceRegistration;

/**
 * A connector's own page: a {@link SettingsPageProvider} service registered by another bundle (here the
 * test) joins the wizard at the place its order and dependsOn say, gets the profile's settings, and
 * what it saves lands in the profile; changing an existing profile is finished from any page.
 */
class ThirdPartyPageTest extends InFreshHome {

	/** A page for a made-up connector: its region. */
	static final class AcmeProvider implements SettingsPageProvider {
		final int order;
		final String id;
		final String dependsOn;

		AcmeProvider(String id, int order, String dependsOn) {
			this.id = id;
			this.order = order;
			this.dependsOn = dependsOn;
		}

		@Override
		public String id() {
			return id;
		}

		@Override
		public String title() {
			return "Acme connector";
		}

		@Override
		public int order() {
			return order;
		}

		@Override
		public String dependsOn() {
			return dependsOn;
		}

		@Override
		public SettingsPage createPage() {
			return new SettingsPage() {
				private Text region;

				@Override
				public void init(Composite parent, Map<String, String> settings, Runnable changed) {
					parent.setLayout(new GridLayout(2, false));
					new Label(parent, SWT.NONE).setText("Region:");
					region = new Text(parent, SWT.BORDER);
					region.setData(Ui.TEST_ID, "acme-region");
					region.setText(settings.getOrDefault("acme.region", ""));
					region.addModifyListener(e -> changed.run());
				}

				@Override
				public boolean isValid() {
					return !region.getText().isBlank();
				}

				@Override
				public String getErrorMessage() {
					return isValid() ? null : "Type the Acme region.";
				}

				@Override
				public void save(Map<String, String> settings) {
					settings.put("acme.region", region.getText().trim());
				}

				@Override
				public boolean isReconnectionRequired() {
					return false;
				}
			};
		}
	}

	@Test
	void pageOrder_byKey_eachAfterThePageItDependsOn() {
		List<SettingsPageProvider> in = List.of(new AcmeProvider("a", 100, null), new AcmeProvider("b", 150, "c"),
				new AcmeProvider("c", 300, null), new AcmeProvider("d", 200, null),
				new AcmeProvider("e", 50, "missing"));
		assertEquals(List.of("e", "a", "d", "c", "b"),
				WizardService.pageOrder(in).stream().map(SettingsPageProvider::id).toList());
	}

	@Test
	void connectorPage_joinsTheWizard_andWhatItSavesLandsInTheProfile() throws Exception {
		Path file = Profiles.unreachable("work");
		Profiles.saveSecrets(file, "crm", "mail");
		ServiceRegistration<SettingsPageProvider> reg = Osgi.register(SettingsPageProvider.class,
				new AcmeProvider("acme", 175, "synchronizing-organization"), 0);
		try {
			Display display = Display.getDefault();
			Ui ui = new Ui(display);
			ConfigurationWizard.Result r = ui.wizard("thirdparty", file, () -> {
				Shell wizard = ui.shell("wizard");
				assertEquals("Liaison settings: work", wizard.getText());
				assertNotNull(ui.find("wizard-page-acme"), "the connector's page is in the wizard");
				// changing a profile: Finish is offered once every page is valid, from any page
				assertFalse(ui.button(wizard, "Finish").isEnabled(), "the Acme region is still missing");
				ui.type("acme-region", "eu-west");
				Spinner interval = ui.find("sync-interval");
				interval.setSelection(30);
				ui.settle();
				assertTrue(ui.button(wizard, "Finish").isEnabled(), "Finish from the first page");
				ui.click(ui.button(wizard, "Finish"));
			});
			assertNotNull(r);
			assertEquals(file, r.profileFile());
			assertFalse(r.reconnect(), "nothing about the connections changed");
			Map<String, String> after = ProfileFiles.read(file);
			assertEquals("eu-west", after.get("acme.region"));
			assertEquals("30", after.get("sync.interval"));
			assertEquals("https://127.0.0.1:9/api/data/v9.2/", after.get("crm.url"));
			assertEquals(30, Profile.load(file).interval().toMinutes());
		} finally {
			reg.unregister();
		}
	}
}
