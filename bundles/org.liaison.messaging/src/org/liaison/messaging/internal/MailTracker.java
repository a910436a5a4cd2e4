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
import org.liaison.api.store.MailStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.QuarantineEntry;
import org.liaison.api.store.StoreConsumer;
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
			// flags changed elsewhere, and the keyword this client set in its last run: 500 per transaction
			List<MailStore.FlagChange> flagChanges = new ArrayList<>();
			// messages gone from the folder, forgotten 500 per transaction too (after the flag changes before them)
			List<Long> gone = new ArrayList<>();
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
					if (!dryRun) {
						flagChanges.add(new MailStore.FlagChange(uid, flags, modSeq));
						if (flagChanges.size() >= CHUNK) {
							keepFlags(folder, flagChanges);
						}
					}
				}

				@Override
				public void vanished(long uid) throws MailException {
					if (!dryRun) {
						gone.add(uid);
						if (gone.size() >= CHUNK) {
							forget(folder, flagChanges, gone);
						}
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
				flagChanges.clear();
				gone.clear();
				drain();
				if (!dryRun) {
					store.mail().dropFolder(account(), folder);
				}
				next = mailbox.sync(folder, null, sink, monitor);
			}
			process(folder, pending, options, counts, monitor);
			forget(folder, flagChanges, gone);
			drain();
			if (!dryRun) {
				store.mail().saveFolder(new MailFolderState(account(), folder, next.uidValidity(), next.uidNext(),
						next.highestModSeq(), next.encode(), Instant.now()));
			}
		} catch (StoreException e) {
			throw new SyncException("the local store failed while scanning " + folder + ": " + e.getMessage(), abandon(e));
		} catch (MailException e) {
			throw new org.liaison.api.sync.TransientException("cannot scan the folder " + folder + ": " + e.getMessage(),
					abandon(e));
		} catch (RuntimeException e) {
			throw abandon(e);
		}
	}

	/** Writes the flag changes gathered so far, in one transaction, and forgets them. */
	private void keepFlags(String folder, List<MailStore.FlagChange> changes) throws MailException {
		flush(changes, c -> store.mail().updateFlags(account(), folder, c),
				() -> "cannot keep the flags of " + changes.size() + " messages in " + folder);
	}

	/**
	 * Writes the flag changes gathered so far, then forgets the messages gone from the folder, each in
	 * one transaction (a folder emptied elsewhere is a few transactions, not one a message); the CRM
	 * emails tracked from them stay.
	 */
	private void forget(String folder, List<MailStore.FlagChange> changes, List<Long> gone) throws MailException {
		keepFlags(folder, changes);
		flush(gone, g -> store.mail().removeMessages(account(), folder, g),
				() -> "cannot forget " + gone.size() + " messages gone from " + folder + " (the first UID "
						+ gone.get(0) + ")");
	}

	/** Writes what the scan gathered, if anything, in one store write, then empties it. */
	private static <T> void flush(List<T> gathered, StoreConsumer<List<T>> write,
			java.util.function.Supplier<String> failure) throws MailException {
		if (gathered.isEmpty()) {
			return;
		}
		try {
			write.accept(gathered);
		} catch (StoreException e) {
			throw new MailException(failure.get() + ": " + e.getMessage(), false, e);
		}
		gathered.clear();
	}

	/**
	 * A scan that stops still records what the CRM did for the chunk in flight, if it can: else the
	 * next run finds those emails in the CRM (412) and keeps them one email each.
	 */
	private <E extends Exception> E abandon(E e) {
		while (!inFlight.isEmpty()) {
			try {
				complete();
			} catch (MailException | RuntimeException again) {
				e.addSuppressed(again);
			}
		}
		try {
			settle(); // it forgets the recording first, so a failure here is not met again
		} catch (MailException | RuntimeException again) {
			e.addSuppressed(again);
		}
		return e;
	}

	/** One message's decision, and for a message to create, its CRM write or why it cannot be made. */
	private static final class Plan {
		final MailHeader header;
		TrackingDecision decision;
		/** The Message-IDs deciding it looked up: redone if one of them turns out not to be in the CRM. */
		Set<String> consulted;
		CrmWrite write;
		UUID id;
		String failure;

		Plan(MailHeader header) {
			this.header = header;
		}

		boolean creates() {
			return decision.track() && decision.existing() == null;
		}
	}

	/** A chunk: its messages, their plans, and the {@code $batch} that creates its CRM emails. */
	private static final class Chunk {
		final String folder;
		final List<MailHeader> headers;
		final List<Plan> plans = new ArrayList<>();
		/** Whether the cached headers are written with the decisions (a scan), or only the decisions (by hand). */
		final boolean cache;
		List<Plan> sent = List.of();
		/** The messages to mark tracked once the decisions are recorded; then the ones marked. */
		List<Long> flag = List.of();
		List<Long> flagged = List.of();
		java.util.concurrent.FutureTask<List<CrmClient.BatchResult>> batch;
		/** Recording the decisions in the store, in the background while the next chunks go on. */
		java.util.concurrent.FutureTask<Void> record;

		final Counts counts;

		Chunk(String folder, List<MailHeader> headers, boolean cache, Counts counts) {
			this.counts = counts;
			this.folder = folder;
			this.headers = headers;
			this.cache = cache;
		}
	}

	/**
	 * Chunks whose CRM emails are being created, oldest first, while the next one is read and decided:
	 * two, so that the CRM always has the next {@code $batch} at hand when it finishes one.
	 */
	private final java.util.ArrayDeque<Chunk> inFlight = new java.util.ArrayDeque<>();

	static final int IN_FLIGHT = 2;

	/** The chunk before it, whose decisions are being written to the store (then its messages marked). */
	private Chunk recording;

	/**
	 * Decides and tracks one chunk of new messages. Its CRM emails are created in the background
	 * while the scan reads and decides the next chunks (up to {@link #IN_FLIGHT} chunks are at the
	 * CRM); their decisions count the emails in flight as tracked. When the oldest chunk's answer
	 * shows emails the CRM refused, the messages of the chunk at hand that leaned on one are decided
	 * again; a chunk already sent keeps its decisions, whose reasons name the email they leaned on.
	 */
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
			Chunk chunk = new Chunk(folder, new ArrayList<>(headers), true, counts);
			List<MailHeader> open = new ArrayList<>();
			for (MailHeader h : chunk.headers) {
				if (!h.has(MailAccount.TRACKED_KEYWORD)) {
					open.add(h);
				}
			}
			context.prefetch(open.stream().map(MailHeader::message).toList());
			for (MailHeader h : open) {
				chunk.plans.add(new Plan(h));
			}
			decide(chunk.plans, options);
			prepare(folder, chunk.plans);
			Set<String> refused = inFlight.size() >= IN_FLIGHT ? complete() : Set.of();
			if (!refused.isEmpty()) {
				List<Plan> again = new ArrayList<>();
				for (Plan p : chunk.plans) {
					if (!java.util.Collections.disjoint(p.consulted, refused)) {
						p.write = null;
						p.failure = null;
						again.add(p);
					}
				}
				decide(again, options);
				prepare(folder, again);
			}
			send(chunk);
		} catch (CrmException | StoreException e) {
			throw new MailException("tracking stopped in " + folder + ": " + e.getMessage(), false, e);
		}
	}

	private void decide(List<Plan> plans, TrackingOptions options) {
		for (Plan p : plans) {
			p.consulted = new HashSet<>();
			context.consulting(p.consulted);
			try {
				p.decision = tracking.decide(p.header.message(), options, context);
			} finally {
				context.consulting(null);
			}
		}
	}

	/** Hands the chunk's writes to a thread of their own (a dry run writes nothing, and completes at once). */
	private void send(Chunk chunk) throws MailException, CrmException, StoreException {
		List<Plan> sent = new ArrayList<>();
		List<CrmWrite> writes = new ArrayList<>();
		for (Plan p : chunk.plans) {
			if (p.creates() && p.write != null) {
				sent.add(p);
				writes.add(p.write);
				if (p.header.message().messageId() != null) {
					// counted as tracked by the decisions that follow; forgotten again if the CRM refuses it
					context.remember(p.header.message().messageId(), new TrackedEmail(new RecordRef("emails", p.id),
							p.decision.regarding(), null));
				}
			}
		}
		chunk.sent = sent;
		chunk.batch = new java.util.concurrent.FutureTask<>(() -> writes.isEmpty() ? List.of() : crm.batch(writes, false));
		inFlight.addLast(chunk);
		if (dryRun || writes.isEmpty()) {
			chunk.batch.run();
		} else {
			background(chunk.batch, "liaison-tracking-batch");
		}
	}

	/**
	 * Waits for the oldest chunk in flight, then has every decision of it recorded with its reason (with the
	 * cached headers, in one transaction, after the CRM answered: a crash before leaves the folder to
	 * be scanned again, and the CRM's 412 keeps each email one). The recording runs in the background
	 * while the next chunks are read, decided and sent; the tracked messages get the keyword after it
	 * ({@link #settle}). Returns the Message-IDs whose emails the CRM refused.
	 */
	private Set<String> complete() throws MailException {
		Chunk chunk = inFlight.pollFirst();
		if (chunk == null) {
			return Set.of();
		}
		Counts counts = chunk.counts;
		List<CrmClient.BatchResult> results;
		try {
			results = chunk.batch.get();
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new MailException("tracking was interrupted in " + chunk.folder, true, e);
		} catch (java.util.concurrent.ExecutionException e) {
			Throwable c = e.getCause();
			String msg = "tracking stopped in " + chunk.folder + ": " + c.getMessage();
			throw c instanceof CrmException ce ? new MailException(msg, false, ce) : new MailException(msg, false, c);
		}
		String folder = chunk.folder;
		Map<Long, Tracking> states = new HashMap<>();
		SyncBatch history = new SyncBatch();
		List<Long> flag = new ArrayList<>();
		Set<String> refused = new HashSet<>();
		Map<Plan, CrmClient.BatchResult> answers = new java.util.IdentityHashMap<>();
		for (int k = 0; k < results.size() && k < chunk.sent.size(); k++) {
			answers.put(chunk.sent.get(k), results.get(k));
		}
		for (Plan p : chunk.plans) {
			MailHeader h = p.header;
			TrackingDecision d = p.decision;
			if (!d.track()) {
				counts.untracked++;
				states.put(h.uid(), new Tracking(TrackingState.UNTRACKED, null, null, d.reason()));
				history.history(entry(folder, h, PlannedAction.Action.NOTHING, d.reason()));
			} else if (d.existing() != null) {
				states.put(h.uid(), mark(folder, h, d.regarding(), d.existing(), d.reason(), history));
				counts.joined++;
				flag.add(h.uid());
			} else if (dryRun) {
				counts.tracked++;
				history.history(entry(folder, h, PlannedAction.Action.CREATE, d.reason()));
			} else if (p.failure != null) {
				states.put(h.uid(), fail(folder, h, p.failure, counts, history));
			} else if (p.write == null) {
				continue; // left for the next run: the connection broke while its body was read
			} else {
				CrmClient.BatchResult r = answers.get(p);
				RecordRef email = new RecordRef("emails", p.id);
				if (r != null && (r.ok() || r.status() == 412)) {
					// 412: the email with this Message-ID's id is there already (another user, an earlier run)
					states.put(h.uid(), mark(folder, h, d.regarding(), email, r.ok() ? d.reason()
							: d.reason() + "; the CRM already held it, so it stays one CRM email", history));
					if (r.ok()) {
						counts.tracked++;
					} else {
						counts.joined++;
					}
					flag.add(h.uid());
				} else {
					if (h.message().messageId() != null) {
						context.forget(h.message().messageId());
						refused.add(h.message().messageId());
					}
					states.put(h.uid(), fail(folder, h, "the CRM refused it: " + (r == null ? "no answer for it"
							: r.error() == null ? "HTTP " + r.status() : r.error().getMessage()), counts, history));
				}
			}
		}
		if (dryRun) {
			return refused;
		}
		List<CachedMessage> cache = new ArrayList<>(chunk.cache ? chunk.headers.size() : 0);
		if (chunk.cache) {
			for (MailHeader h : chunk.headers) {
				Tracking t = states.get(h.uid());
				EmailMessage m = t == null ? h.message() : h.message().withTracking(t.state(), t.regarding(), t.crmRecord());
				cache.add(new CachedMessage(account(), folder, h.uid(), h.ident(), h.modSeq(), h.flags(), h.size(), m,
						t != null ? t.reason() : h.has(MailAccount.TRACKED_KEYWORD) ? "marked tracked in the mailbox" : null));
			}
		}
		String account = account();
		chunk.flag = flag;
		chunk.record = new java.util.concurrent.FutureTask<>(() -> {
			if (chunk.cache) {
				store.mail().putMessages(cache);
			} else {
				for (Map.Entry<Long, Tracking> t : states.entrySet()) {
					store.mail().setTracking(account, folder, t.getKey(), t.getValue());
				}
			}
			store.syncState().apply(history);
			return null;
		});
		// one recording at a time, in order: the one before is done (and its messages marked) first
		settle();
		recording = chunk;
		background(chunk.record, "liaison-tracking-record");
		return refused;
	}

	private static void background(Runnable work, String name) {
		Thread t = new Thread(work, name);
		t.setDaemon(true);
		t.start();
	}

	/**
	 * Completes every chunk in flight, oldest first, then waits for the last recording and marks its
	 * messages: nothing of the scan is left running.
	 */
	private void drain() throws MailException {
		while (!inFlight.isEmpty()) {
			complete();
		}
		settle();
	}

	/**
	 * Waits until the decisions of the chunk being recorded are in the store, then marks its tracked
	 * messages with the keyword: last, so a crash before leaves them to be decided again (and the
	 * CRM's 412 keeps each email one).
	 */
	private void settle() throws MailException {
		Chunk chunk = recording;
		if (chunk == null) {
			return;
		}
		recording = null;
		try {
			chunk.record.get();
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new MailException("tracking was interrupted in " + chunk.folder, true, e);
		} catch (java.util.concurrent.ExecutionException e) {
			Throwable c = e.getCause();
			throw new MailException("tracking stopped in " + chunk.folder + ": " + c.getMessage(), false, c);
		}
		if (!chunk.flag.isEmpty()) {
			mailbox.setFlags(chunk.folder, chunk.flag, Set.of(MailAccount.TRACKED_KEYWORD), true);
		}
		chunk.flagged = chunk.flag;
	}

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

	/**
	 * Reads the bodies of the plans that create a CRM email and makes their writes; a message that
	 * cannot be read gets its failure instead.
	 */
	private void prepare(String folder, List<Plan> all) throws MailException, CrmException {
		if (dryRun) {
			return;
		}
		List<Plan> plans = new ArrayList<>();
		for (Plan p : all) {
			if (p.creates()) {
				plans.add(p);
			}
		}
		if (plans.isEmpty()) {
			return;
		}
		// small messages whole, in few round trips; large ones part by part below (only the text is read)
		List<Long> small = new ArrayList<>();
		for (Plan p : plans) {
			if (p.header.size() <= BULK_BODY_BYTES) {
				small.add(p.header.uid());
			}
		}
		Map<Long, MessageBody> bodies = small.size() > 1 ? mailbox.bodies(folder, small) : Map.of();
		// a body lost with the connection: the message's fault only if the server answers for the next
		// one (then it is set aside); if the next fail too, the server is gone and the next run retries
		List<Plan> suspects = new ArrayList<>();
		List<MailException> suspectErrors = new ArrayList<>();
		Plan lastMade = null;
		for (Plan p : plans) {
			MailHeader h = p.header;
			try {
				EmailMessage m = withBodyAndParties(folder, h, p.decision.regarding(), bodies.get(h.uid()));
				for (int s = 0; s < suspects.size(); s++) {
					suspects.get(s).failure = "cannot be tracked: " + suspectErrors.get(s).getMessage()
							+ " (the server answered for the next message: this one breaks the connection)";
				}
				suspects.clear();
				suspectErrors.clear();
				UUID ident = m.messageId() != null ? Idents.fromNaturalKey(m.messageId()) : h.ident();
				p.write = connector.createWrite(org.liaison.api.model.ItemKind.EMAIL, ident, m.toData());
				p.id = ident;
				lastMade = p;
			} catch (MailException e) {
				if (!e.retryable()) {
					p.failure = "cannot be tracked: " + e.getMessage();
				} else if (suspects.size() >= 2) {
					throw e; // three in a row: the connection, not the messages
				} else {
					suspects.add(p);
					suspectErrors.add(e);
				}
			} catch (SyncException e) {
				p.failure = "cannot be tracked: " + e.getMessage();
			}
		}
		if (!suspects.isEmpty()) {
			// nothing after them to tell: the server answering a question about a message it gave
			// before says the fault is theirs; else the next run tries them again
			MailException last = suspectErrors.get(suspectErrors.size() - 1);
			if (lastMade == null || !answers(folder, lastMade.header.uid())) {
				throw last;
			}
			for (int s = 0; s < suspects.size(); s++) {
				suspects.get(s).failure = "cannot be tracked: " + suspectErrors.get(s).getMessage()
						+ " (the server still answers: this message breaks the connection)";
			}
		}
	}

	private Tracking mark(String folder, MailHeader h, RecordRef regarding, RecordRef email, String reason,
			SyncBatch history) {
		history.history(entry(folder, h, PlannedAction.Action.CREATE, reason));
		return new Tracking(TrackingState.TRACKED, regarding, email, reason);
	}

	private Tracking fail(String folder, MailHeader h, String reason, Counts counts, SyncBatch history) {
		counts.failed++;
		String msg = "the message '" + h.message().subject() + "' (" + folder + "/" + h.uid() + ") " + reason;
		counts.problems.add(msg);
		history.history(entry(folder, h, PlannedAction.Action.QUARANTINE, msg));
		return new Tracking(TrackingState.FAILED, null, null, msg);
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
			SyncBatch history = new SyncBatch();
			Tracking t = mark(folder, header, reg, email, why + "; it was already in the CRM as " + email, history);
			store.mail().setTracking(account(), folder, header.uid(), t);
			mailbox.setFlags(folder, List.of(header.uid()), Set.of(MailAccount.TRACKED_KEYWORD), true);
			store.syncState().apply(history);
		} else {
			Chunk chunk = new Chunk(folder, List.of(header), false, counts);
			Plan p = new Plan(header);
			p.decision = TrackingDecision.yes("user", why, regarding);
			chunk.plans.add(p);
			prepare(folder, chunk.plans);
			send(chunk);
			drain();
			if (!chunk.flagged.contains(header.uid())) {
				throw new MailException(counts.problems.isEmpty() ? "the message could not be tracked" : counts.problems.get(0));
			}
		}
		var m = store.mail().message(account(), folder, header.uid()).orElse(null);
		EmailMessage em = m == null ? header.message() : m.message();
		return new org.liaison.api.messaging.TrackResult(TrackingState.TRACKED, em.crmEmail(), em.regarding(),
				m == null ? why : m.trackingReason());
	}

	UUID user() {
		return user;
	}
}
