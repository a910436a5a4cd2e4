package org.liaison.ui.internal.parts;

import jakarta.annotation.PostConstruct;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The sync status: for now, the Liaison services that are wired in this installation (connectors,
 * engine, store, scheduler, filters, tracking rules), read from the service registry.
 */
public class StatusPart {

	static final String[][] SERVICES = { { "Mail connector", "org.liaison.api.mail.MailConnector" },
			{ "Contacts, calendar, tasks", "org.liaison.api.pim.PimConnector" },
			{ "CRM connector", "org.liaison.api.crm.CrmConnector" },
			{ "Sync engine", "org.liaison.api.sync.SyncEngine" },
			{ "Conflict resolver", "org.liaison.api.sync.ConflictResolver" },
			{ "Offline store", "org.liaison.api.store.OfflineStore" },
			{ "Scheduler", "org.liaison.sync.scheduler.SyncScheduler" },
			{ "Sync filters", "org.liaison.api.filter.SyncFilterProvider" },
			{ "Tracking rules", "org.liaison.api.tracking.TrackingRule" } };

	@PostConstruct
	void create(Composite parent) {
		parent.setLayout(new GridLayout(1, false));
		Label title = new Label(parent, SWT.NONE);
		title.setText("Liaison is not connected yet. Its services in this installation:");
		Table table = new Table(parent, SWT.BORDER | SWT.FULL_SELECTION);
		table.setData("org.liaison.test.id", "services");
		table.setHeaderVisible(true);
		table.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		for (String c : new String[] { "Role", "Provided by" }) {
			TableColumn col = new TableColumn(table, SWT.NONE);
			col.setText(c);
			col.setWidth(260);
		}
		for (String[] s : SERVICES) {
			TableItem item = new TableItem(table, SWT.NONE);
			item.setText(new String[] { s[0], String.join(", ", providers(s[1])) });
		}
	}

	static List<String> providers(String serviceClass) {
		List<String> out = new ArrayList<>();
		Bundle b = FrameworkUtil.getBundle(StatusPart.class);
		BundleContext ctx = b == null ? null : b.getBundleContext();
		if (ctx == null) {
			return out;
		}
		try {
			Collection<ServiceReference<?>> refs = new ArrayList<>();
			ServiceReference<?>[] all = ctx.getAllServiceReferences(serviceClass, null);
			if (all != null) {
				refs.addAll(List.of(all));
			}
			for (ServiceReference<?> r : refs) {
				Object name = r.getProperty("component.name");
				out.add(name == null ? r.getBundle().getSymbolicName() : simple(name.toString()));
			}
		} catch (InvalidSyntaxException e) {
			throw new IllegalStateException(e);
		}
		if (out.isEmpty()) {
			out.add("(none)");
		}
		return out;
	}

	private static String simple(String cls) {
		return cls.substring(cls.lastIndexOf('.') + 1);
	}
}
