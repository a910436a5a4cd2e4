package org.liaison.messaging.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmConnector;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailChangeSink;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.MailHeader;
import org.liaison.api.mail.MailSyncState;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.mail.MessageBody;
import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.Idents;
import org.liaison.api.model.RecordRef;
import org.liaison.api.model.Tracking;
import org.liaison.api.model.TrackingState;
import org.liaison.api.store.CachedMessage;
import org.liaison.api.store.HistoryEntry;
import org.liaison.api.store.MailFolderState;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.QuarantineEntry;
import org.liaison.api.store.StoreException;
import org.liaison.api.store.SyncBatch;
import org.liaison.api.sync.PlannedAction;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncException;
import org.liaison.api.tracking.AddressResolution;
import org.liaison.api.tracking.TrackedEmail;
import org.liaison.api.tracking.TrackingDecision;
import org.liaison.api.tracking.TrackingOptions;
import org.liaison.api.tracking.TrackingService;

/**
 * Mailbox to CRM: scans folders incrementally (QRESYNC/CONDSTORE where the server has them), decides
 * per new message with the tracking service, and tracks in bulk: bodies fetched for the tracked ones
 * only, CRM emails created with client-chosen ids (the Message-ID's ident) in {@code $batch}es, so a
 * repeated run or another user's earlier tracking never makes a second CRM email. Tracked messages
 * get the {@link MailAccount#TRACKED_KEYWORD} keyword, so other computers see them as tracked; every
 * decision is kept with its reason (the cached message and the history of pair {@code mail:FOLDER}).
 */
final class MailTracker {

	static final int CHUNK = 500;

	/** Counts of one run. */
	static final class Counts {
		int scanned;
		int tracked;
		int joined;
		int untracked;
		int failed;
		final List<String> problems = new ArrayList<>();
	}

	private final CrmClient crm;
	private final CrmConnector connector;
	private final Mailbox mailbox;
	private final ProfileStore store;
	private final TrackingService tracking;
	private final CrmTrackingContext context;
	private final String ruleId;
	private final UUID user;
	private final boolean dryRun;
	private final long runId;

	MailTracker(CrmClient crm, CrmConnector connector, Mailbox mailbox, ProfileStore store, TrackingService tracking,
			CrmTrackingContext context, String ruleId, UUID user, boolean dryRun, long runId) {
		this.crm = crm;
		this.connector = connector;
		this.mailbox = mailbox;
		this.store = store;
		this.tracking = tracking;
		this.context = context;
		this.ruleId = ruleId;
		this.user = user;
		this.dryRun = dryRun;
		this.runId = runId;
	}

	static String pairId(String folder) {
		return "mail:" + folder;
	}

	private String account() {
		return mailbox.account().id();
	}

