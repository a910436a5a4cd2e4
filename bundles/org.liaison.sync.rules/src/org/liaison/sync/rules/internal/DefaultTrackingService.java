package org.liaison.sync.rules.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.liaison.api.model.EmailMessage;
import org.liaison.api.tracking.Correlation;
import org.liaison.api.tracking.TrackedEmail;
import org.liaison.api.tracking.TrackingContext;
import org.liaison.api.tracking.TrackingDecision;
import org.liaison.api.tracking.TrackingOptions;
import org.liaison.api.tracking.TrackingRule;
import org.liaison.api.tracking.TrackingService;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** {@link TrackingService} over the tracking rules registered as services (plug-ins may add some). */
@Component(service = TrackingService.class)
public class DefaultTrackingService implements TrackingService {

	private final Map<String, TrackingRule> rules = new ConcurrentHashMap<>();

	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
	void addRule(TrackingRule rule) {
		rules.put(rule.id(), rule);
	}

	void removeRule(TrackingRule rule) {
		rules.remove(rule.id(), rule);
	}

	@Override
	public List<TrackingRule> rules() {
		List<TrackingRule> out = new ArrayList<>(rules.values());
		out.sort(Comparator.comparing(TrackingRule::id));
		return out;
	}

	@Override
	public TrackingDecision decide(EmailMessage message, TrackingOptions options, TrackingContext context) {
		if (message.messageId() != null) {
			Optional<TrackedEmail> existing = context.trackedByMessageId(message.messageId());
			if (existing.isPresent()) {
				TrackedEmail e = existing.get();
				return new TrackingDecision(true, "already-tracked",
						"the message is already in the CRM as " + e.email() + "; it stays one CRM email", e.regarding(),
						e.email());
			}
		}
		Optional<Correlation> conversation = context.correlate(message);
		if (options.folderTracked()) {
			var regarding = options.folderRegarding() != null ? options.folderRegarding()
					: conversation.map(c -> c.email().regarding()).orElse(null);
			return TrackingDecision.yes("folder", "the folder '" + options.folderName() + "' is tracked", regarding);
		}
		TrackingRule rule = rules.get(options.ruleId());
		if (rule == null) {
			return TrackingDecision.no(options.ruleId(), "the tracking option '" + options.ruleId()
					+ "' is not installed; nothing is tracked automatically");
		}
		TrackingDecision d = rule.decide(message, context);
		if (d.track() && d.regarding() == null && conversation.isPresent()
				&& conversation.get().email().regarding() != null) {
			return new TrackingDecision(true, d.ruleId(), d.reason() + "; regarding "
					+ conversation.get().email().regarding() + " because " + conversation.get().how(),
					conversation.get().email().regarding(), null);
		}
		return d;
	}
}
