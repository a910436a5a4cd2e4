package org.liaison.ui.wizard.internal;

import java.util.Map;

import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.liaison.ui.wizard.SettingsPage;
import org.liaison.ui.wizard.SettingsPageProvider;

/** A wizard page showing one contributed {@link SettingsPage}. */
final class ProviderPage extends WizardPage {

	final SettingsPageProvider provider;
	final SettingsPage page;
	private final LiaisonWizard wizard;

	ProviderPage(SettingsPageProvider provider, LiaisonWizard wizard) {
		super(provider.id(), provider.title(), null);
		this.provider = provider;
		this.page = provider.createPage();
		this.wizard = wizard;
		setDescription(provider.description());
	}

	@Override
	public void createControl(Composite parent) {
		Composite body = new Composite(parent, SWT.NONE);
		body.setLayout(new FillLayout());
		Composite content = new Composite(body, SWT.NONE);
		content.setData("org.liaison.test.id", "wizard-page-" + provider.id());
		page.init(content, wizard.initialSettings(), wizard.contextFor(this));
		setControl(body);
		update();
	}

	/** Whether the page's controls exist (the user has been on it). */
	boolean created() {
		return isControlCreated();
	}

	/** Validates again and shows the page's message. */
	void update() {
		boolean valid = page.isValid();
		setErrorMessage(valid ? null : page.getErrorMessage());
		setPageComplete(valid);
	}

	@Override
	public void setVisible(boolean visible) {
		if (visible) {
			// JFace shows the new page before it hides the old one: the page left saves first, so that
			// what it shows is the settings this page sees
			wizard.entering(this);
		}
		super.setVisible(visible);
		if (visible) {
			page.shown(Map.copyOf(wizard.settings()));
			update();
		}
	}
}