	/** Scans one folder and tracks what the options say. */
	void scan(String folder, boolean folderTracked, RecordRef folderRegarding, Counts counts, IProgressMonitor monitor)
			throws SyncException {
		TrackingOptions options = new TrackingOptions(ruleId, folder, folderTracked, folderRegarding);
		try {
			MailFolderState st = store.mail().folder(account(), folder).orElse(null);
			MailSyncState since = st == null || st.token() == null ? null : MailSyncState.decode(st.token());
			List<MailHeader> pending = new ArrayList<>();
			MailChangeSink sink = new MailChangeSink() {
				@Override
				public void added(MailHeader header) throws MailException {
					pending.add(header);
					if (pending.size() >= CHUNK) {
						process(folder, pending, options, counts, monitor);
						pending.clear();
					}
				}

				@Override
				public void flagsChanged(long uid, long modSeq, Set<String> flags) throws MailException {
					try {
						if (!dryRun) {
							store.mail().updateFlags(account(), folder, uid, flags, modSeq);
						}
					} catch (StoreException e) {
						throw new MailException("cannot keep the flags of " + folder + "/" + uid + ": " + e.getMessage(), false, e);
					}
				}

				@Override
				public void vanished(long uid) throws MailException {
					try {
						if (!dryRun) {
							store.mail().removeMessages(account(), folder, List.of(uid));
						}
					} catch (StoreException e) {
						throw new MailException("cannot forget " + folder + "/" + uid + ": " + e.getMessage(), false, e);
					}
				}

				@Override
				public void bad(long uid, String reason, byte[] raw) throws MailException {
					counts.failed++;
					counts.problems.add(folder + "/" + uid + ": " + reason);
					quarantine(folder, uid, reason, raw);
				}
			};
			MailSyncState next;
			try {
				next = mailbox.sync(folder, since, sink, monitor);
			} catch (MailException e) {
				if (since == null || !String.valueOf(e.getMessage()).contains("UIDVALIDITY")) {
					throw e;
				}
				// the server renumbered the folder: forget the old state and scan it again
				pending.clear();
				if (!dryRun) {
					store.mail().dropFolder(account(), folder);
				}
				next = mailbox.sync(folder, null, sink, monitor);
			}
			process(folder, pending, options, counts, monitor);
			if (!dryRun) {
				store.mail().saveFolder(new MailFolderState(account(), folder, next.uidValidity(), next.uidNext(),
						next.highestModSeq(), next.encode(), Instant.now()));
			}
		} catch (StoreException e) {
			throw new SyncException("the local store failed while scanning " + folder + ": " + e.getMessage(), e);
		} catch (MailException e) {
			throw new org.liaison.api.sync.TransientException("cannot scan the folder " + folder + ": " + e.getMessage(), e);
		}
	}

	/** Decides and tracks one chunk of new messages. */
	private void process(String folder, List<MailHeader> headers, TrackingOptions options, Counts counts,
			IProgressMonitor monitor) throws MailException {
		if (headers.isEmpty()) {
			return;
		}
		if (monitor.isCanceled()) {
			throw new OperationCanceledException();
		}
		monitor.subTask("Tracking: " + folder + ", " + (counts.scanned + headers.size()) + " messages looked at");
		counts.scanned += headers.size();
		try {
			// the decisions of the chunk are gathered here and written with the cached headers in one
			// transaction after the CRM answered (a crash before it: the folder is scanned again, and the
			// CRM's 412 for an email it holds already keeps it one email)
			states = new HashMap<>();
			List<MailHeader> open = new ArrayList<>();
			for (MailHeader h : headers) {
				if (!h.has(MailAccount.TRACKED_KEYWORD)) {
					open.add(h);
				}
			}
			context.prefetch(open.stream().map(MailHeader::message).toList());
			List<MailHeader> toCreate = new ArrayList<>();
			List<TrackingDecision> decisions = new ArrayList<>();
			List<MailHeader> joined = new ArrayList<>();
			List<TrackingDecision> joinedDecisions = new ArrayList<>();
			SyncBatch history = new SyncBatch();
			for (MailHeader h : open) {
				TrackingDecision d = tracking.decide(h.message(), options, context);
				if (!d.track()) {
					counts.untracked++;
					states.put(h.uid(), new Tracking(TrackingState.UNTRACKED, null, null, d.reason()));
					history.history(entry(folder, h, PlannedAction.Action.NOTHING, d.reason()));
				} else if (d.existing() != null) {
					joined.add(h);
					joinedDecisions.add(d);
				} else {
					toCreate.add(h);
					decisions.add(d);
				}
			}
			create(folder, toCreate, decisions, counts, history);
			for (int i = 0; i < joined.size(); i++) {
				mark(folder, joined.get(i), joinedDecisions.get(i).regarding(), joinedDecisions.get(i).existing(),
						joinedDecisions.get(i).reason(), history);
				counts.joined++;
			}
			if (!dryRun) {
				List<CachedMessage> cache = new ArrayList<>(headers.size());
				for (MailHeader h : headers) {
					Tracking t = states.get(h.uid());
					EmailMessage m = t == null ? h.message() : h.message().withTracking(t.state(), t.regarding(), t.crmRecord());
					cache.add(new CachedMessage(account(), folder, h.uid(), h.ident(), h.modSeq(), h.flags(), h.size(), m,
							t != null ? t.reason() : h.has(MailAccount.TRACKED_KEYWORD) ? "marked tracked in the mailbox" : null));
				}
				store.mail().putMessages(cache);
				store.syncState().apply(history);
				// the keyword last: a crash before it leaves the message to be decided again (the CRM's 412)
				List<Long> uids = new ArrayList<>();
				for (MailHeader h : joined) {
					uids.add(h.uid());
				}
				for (MailHeader h : toCreate) {
					if (trackedNow.contains(h.uid())) {
						uids.add(h.uid());
					}
				}
				if (!uids.isEmpty()) {
					mailbox.setFlags(folder, uids, Set.of(MailAccount.TRACKED_KEYWORD), true);
				}
			}
			trackedNow.clear();
		} catch (CrmException | StoreException e) {
			throw new MailException("tracking stopped in " + folder + ": " + e.getMessage(), false, e);
		} finally {
			states = null;
		}
	}

