package org.liaison.ui.internal.parts;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.e4.ui.workbench.modeling.EPartService.PartState;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.jface.viewers.ListViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.liaison.ui.internal.Ids;

/** The navigation: mail, contacts, calendar, tasks, CRM and sync; choosing one brings its view forward. */
public class FoldersPart {

	static final String[] AREAS = { "Mail", "Contacts", "Calendar", "Tasks", "CRM", "Sync" };

	@Inject
	EPartService parts;

	/** The part id of an area. */
	public static String partId(String area) {
		return "org.liaison.ui.part." + area.toLowerCase();
	}

	@PostConstruct
	void create(Composite parent) {
		ListViewer viewer = new ListViewer(parent, SWT.SINGLE | SWT.V_SCROLL);
		viewer.setContentProvider(ArrayContentProvider.getInstance());
		viewer.setLabelProvider(new LabelProvider());
		viewer.setInput(AREAS);
		viewer.getList().setData(Ids.KEY, "folders");
		viewer.addSelectionChangedListener(e -> {
			Object area = ((IStructuredSelection) e.getSelection()).getFirstElement();
			if (area instanceof String a) {
				parts.showPart(partId(a), PartState.ACTIVATE);
			}
		});
	}
}
