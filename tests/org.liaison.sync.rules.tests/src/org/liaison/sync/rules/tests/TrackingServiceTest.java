package org.liaison.sync.rules.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.ParticipationType;
import org.liaison.api.model.RecordRef;
import org.liaison.api.tracking.TrackedEmail;
import org.liaison.api.tracking.TrackingDecision;
import org.liaison.api.tracking.TrackingOptions;
import org.liaison.api.tracking.TrackingService;
import org.liaison.testing.Osgi;

/** Tracking decisions, each with the reason a user reads. */
class TrackingServiceTest {

	final TrackingService tracking = Osgi.service(TrackingService.class);
	final FakeCrm crm = new FakeCrm();
	final RecordRef opportunity = new RecordRef("opportunities", UUID.randomUUID());

	static EmailMessage mail(String id, String from, String subject, String inReplyTo, List<String> refs) {
		return new EmailMessage(id, inReplyTo, refs, subject, List.of(ActivityParty.of(ParticipationType.SENDER, from),
				ActivityParty.of(ParticipationType.TO, "me@example.test")), Instant.parse("2026-11-01T10:00:00Z"), null,
				null, null, null, null, false, null, null, null);
	}

	@Test
	void everyStandardOptionIsInstalled() {
		List<String> ids = tracking.rules().stream().map(r -> r.id()).toList();
		assertEquals(List.of("all", "from-crm-customers", "from-email-enabled", "none", "replies"), ids);
	}

	@Test
	void replyToATrackedEmailIsTrackedToTheSameOpportunity() {
		crm.track("<a@x>", opportunity, null);
		TrackingDecision d = tracking.decide(mail("<b@x>", "ann@customer.test", "Re: offer", "<a@x>", List.of("<a@x>")),
				TrackingOptions.of("replies"), crm);
		assertTrue(d.track());
		assertEquals(opportunity, d.regarding());
		assertTrue(d.reason().contains("replies to <a@x>"), d.reason());
	}

	@Test
	void referencesFindTheConversationWhenInReplyToIsUnknown() {
		crm.track("<root@x>", opportunity, null);
		TrackingDecision d = tracking.decide(mail("<c@x>", "ann@customer.test", "Re: Re: offer", "<unknown@x>",
				List.of("<root@x>", "<unknown@x>")), TrackingOptions.of("replies"), crm);
		assertTrue(d.track());
		assertEquals(opportunity, d.regarding());
		assertTrue(d.reason().contains("References"), d.reason());
	}

	@Test
	void trackingTokenInTheSubjectCorrelatesWhenHeadersDoNot() {
		crm.track("<orig@x>", opportunity, "CRM:0001234");
		TrackingDecision d = tracking.decide(mail("<d@x>", "ann@customer.test", "Fwd: offer CRM:0001234", null, null),
				TrackingOptions.of("replies"), crm);
		assertTrue(d.track());
		assertEquals(opportunity, d.regarding());
		assertTrue(d.reason().contains("CRM:0001234"), d.reason());
	}

	@Test
	void repliesOptionLeavesANewConversationUntrackedAndSaysWhy() {
		TrackingDecision d = tracking.decide(mail("<e@x>", "ann@customer.test", "Hello", null, null),
				TrackingOptions.of("replies"), crm);
		assertFalse(d.track());
		assertTrue(d.reason().contains("does not respond"), d.reason());
	}

	@Test
	void emailFromACrmContactIsTrackedWithTheContactAsRegarding() {
		RecordRef contact = crm.add("contacts", "ann@customer.test");
		TrackingDecision d = tracking.decide(mail("<f@x>", "Ann@Customer.test", "Hi", null, null),
				TrackingOptions.of("from-crm-customers"), crm);
		assertTrue(d.track());
		assertEquals(contact, d.regarding());
	}

	@Test
	void ambiguousSenderStaysUnresolvedAndIsNotGuessed() {
		crm.add("contacts", "shared@customer.test");
		crm.add("contacts", "shared@customer.test");
		TrackingDecision d = tracking.decide(mail("<g@x>", "shared@customer.test", "Hi", null, null),
				TrackingOptions.of("from-crm-customers"), crm);
		assertFalse(d.track());
		assertTrue(d.reason().contains("matches 2 contacts records"), d.reason());
	}

	@Test
	void userMatchesBeforeContactsInResolutionOrder() {
		crm.add("contacts", "colleague@us.test");
		crm.add("systemusers", "colleague@us.test");
		TrackingDecision customers = tracking.decide(mail("<h@x>", "colleague@us.test", "Hi", null, null),
				TrackingOptions.of("from-crm-customers"), crm);
		assertFalse(customers.track(), "a colleague is a user first, not a customer: " + customers.reason());
		TrackingDecision enabled = tracking.decide(mail("<h@x>", "colleague@us.test", "Hi", null, null),
				TrackingOptions.of("from-email-enabled"), crm);
		assertTrue(enabled.track());
		assertEquals("systemusers", enabled.regarding().entitySet());
	}

	@Test
	void aMessageAlreadyInTheCrmStaysOneCrmEmail() {
		TrackedEmail first = crm.track("<i@x>", opportunity, null);
		TrackingDecision d = tracking.decide(mail("<i@x>", "ann@customer.test", "Hi", null, null),
				TrackingOptions.of("none"), crm);
		assertTrue(d.track());
		assertEquals(first.email(), d.existing(), "the second tracking joins the first CRM email");
	}

	@Test
	void trackedFolderTracksEverythingInIt() {
		TrackingDecision d = tracking.decide(mail("<j@x>", "nobody@else.test", "Hi", null, null),
				new TrackingOptions("none", "Deals/ACME", true, opportunity), crm);
		assertTrue(d.track());
		assertEquals(opportunity, d.regarding());
		assertTrue(d.reason().contains("Deals/ACME"));
	}

	@Test
	void noneTracksNothingAutomatically() {
		TrackingDecision d = tracking.decide(mail("<k@x>", "ann@customer.test", "Hi", null, null),
				TrackingOptions.of("none"), crm);
		assertFalse(d.track());
		assertNull(d.regarding());
	}

	@Test
	void unknownOptionTracksNothingAndSaysSo() {
		TrackingDecision d = tracking.decide(mail("<l@x>", "ann@customer.test", "Hi", null, null),
				TrackingOptions.of("from-mars"), crm);
		assertFalse(d.track());
		assertTrue(d.reason().contains("not installed"));
	}
}