	/** The decisions of the chunk being processed, by UID; null outside {@link #process} (a write each then). */
	private Map<Long, Tracking> states;

	private final Set<Long> trackedNow = new HashSet<>();

	/** Whether the server answers for a message it delivered before (its flags, over a new connection if need be). */
	private boolean answers(String folder, long uid) {
		try {
			mailbox.headers(folder, List.of(uid), new MailChangeSink() {
				@Override
				public void added(MailHeader header) {
					// it answered
				}

				@Override
				public void flagsChanged(long u, long modSeq, Set<String> flags) {
					// idem
				}

				@Override
				public void vanished(long u) {
					// idem
				}

				@Override
				public void bad(long u, String reason, byte[] raw) {
					// idem
				}
			});
			return true;
		} catch (MailException e) {
			return false;
		}
	}

	/** Messages up to this size are fetched whole, many per request ({@link Mailbox#bodies}). */
	static final long BULK_BODY_BYTES = 256 * 1024;

	private void create(String folder, List<MailHeader> headers, List<TrackingDecision> decisions, Counts counts,
			SyncBatch history) throws MailException, CrmException, StoreException {
		if (headers.isEmpty()) {
			return;
		}
		if (dryRun) {
			counts.tracked += headers.size();
			for (int i = 0; i < headers.size(); i++) {
				history.history(entry(folder, headers.get(i), PlannedAction.Action.CREATE, decisions.get(i).reason()));
			}
			return;
		}
		List<CrmWrite> writes = new ArrayList<>();
		List<UUID> ids = new ArrayList<>();
		List<Integer> index = new ArrayList<>();
		// small messages whole, in few round trips; large ones part by part below (only the text is read)
		List<Long> small = new ArrayList<>();
		for (MailHeader h : headers) {
			if (h.size() <= BULK_BODY_BYTES) {
				small.add(h.uid());
			}
		}
		Map<Long, MessageBody> bodies = small.size() > 1 ? mailbox.bodies(folder, small) : Map.of();
		// a body lost with the connection: the message's fault only if the server answers for the next
		// one (then it is set aside); if the next fail too, the server is gone and the next run retries
		List<MailHeader> suspects = new ArrayList<>();
		List<MailException> suspectErrors = new ArrayList<>();
		for (int i = 0; i < headers.size(); i++) {
			MailHeader h = headers.get(i);
			TrackingDecision d = decisions.get(i);
			try {
				EmailMessage m = withBodyAndParties(folder, h, d.regarding(), bodies.get(h.uid()));
				for (int s = 0; s < suspects.size(); s++) {
					fail(folder, suspects.get(s), "cannot be tracked: " + suspectErrors.get(s).getMessage()
							+ " (the server answered for the next message: this one breaks the connection)", counts, history);
				}
				suspects.clear();
				suspectErrors.clear();
				UUID ident = m.messageId() != null ? Idents.fromNaturalKey(m.messageId()) : h.ident();
				writes.add(connector.createWrite(org.liaison.api.model.ItemKind.EMAIL, ident, m.toData()));
				ids.add(ident);
				index.add(i);
			} catch (MailException e) {
				if (!e.retryable()) {
					fail(folder, h, "cannot be tracked: " + e.getMessage(), counts, history);
				} else if (suspects.size() >= 2) {
					throw e; // three in a row: the connection, not the messages
				} else {
					suspects.add(h);
					suspectErrors.add(e);
				}
			} catch (SyncException e) {
				fail(folder, h, "cannot be tracked: " + e.getMessage(), counts, history);
			}
		}
		if (!suspects.isEmpty()) {
			// nothing after them to tell: the server answering a question about a message it gave
			// before says the fault is theirs; else the next run tries them again
			MailException last = suspectErrors.get(suspectErrors.size() - 1);
			if (index.isEmpty() || !answers(folder, headers.get(index.get(index.size() - 1)).uid())) {
				throw last;
			}
			for (int s = 0; s < suspects.size(); s++) {
				fail(folder, suspects.get(s), "cannot be tracked: " + suspectErrors.get(s).getMessage()
						+ " (the server still answers: this message breaks the connection)", counts, history);
			}
		}
		List<CrmClient.BatchResult> results = crm.batch(writes, false);
		for (int k = 0; k < results.size(); k++) {
			CrmClient.BatchResult r = results.get(k);
			int i = index.get(k);
			MailHeader h = headers.get(i);
			TrackingDecision d = decisions.get(i);
			RecordRef email = new RecordRef("emails", ids.get(k));
			if (r.ok() || r.status() == 412) {
				// 412: the email with this Message-ID's id is there already (another user, an earlier run)
				mark(folder, h, d.regarding(), email, r.ok() ? d.reason()
						: d.reason() + "; the CRM already held it, so it stays one CRM email", history);
				if (r.ok()) {
					counts.tracked++;
				} else {
					counts.joined++;
				}
				trackedNow.add(h.uid());
				if (h.message().messageId() != null) {
					context.remember(h.message().messageId(), new TrackedEmail(email, d.regarding(), null));
				}
			} else {
				fail(folder, h, "the CRM refused it: " + (r.error() == null ? "HTTP " + r.status() : r.error().getMessage()),
						counts, history);
			}
		}
	}

