package org.liaison.ui.internal;

/** Names the controls that tests drive ({@code control.getData(Ids.KEY)}). */
public final class Ids {

	/** The widget data key holding a control's test id. */
	public static final String KEY = "org.liaison.test.id";

	private Ids() {
	}
}
