package org.liaison.ui.internal.parts;

import jakarta.annotation.PostConstruct;

import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.jface.viewers.ListViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;

/** The navigation: mail folders, contacts, calendar, tasks, CRM. */
public class FoldersPart {

	static final String[] AREAS = { "Mail", "Contacts", "Calendar", "Tasks", "CRM", "Sync" };

	@PostConstruct
	void create(Composite parent) {
		ListViewer viewer = new ListViewer(parent, SWT.SINGLE | SWT.V_SCROLL);
		viewer.setContentProvider(ArrayContentProvider.getInstance());
		viewer.setLabelProvider(new LabelProvider());
		viewer.setInput(AREAS);
		viewer.getList().setData("org.liaison.test.id", "folders");
	}
}
