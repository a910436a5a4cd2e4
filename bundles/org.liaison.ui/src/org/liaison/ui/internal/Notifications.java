package org.liaison.ui.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.jface.notifications.NotificationPopup;
import org.eclipse.swt.widgets.Display;

/**
 * Small non-modal popups at the corner of the screen, for what needs the user: new conflicts,
 * quarantined items. They close by themselves and never take the focus.
 */
public final class Notifications {

	private static final List<String> shown = new CopyOnWriteArrayList<>();

	private Notifications() {
	}

	/** Shows a notification (from any thread). */
	public static void show(Display display, String title, String text) {
		shown.add(title + ": " + text);
		if (display.isDisposed()) {
			return;
		}
		display.asyncExec(() -> NotificationPopup.forDisplay(display).title(title, false).text(text).delay(8000)
				.open());
	}

	/** Every notification shown in this session, oldest first (for tests). */
	public static List<String> shown() {
		return List.copyOf(shown);
	}
}
