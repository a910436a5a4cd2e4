package org.liaison.sync.rules.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.liaison.api.filter.SyncFilterProvider;
import org.liaison.api.model.ItemKind;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.propertytypes.ServiceRanking;

/**
 * The reference product's default appointment filter: appointments the user organises or attends,
 * ending no earlier than 30 days ago.
 */
@Component(service = SyncFilterProvider.class)
@ServiceRanking(0)
public class MyAppointmentsFilter implements SyncFilterProvider {

	static final Duration BACK = Duration.ofDays(30);

	@Override
	public ItemKind kind() {
		return ItemKind.APPOINTMENT;
	}

	@Override
	public String label() {
		return "My appointments (from 30 days back)";
	}

	@Override
	public String filter(UUID userId, Instant now) {
		Instant from = now.minus(BACK).truncatedTo(ChronoUnit.DAYS);
		return "(_ownerid_value eq " + userId + " or appointment_activity_parties/any(p:p/_partyid_value eq " + userId
				+ ")) and scheduledend ge " + from;
	}
}
