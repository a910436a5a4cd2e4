package org.liaison.sync.rules.tests;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.liaison.api.model.RecordRef;
import org.liaison.api.tracking.AddressResolution;
import org.liaison.api.tracking.TrackedEmail;
import org.liaison.api.tracking.TrackingContext;

/** The CRM lookups a tracking rule makes, answered from maps (the rules' own logic is under test). */
final class FakeCrm implements TrackingContext {
	final Map<String, List<RecordRef>> addresses = new HashMap<>();
	final Map<String, TrackedEmail> byMessageId = new HashMap<>();
	final Map<String, TrackedEmail> byToken = new HashMap<>();

	RecordRef add(String entitySet, String address) {
		RecordRef r = new RecordRef(entitySet, UUID.randomUUID());
		addresses.computeIfAbsent(address, a -> new ArrayList<>()).add(r);
		return r;
	}

	TrackedEmail track(String messageId, RecordRef regarding, String token) {
		TrackedEmail t = new TrackedEmail(new RecordRef("emails", UUID.randomUUID()), regarding, token);
		byMessageId.put(messageId, t);
		if (token != null) {
			byToken.put(token, t);
		}
		return t;
	}

	@Override
	public List<RecordRef> resolve(String address) {
		List<RecordRef> out = new ArrayList<>(addresses.getOrDefault(address, List.of()));
		out.sort((a, b) -> Integer.compare(AddressResolution.ORDER.indexOf(a.entitySet()),
				AddressResolution.ORDER.indexOf(b.entitySet())));
		return out;
	}

	@Override
	public Optional<TrackedEmail> trackedByMessageId(String messageId) {
		return Optional.ofNullable(byMessageId.get(messageId));
	}

	@Override
	public Optional<TrackedEmail> trackedByToken(String token) {
		return Optional.ofNullable(byToken.get(token));
	}
}