	private void mark(String folder, MailHeader h, RecordRef regarding, RecordRef email, String reason, SyncBatch history)
			throws StoreException {
		keep(folder, h, new Tracking(TrackingState.TRACKED, regarding, email, reason));
		history.history(entry(folder, h, PlannedAction.Action.CREATE, reason));
	}

	private void fail(String folder, MailHeader h, String reason, Counts counts, SyncBatch history) throws StoreException {
		counts.failed++;
		String msg = "the message '" + h.message().subject() + "' (" + folder + "/" + h.uid() + ") " + reason;
		counts.problems.add(msg);
		keep(folder, h, new Tracking(TrackingState.FAILED, null, null, msg));
		history.history(entry(folder, h, PlannedAction.Action.QUARANTINE, msg));
	}

	/** A decision: gathered for the chunk's one write, or written at once (tracking by hand). */
	private void keep(String folder, MailHeader h, Tracking t) throws StoreException {
		if (states != null) {
			states.put(h.uid(), t);
		} else if (!dryRun) {
			store.mail().setTracking(account(), folder, h.uid(), t);
		}
	}

	private void quarantine(String folder, long uid, String reason, byte[] raw) throws MailException {
		if (dryRun) {
			return;
		}
		try {
			store.syncState().apply(new SyncBatch().add(new SyncBatch.Quarantine(new QuarantineEntry(0, pairId(folder),
					Side.MAILBOX, folder + "/" + uid, "1", null, reason,
					raw == null ? null : new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1), Instant.now()))));
		} catch (StoreException e) {
			throw new MailException("cannot quarantine " + folder + "/" + uid + ": " + e.getMessage(), false, e);
		}
	}

	private HistoryEntry entry(String folder, MailHeader h, PlannedAction.Action action, String reason) {
		return new HistoryEntry(runId, Instant.now(), pairId(folder), h.ident(), Side.CRM, action, reason,
				folder + "/" + h.uid());
	}

	/** The message with its body and its parties resolved to CRM records (unresolved where ambiguous). */
	private EmailMessage withBodyAndParties(String folder, MailHeader h, RecordRef regarding, MessageBody fetched)
			throws MailException {
		EmailMessage m = h.message();
		MessageBody body = fetched != null ? fetched : mailbox.body(folder, h.uid());
		List<ActivityParty> parties = new ArrayList<>();
		for (ActivityParty p : m.parties()) {
			AddressResolution.Result r = p.address() == null ? null : AddressResolution.resolve(p.address(), context);
			parties.add(r != null && r.resolved() ? p.resolvedTo(r.record()) : p);
		}
		boolean outgoing = m.outgoing() || (m.sender() != null && mailbox.account().address() != null
				&& mailbox.account().address().equalsIgnoreCase(m.sender().address()));
		return new EmailMessage(m.messageId(), m.inReplyTo(), m.references(), m.subject(), parties, m.sentOn(),
				body.text(), body.html(), folder + "/" + h.uid(), body.attachments(), m.headers(), outgoing,
				TrackingState.TRACKED, regarding, null);
	}

	/**
	 * Tracks one message because the user said so (Track, Set Regarding): a message already in the
	 * CRM gets the new regarding record; otherwise a CRM email is made as an automatic tracking would.
	 */
	org.liaison.api.messaging.TrackResult trackByHand(String folder, MailHeader header, RecordRef regarding)
			throws MailException, CrmException, StoreException {
		SyncBatch history = new SyncBatch();
		String why = regarding == null ? "tracked by the user" : "set regarding " + regarding + " by the user";
		context.prefetch(List.of(header.message()));
		var existing = header.message().messageId() == null ? java.util.Optional.<TrackedEmail>empty()
				: context.trackedByMessageId(header.message().messageId());
		Counts counts = new Counts();
		if (existing.isPresent()) {
			RecordRef email = existing.get().email();
			if (regarding != null && !regarding.equals(existing.get().regarding())) {
				String logical = regarding.entitySet().equals("opportunities") ? "opportunity"
						: regarding.entitySet().substring(0, regarding.entitySet().length() - 1);
				crm.write(CrmWrite.update("emails", email.id(), java.util.Map.of("regardingobjectid_" + logical
						+ "_email@odata.bind", "/" + regarding.entitySet() + "(" + regarding.id() + ")"), "*"), List.of());
			}
			RecordRef reg = regarding != null ? regarding : existing.get().regarding();
			mark(folder, header, reg, email, why + "; it was already in the CRM as " + email, history);
			trackedNow.add(header.uid());
		} else {
			create(folder, List.of(header), List.of(TrackingDecision.yes("user", why, regarding)), counts, history);
		}
		if (trackedNow.remove(header.uid())) {
			mailbox.setFlags(folder, List.of(header.uid()), Set.of(MailAccount.TRACKED_KEYWORD), true);
			store.syncState().apply(history);
			var m = store.mail().message(account(), folder, header.uid()).orElse(null);
			EmailMessage em = m == null ? header.message() : m.message();
			return new org.liaison.api.messaging.TrackResult(TrackingState.TRACKED, em.crmEmail(), em.regarding(),
					m == null ? why : m.trackingReason());
		}
		store.syncState().apply(history);
		throw new MailException(counts.problems.isEmpty() ? "the message could not be tracked" : counts.problems.get(0));
	}

	UUID user() {
		return user;
	}
}
