package org.liaison.messaging.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmPage;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.RecordRef;
import org.liaison.api.tracking.AddressResolution;
import org.liaison.api.tracking.Correlation;
import org.liaison.api.tracking.TrackedEmail;
import org.liaison.api.tracking.TrackingContext;

/**
 * {@link TrackingContext} over the CRM, for one run. Lookups are made in bulk before decisions
 * ({@link #prefetch}): the Message-IDs a batch of messages names and the addresses it holds cost a
 * few queries per hundred messages, not one per message; what was looked up is remembered for the run.
 */
final class CrmTrackingContext implements TrackingContext {

	/** Address fields per entity set, in resolution order. */
	static final Map<String, List<String>> ADDRESS_FIELDS = new java.util.LinkedHashMap<>();
	static {
		ADDRESS_FIELDS.put("systemusers", List.of("internalemailaddress"));
		ADDRESS_FIELDS.put("contacts", List.of("emailaddress1", "emailaddress2", "emailaddress3"));
		ADDRESS_FIELDS.put("accounts", List.of("emailaddress1"));
		ADDRESS_FIELDS.put("leads", List.of("emailaddress1"));
	}

	static final Map<String, String> SET_OF = Map.of("systemuser", "systemusers", "contact", "contacts", "account",
			"accounts", "lead", "leads", "opportunity", "opportunities", "email", "emails", "appointment",
			"appointments", "task", "tasks");

	private static final int CHUNK = 50;
	/** The longest $filter of a Message-ID lookup, in characters before URL encoding (about 12 KB encoded). */
	static final int MAX_FILTER_CHARS = 9_000;

	private final CrmClient crm;
	private final Pattern tokens;
	private final Map<String, List<RecordRef>> addresses = new HashMap<>();
	private final Map<String, Optional<TrackedEmail>> byMessageId = new HashMap<>();

	CrmTrackingContext(CrmClient crm, boolean tokensOn) {
		this.crm = crm;
		this.tokens = tokensOn ? Correlation.DEFAULT_TOKEN : null;
	}

	/** Looks up, in bulk, everything deciding these messages will ask. */
	void prefetch(Collection<EmailMessage> messages) throws CrmException {
		Set<String> ids = new LinkedHashSet<>();
		Set<String> addrs = new LinkedHashSet<>();
		for (EmailMessage m : messages) {
			if (m.messageId() != null) {
				ids.add(m.messageId());
			}
			ids.addAll(m.ancestors());
			for (ActivityParty p : m.parties()) {
				if (p.address() != null) {
					addrs.add(p.normalizedAddress());
				}
			}
		}
		ids.removeAll(byMessageId.keySet());
		addrs.removeAll(addresses.keySet());
		loadEmails(new ArrayList<>(ids));
		loadAddresses(new ArrayList<>(addrs));
	}

	private void loadEmails(List<String> ids) throws CrmException {
		for (List<String> chunk : byLength(ids, "messageid")) {
			for (String id : chunk) {
				byMessageId.put(id, Optional.empty());
			}
			for (CrmRecord r : all("emails", CrmQuery.select("activityid", "messageid", "_regardingobjectid_value",
					"trackingtoken").filter(or("messageid", chunk)))) {
				byMessageId.put(r.string("messageid"), Optional.of(tracked(r)));
			}
		}
	}

	private void loadAddresses(List<String> addrs) throws CrmException {
		for (int i = 0; i < addrs.size(); i += CHUNK) {
			List<String> chunk = addrs.subList(i, Math.min(addrs.size(), i + CHUNK));
			for (String a : chunk) {
				addresses.put(a, new ArrayList<>());
			}
			for (Map.Entry<String, List<String>> set : ADDRESS_FIELDS.entrySet()) {
				List<String> terms = new ArrayList<>();
				for (String field : set.getValue()) {
					terms.add(or(field, chunk));
				}
				List<String> select = new ArrayList<>(set.getValue());
				for (CrmRecord r : all(set.getKey(), new CrmQuery(select, String.join(" or ", terms), null, null, null,
						false))) {
					for (String field : set.getValue()) {
						String v = r.string(field);
						List<RecordRef> list = v == null ? null : addresses.get(v.toLowerCase(Locale.ROOT));
						RecordRef ref = new RecordRef(set.getKey(), r.id());
						if (list != null && !list.contains(ref)) {
							list.add(ref);
						}
					}
				}
			}
		}
	}

