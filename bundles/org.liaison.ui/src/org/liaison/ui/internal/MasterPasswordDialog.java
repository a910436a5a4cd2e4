package org.liaison.ui.internal;

import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.liaison.api.security.MasterPasswordPrompt;

/**
 * The desktop's prompt for the master password of secure storage (asked the first time a secret is
 * read or stored in a session, unless {@code LIAISON_MASTER_PASSWORD} gives it). Called from any
 * thread; the dialog runs on the workbench's display.
 */
final class MasterPasswordDialog extends Dialog {

	private final boolean create;
	private Text text;
	private char[] result;

	private MasterPasswordDialog(Shell parent, boolean create) {
		super(parent);
		this.create = create;
	}

	/** A prompt that shows this dialog on {@code display}. */
	static MasterPasswordPrompt prompt(Display display) {
		return create -> {
			char[][] out = { null };
			if (!display.isDisposed()) {
				display.syncExec(() -> {
					MasterPasswordDialog d = new MasterPasswordDialog(display.getActiveShell(), create);
					if (d.open() == OK) {
						out[0] = d.result;
					}
				});
			}
			return out[0];
		};
	}

	@Override
	protected void configureShell(Shell shell) {
		super.configureShell(shell);
		shell.setText(create ? "Choose Liaison's master password" : "Liaison's master password");
	}

	@Override
	protected Control createDialogArea(Composite parent) {
		Composite c = (Composite) super.createDialogArea(parent);
		Label l = new Label(c, SWT.WRAP);
		l.setText(create
				? "Your account passwords are kept in secure storage, encrypted with a master password.\nChoose it now; Liaison asks for it once per session and never stores it."
				: "Secure storage holds your account passwords. Enter the master password to unlock it.");
		text = new Text(c, SWT.BORDER | SWT.PASSWORD);
		GridData g = new GridData(GridData.FILL_HORIZONTAL);
		g.widthHint = 320;
		text.setLayoutData(g);
		return c;
	}

	@Override
	protected void okPressed() {
		result = text.getTextChars();
		super.okPressed();
	}
}
