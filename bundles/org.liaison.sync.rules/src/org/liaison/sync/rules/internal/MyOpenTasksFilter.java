package org.liaison.sync.rules.internal;

import java.time.Instant;
import java.util.UUID;

import org.liaison.api.filter.SyncFilterProvider;
import org.liaison.api.model.ItemKind;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/** The reference product's default task filter: open tasks the user owns. */
@Component(service = SyncFilterProvider.class)
@ServiceRanking(0)
public class MyOpenTasksFilter implements SyncFilterProvider {

	@Override
	public ItemKind kind() {
		return ItemKind.TASK;
	}

	@Override
	public String label() {
		return "My open tasks";
	}

	@Override
	public String filter(UUID userId, Instant now) {
		return "_ownerid_value eq " + userId + " and statecode eq 0";
	}
}