	private List<CrmRecord> all(String set, CrmQuery q) throws CrmException {
		List<CrmRecord> out = new ArrayList<>();
		CrmPage page = crm.query(set, q);
		out.addAll(page.records());
		while (page.nextLink() != null) {
			page = crm.next(page);
			out.addAll(page.records());
		}
		return out;
	}

	/**
	 * Message-IDs vary in length, so lookups are cut by the length of their filter rather than by
	 * count: as many as fit in {@link #MAX_FILTER_CHARS}, the fewer requests the better (a mailbox of
	 * 10,000 messages asks about 50 times, not 200), the URL well below the Web API's limit.
	 */
	static List<List<String>> byLength(List<String> values, String field) {
		List<List<String>> out = new ArrayList<>();
		List<String> chunk = new ArrayList<>();
		int length = 0;
		for (String v : values) {
			int term = field.length() + v.length() + 12; // " eq '...' or ", quotes doubled now and then
			if (!chunk.isEmpty() && length + term > MAX_FILTER_CHARS) {
				out.add(chunk);
				chunk = new ArrayList<>();
				length = 0;
			}
			chunk.add(v);
			length += term;
		}
		if (!chunk.isEmpty()) {
			out.add(chunk);
		}
		return out;
	}

	static String or(String field, List<String> values) {
		StringBuilder b = new StringBuilder();
		for (String v : values) {
			if (b.length() > 0) {
				b.append(" or ");
			}
			b.append(field).append(" eq ").append(CrmQuery.quote(v));
		}
		return b.toString();
	}

	static TrackedEmail tracked(CrmRecord r) {
		java.util.UUID regarding = r.lookup("regardingobjectid");
		String type = r.lookupType("regardingobjectid");
		RecordRef reg = regarding == null || type == null ? null : new RecordRef(SET_OF.getOrDefault(type, type + "s"), regarding);
		return new TrackedEmail(new RecordRef("emails", r.id()), reg, r.string("trackingtoken"));
	}

	/** Remembers an email this run created (or is creating), so later messages of the run correlate with it. */
	void remember(String messageId, TrackedEmail email) {
		byMessageId.put(messageId, Optional.of(email));
	}

	/** Forgets an email the CRM refused to create: it is not there. */
	void forget(String messageId) {
		byMessageId.put(messageId, Optional.empty());
	}

	/** Where the Message-IDs looked up from now on are noted (null: nowhere). */
	void consulting(Set<String> consulted) {
		this.consulted = consulted;
	}

	private Set<String> consulted;

	@Override
	public List<RecordRef> resolve(String address) {
		String a = address.toLowerCase(Locale.ROOT);
		List<RecordRef> known = addresses.get(a);
		if (known == null) {
			try {
				loadAddresses(List.of(a));
			} catch (CrmException e) {
				throw new IllegalStateException("cannot resolve " + a + " in the CRM: " + e.getMessage(), e);
			}
			known = addresses.get(a);
		}
		List<RecordRef> out = new ArrayList<>(known);
		out.sort((x, y) -> Integer.compare(AddressResolution.ORDER.indexOf(x.entitySet()),
				AddressResolution.ORDER.indexOf(y.entitySet())));
		return out;
	}

	@Override
	public Optional<TrackedEmail> trackedByMessageId(String messageId) {
		if (consulted != null) {
			consulted.add(messageId);
		}
		Optional<TrackedEmail> t = byMessageId.get(messageId);
		if (t == null) {
			try {
				loadEmails(List.of(messageId));
			} catch (CrmException e) {
				throw new IllegalStateException("cannot look up " + messageId + " in the CRM: " + e.getMessage(), e);
			}
			t = byMessageId.get(messageId);
		}
		return t;
	}

	@Override
	public Optional<TrackedEmail> trackedByToken(String token) {
		try {
			List<CrmRecord> r = crm.query("emails", CrmQuery.select("activityid", "messageid", "_regardingobjectid_value",
					"trackingtoken").filter("trackingtoken eq " + CrmQuery.quote(token)).top(1)).records();
			return r.isEmpty() ? Optional.empty() : Optional.of(tracked(r.get(0)));
		} catch (CrmException e) {
			throw new IllegalStateException("cannot look up the tracking token " + token + ": " + e.getMessage(), e);
		}
	}

	@Override
	public Optional<Correlation> correlate(EmailMessage message) {
		return Correlation.find(message, this, tokens);
	}
}
