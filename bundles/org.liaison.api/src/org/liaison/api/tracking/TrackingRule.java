package org.liaison.api.tracking;

import org.liaison.api.model.EmailMessage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides whether an email is tracked automatically. Rules are services; the user's tracking
 * option picks one by {@link #id()}, and plug-ins may add rules.
 */
@ConsumerType
public interface TrackingRule {

	/** A stable id, e.g. {@code none}, {@code all}, {@code replies}, {@code from-crm-records}. */
	String id();

	/** A name to show. */
	String label();

	/** The decision for one message, with its reason. */
	TrackingDecision decide(EmailMessage message, TrackingContext context);
}
