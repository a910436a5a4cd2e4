package org.liaison.ui.wizard.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.swt.widgets.Shell;
import org.liaison.ui.wizard.ConfigurationWizard;
import org.liaison.ui.wizard.SettingsPageProvider;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** {@link ConfigurationWizard}: a JFace wizard of every {@link SettingsPageProvider} service there is. */
@Component(service = ConfigurationWizard.class)
public class WizardService implements ConfigurationWizard {

	private final List<SettingsPageProvider> providers = new CopyOnWriteArrayList<>();
	private BundleContext bundle;

	@Activate
	void activate(BundleContext context) {
		this.bundle = context;
	}

	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
	void addProvider(SettingsPageProvider p) {
		providers.add(p);
	}

	void removeProvider(SettingsPageProvider p) {
		providers.remove(p);
	}

	/** The providers in the order the wizard shows their pages (by order, each after the page it depends on). */
	public static List<SettingsPageProvider> pageOrder(List<SettingsPageProvider> providers) {
		return LiaisonWizard.order(providers);
	}

	@Override
	public Result open(Shell parent, Path profileFile) {
		LiaisonWizard wizard;
		try {
			wizard = new LiaisonWizard(bundle, List.copyOf(providers), profileFile);
		} catch (IOException e) {
			MessageDialog.openError(parent, "Cannot read the profile", profileFile + ": " + e.getMessage());
			return null;
		}
		WizardDialog dialog = new WizardDialog(parent, wizard);
		dialog.setPageSize(780, 500);
		dialog.setMinimumPageSize(560, 380);
		dialog.create();
		dialog.getShell().setData("org.liaison.test.id", "wizard");
		return dialog.open() == WizardDialog.OK ? wizard.result() : null;
	}
}
