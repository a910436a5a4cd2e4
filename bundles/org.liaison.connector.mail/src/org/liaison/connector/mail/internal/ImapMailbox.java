package org.liaison.connector.mail.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.event.MailEvent;
import jakarta.mail.event.MessageChangedEvent;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.HeaderTerm;

import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.MessageVanishedEvent;
import org.eclipse.angus.mail.imap.ResyncData;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.MODSEQ;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.Status;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.eclipse.angus.mail.imap.protocol.UIDSet;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.liaison.api.mail.FolderStatus;
import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailChangeSink;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.MailFolder;
import org.liaison.api.mail.MailHeader;
import org.liaison.api.mail.MailServer;
import org.liaison.api.mail.MailStateExpiredException;
import org.liaison.api.mail.MailSyncState;
import org.liaison.api.mail.MailWatch;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.mail.MessageBody;
import org.liaison.api.mail.SentMail;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.security.TrustService;

/**
 * An IMAP account on Angus Mail. Folder resync uses the library (QRESYNC through
 * {@link ResyncData}, CONDSTORE's CHANGEDSINCE, MOVE, UIDPLUS, IDLE); the header scan is Liaison's
 * own: UID FETCH of the few header fields it needs, in chunks, parsed as the responses arrive and
 * passed on, so that a 50,000-message folder never sits in memory, and a message the server cannot
 * send (or sends broken) is reported on its own while the rest goes on.
 */
final class ImapMailbox implements Mailbox {

	/** Messages per header FETCH. */
	static final int CHUNK = 500;

	private static final String[] WANTED_CAPS = { "CONDSTORE", "QRESYNC", "IDLE", "MOVE", "UIDPLUS", "ENABLE",
			"SPECIAL-USE", "LITERAL+" };

	private final MailAccount account;
	private final MailServer server;
	private final Session session;
	private final String password;
	private final TrustService trust;
	private final Path cacheDir;
	private final SmtpSender smtp;
	private IMAPStore store;
	/** The capabilities Liaison uses, read once per connection (asking the store again needs its own connection). */
	private Set<String> caps = Set.of();
	private IMAPFolder open;
	private int openMode;

	ImapMailbox(MailAccount account, TrustService trust, String password, Path cacheDir, SmtpSender smtp)
			throws MailException {
		this.account = account;
		this.server = account.incoming();
		this.trust = trust;
		this.password = password;
		this.cacheDir = cacheDir;
		this.smtp = smtp;
		this.session = MailSessions.session("imap", server, account.timeout(), trust);
		try {
			connect();
		} catch (MessagingException e) {
			throw MailSessions.fail("Logging in to " + server, server, e);
		}
	}

	private void connect() throws MessagingException {
		IMAPStore s = (IMAPStore) session.getStore(MailSessions.protocol("imap", server));
		s.connect(server.host(), server.port(), server.user(), password);
		Set<String> c = new LinkedHashSet<>();
		for (String w : WANTED_CAPS) {
			if (s.hasCapability(w)) {
				c.add(w);
			}
		}
		caps = Set.copyOf(c);
		store = s;
	}

	private void drop() {
		IMAPFolder f = open;
		open = null;
		if (f != null) {
			try {
				f.forceClose();
			} catch (MessagingException | RuntimeException ignored) {
				// the connection is gone already
			}
		}
		IMAPStore s = store;
		store = null;
		if (s != null) {
			try {
				s.close();
			} catch (MessagingException | RuntimeException ignored) {
				// the connection is gone already
			}
		}
	}

	@FunctionalInterface
	interface Op<T> {
		T run() throws Exception;
	}

	/** Runs an operation, reconnecting with backoff when the connection drops. */
	<T> T call(String what, Op<T> op) throws MailException {
		return call(what, Backoff.ATTEMPTS, op);
	}

	<T> T call(String what, int attempts, Op<T> op) throws MailException {
		for (int attempt = 0;; attempt++) {
			try {
				// a dropped connection shows as an exception below; IMAPStore.isConnected() would
				// cost a NOOP (and a login, while a folder holds the pooled connection) every time
				if (store == null) {
					drop();
					connect();
				}
				return op.run();
			} catch (MailException | OperationCanceledException e) {
				throw e;
			} catch (Exception e) {
				if (!MailSessions.connectionLost(e) || attempt + 1 >= attempts) {
					throw MailSessions.fail(what, server, e);
				}
				drop();
				try {
					Backoff.sleep(attempt, 5_000);
				} catch (InterruptedException ie) {
					Thread.currentThread().interrupt();
					throw new MailException(what + " was interrupted", true, ie);
				}
			}
		}
	}

	/** The folder, open in at least {@code mode}; one folder is open at a time. */
	private IMAPFolder folder(String name, int mode) throws MessagingException {
		if (open != null && open.isOpen() && open.getFullName().equals(name)
				&& (openMode == Folder.READ_WRITE || mode == Folder.READ_ONLY)) {
			return open;
		}
		closeOpen();
		IMAPFolder f = (IMAPFolder) store.getFolder(name);
		f.open(mode);
		open = f;
		openMode = mode;
		return f;
	}

	private void closeOpen() {
		IMAPFolder f = open;
		open = null;
		if (f != null && f.isOpen()) {
			try {
				f.close(false);
			} catch (MessagingException ignored) {
				// reopened on next use
			}
		}
	}

	@Override
	public MailAccount account() {
		return account;
	}

	@Override
	public Set<String> capabilities() throws MailException {
		return call("Reading the capabilities of " + server, () -> caps);
	}

	@Override
	public List<MailFolder> folders() throws MailException {
		return call("Listing the folders of " + server, () -> {
			List<MailFolder> out = new ArrayList<>();
			for (Folder f : store.getDefaultFolder().list("*")) {
				IMAPFolder i = (IMAPFolder) f;
				String[] attrs = i.getAttributes();
				Set<String> a = attrs == null ? Set.of() : Set.of(attrs);
				boolean selectable = a.stream().noneMatch(x -> x.equalsIgnoreCase("\\Noselect")
						|| x.equalsIgnoreCase("\\NonExistent"));
				out.add(new MailFolder(i.getFullName(), a, selectable));
			}
			return out;
		});
	}

	@Override
	public void createFolder(String folder) throws MailException {
		call("Creating folder " + folder, () -> {
			Folder f = store.getFolder(folder);
			if (!f.exists() && !f.create(Folder.HOLDS_MESSAGES)) {
				throw new MailException("the server did not create folder " + folder);
			}
			return null;
		});
	}

	@Override
	public FolderStatus status(String folder) throws MailException {
		return call("Reading the status of folder " + folder, () -> {
			boolean condstore = caps.contains("CONDSTORE");
			// the open folder's connection if it is this folder, else the store's
			IMAPFolder f = open != null && open.isOpen() && open.getFullName().equals(folder) ? open
					: (IMAPFolder) store.getFolder(folder);
			String[] items = condstore ? new String[] { "MESSAGES", "UIDNEXT", "UIDVALIDITY", "HIGHESTMODSEQ" }
					: new String[] { "MESSAGES", "UIDNEXT", "UIDVALIDITY" };
			Status s = (Status) f.doCommand(p -> p.status(folder, items));
			return new FolderStatus(s.uidvalidity, s.uidnext, condstore ? s.highestmodseq : 0, s.total);
		});
	}

	// ------------------------------------------------------------------ sync

	@Override
	public MailSyncState sync(String folder, MailSyncState since, MailChangeSink sink, IProgressMonitor monitor)
			throws MailException {
		IProgressMonitor mon = monitor == null ? new NullProgressMonitor() : monitor;
		boolean qresync = has("QRESYNC");
		boolean condstore = qresync || has("CONDSTORE");
		// one snapshot file per generation: the newest, and the one the last sync started from (so
		// that a state whose successor was never saved, after a crash, still works once more)
		String prefix = fileName(folder) + ".";

		// 1. select, with QRESYNC when there is a state to resync from
		List<MailEvent> events = call("Opening folder " + folder, () -> {
			closeOpen();
			IMAPFolder f = (IMAPFolder) store.getFolder(folder);
			List<MailEvent> ev;
			if (since != null && qresync && since.highestModSeq() > 0) {
				ev = f.open(Folder.READ_ONLY, new ResyncData(since.uidValidity(), since.highestModSeq()));
			} else if (condstore) {
				ev = f.open(Folder.READ_ONLY, ResyncData.CONDSTORE);
			} else {
				f.open(Folder.READ_ONLY);
				ev = List.of();
			}
			open = f;
			openMode = Folder.READ_ONLY;
			return ev == null ? List.<MailEvent>of() : ev;
		});
		long[] sel = call("Reading the state of folder " + folder, () -> {
			IMAPFolder f = folder(folder, Folder.READ_ONLY);
			return new long[] { f.getUIDValidity(), f.getUIDNext(), condstore ? f.getHighestModSeq() : 0,
					f.getMessageCount() };
		});
		long uidValidity = sel[0];
		if (since != null && since.uidValidity() != uidValidity) {
			throw new MailStateExpiredException("the UIDVALIDITY of folder " + folder + " changed from " + since.uidValidity()
					+ " to " + uidValidity + ": its UIDs were reset; sync it again from the start");
		}
		long lo = since == null ? 1 : since.uidNext();
		UidIndex old = null;
		if (since != null && !qresync) {
			old = readIndex(cacheDir.resolve(prefix + since.generation() + ".uids"));
			if (old == null || old.generation != since.generation() || old.uidValidity != uidValidity) {
				throw new MailStateExpiredException("the local snapshot of folder " + folder
						+ " does not match the sync state passed in; sync it again from the start");
			}
		}

		if (since != null && qresync && since.highestModSeq() == 0) {
			throw new MailStateExpiredException("the sync state of folder " + folder + " has no MODSEQ to resync from");
		}
		long[] fresh = (sel[1] > 0 && sel[1] <= lo) ? new long[0] : searchUidArray(folder, lo + ":*", lo);

		// 2. what happened to known messages
		long[] vanishedCount = { 0 };
		Map<Long, Integer> changedHashes = new HashMap<>();
		if (since != null) {
			if (qresync) {
				for (MailEvent e : events) {
					if (e instanceof MessageVanishedEvent v) {
						for (long uid : v.getUIDs()) {
							if (uid < lo) {
								sink.vanished(uid);
								vanishedCount[0]++;
							}
						}
					} else if (e instanceof MessageChangedEvent c && c.getMessage() instanceof IMAPMessage m) {
						Object[] um = call("Reading changed flags in " + folder,
								() -> new Object[] { open.getUID(m), m.getModSeq(), flags(m.getFlags()) });
						long uid = (Long) um[0];
						if (uid > 0 && uid < lo) {
							@SuppressWarnings("unchecked")
							Set<String> fl = (Set<String>) um[2];
							sink.flagsChanged(uid, (Long) um[1], fl);
						}
					}
				}
			} else {
				Set<Long> seen = new java.util.HashSet<>();
				if (condstore) {
					if (lo > 1) {
						fetchFlags(folder, "1:" + (lo - 1), since.highestModSeq(), (uid, modseq, fl) -> {
							sink.flagsChanged(uid, modseq, fl);
							changedHashes.put(uid, UidIndex.flagsHash(fl));
						});
					}
				} else {
					UidIndex idx = old;
					for (int i = 0; i < idx.uids.length; i += CHUNK * 4) {
						checkCancel(mon);
						long a = idx.uids[i];
						long b = idx.uids[Math.min(idx.uids.length, i + CHUNK * 4) - 1];
						fetchFlags(folder, a + ":" + b, 0, (uid, modseq, fl) -> {
							seen.add(uid);
							int k = idx.indexOf(uid);
							int h = UidIndex.flagsHash(fl);
							if (k >= 0 && idx.flagHashes[k] != h) {
								sink.flagsChanged(uid, modseq, fl);
								changedHashes.put(uid, h);
							}
						});
					}
				}
				// expunged: compare with the snapshot (with CONDSTORE only when the count says so)
				boolean maybeGone = !condstore || sel[3] != since.messages() + fresh.length;
				if (maybeGone) {
					Set<Long> present = condstore ? searchUids(folder, "1:" + Math.max(1, lo - 1)) : seen;
					for (long uid : old.uids) {
						if (uid < lo && !present.contains(uid)) {
							sink.vanished(uid);
							vanishedCount[0]++;
							changedHashes.put(uid, null);
						}
					}
				}
			}
		}

		// 3. new messages: headers first
		long uidNextSeen = sel[1];
		mon.beginTask("Scanning headers of " + folder, Math.max(1, fresh.length));
		UidIndex.Builder nextIndex = qresync ? null : new UidIndex.Builder();
		if (old != null) {
			for (int i = 0; i < old.uids.length; i++) {
				long uid = old.uids[i];
				if (uid >= lo) {
					continue;
				}
				if (changedHashes.containsKey(uid)) {
					Integer h = changedHashes.get(uid);
					if (h != null) {
						nextIndex.add(uid, h);
					}
				} else {
					nextIndex.add(uid, old.flagHashes[i]);
				}
			}
		}
		long added = 0;
		for (int i = 0; i < fresh.length; i += CHUNK) {
			checkCancel(mon);
			long[] chunk = Arrays.copyOfRange(fresh, i, Math.min(fresh.length, i + CHUNK));
			added += fetchHeaders(folder, uidValidity, chunk, condstore, sink, nextIndex);
			uidNextSeen = Math.max(uidNextSeen, chunk[chunk.length - 1] + 1);
			mon.worked(chunk.length);
			mon.subTask(Math.min(fresh.length, i + CHUNK) + " of " + fresh.length + " messages");
		}
		mon.done();
		long messages = since == null ? added : since.messages() - vanishedCount[0] + added;
		long generation = 0;
		if (nextIndex != null) {
			generation = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
			Path indexFile = cacheDir.resolve(prefix + generation + ".uids");
			try {
				nextIndex.build(generation, uidValidity).write(indexFile);
				String keep = since == null ? null : prefix + since.generation() + ".uids";
				try (var files = java.nio.file.Files.list(cacheDir)) {
					for (Path f : files.toList()) {
						String n = f.getFileName().toString();
						if (n.startsWith(prefix) && n.endsWith(".uids") && !n.equals(indexFile.getFileName().toString())
								&& !n.equals(keep) && n.substring(prefix.length(), n.length() - 5).matches("\\d+")) {
							java.nio.file.Files.deleteIfExists(f);
						}
					}
				}
			} catch (IOException e) {
				throw new MailException("cannot save the snapshot of folder " + folder + " to " + indexFile + ": "
						+ e.getMessage(), false, e);
			}
		}
		long modseq = sel[2];
		return new MailSyncState(uidValidity, Math.max(uidNextSeen, lo), modseq, messages, generation);
	}

	private boolean has(String cap) throws MailException {
		return call("Reading the capabilities of " + server, () -> caps.contains(cap));
	}

	private static void checkCancel(IProgressMonitor mon) {
		if (mon.isCanceled()) {
			throw new OperationCanceledException();
		}
	}

	private static UidIndex readIndex(Path file) {
		try {
			return UidIndex.read(file);
		} catch (IOException e) {
			return null;
		}
	}

	static String fileName(String folder) {
		StringBuilder b = new StringBuilder();
		for (char c : folder.toCharArray()) {
			if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_') {
				b.append(c);
			} else {
				b.append('%').append(String.format("%04x", (int) c));
			}
		}
		return b.toString();
	}

	private Set<Long> searchUids(String folder, String set) throws MailException {
		Set<Long> out = new java.util.HashSet<>();
		for (long u : searchUidArray(folder, set, 1)) {
			out.add(u);
		}
		return out;
	}

	/** UID SEARCH UID set; only UIDs at or above {@code min} (a range "n:*" also matches the last message). */
	private long[] searchUidArray(String folder, String set, long min) throws MailException {
		return call("Searching folder " + folder, () -> {
			IMAPFolder f = folder(folder, Folder.READ_ONLY);
			Response[] r = (Response[]) f.doCommand(p -> run(p, "UID SEARCH UID " + set));
			long[] out = new long[64];
			int n = 0;
			for (Response x : r) {
				if (x instanceof IMAPResponse ir && ir.keyEquals("SEARCH")) {
					long v;
					while ((v = x.readLong()) != -1) {
						if (v >= min) {
							if (n == out.length) {
								out = Arrays.copyOf(out, n * 2);
							}
							out[n++] = v;
						}
					}
				}
			}
			long[] res = Arrays.copyOf(out, n);
			Arrays.sort(res);
			return res;
		});
	}

	/** Runs a raw command; the tagged result is checked, other untagged responses go to the folder. */
	private static Response[] run(IMAPProtocol p, String command) throws ProtocolException {
		Response[] r = p.command(command, null);
		Response last = r[r.length - 1];
		List<Response> mine = new ArrayList<>(r.length);
		List<Response> others = new ArrayList<>();
		for (int i = 0; i < r.length - 1; i++) {
			if (r[i] instanceof FetchResponse || r[i] instanceof IMAPResponse ir && ir.keyEquals("SEARCH")) {
				mine.add(r[i]);
			} else {
				others.add(r[i]);
			}
		}
		p.notifyResponseHandlers(others.toArray(Response[]::new));
		p.handleResult(last);
		return mine.toArray(Response[]::new);
	}

	@FunctionalInterface
	private interface FlagsSink {
		void flags(long uid, long modseq, Set<String> flags) throws MailException;
	}

	private void fetchFlags(String folder, String set, long changedSince, FlagsSink sink) throws MailException {
		boolean condstore = changedSince > 0;
		Response[] r = call("Reading flags in folder " + folder, () -> {
			IMAPFolder f = folder(folder, Folder.READ_ONLY);
			String cmd = "UID FETCH " + set + (condstore ? " (UID FLAGS MODSEQ) (CHANGEDSINCE " + changedSince + ")"
					: " (UID FLAGS)");
			return (Response[]) f.doCommand(p -> run(p, cmd));
		});
		for (Response x : r) {
			if (x instanceof FetchResponse fr) {
				UID uid = fr.getItem(UID.class);
				FLAGS fl = fr.getItem(FLAGS.class);
				MODSEQ ms = fr.getItem(MODSEQ.class);
				if (uid != null && fl != null) {
					sink.flags(uid.uid, ms == null ? 0 : ms.modseq, flags(fl));
				}
			}
		}
	}

	/**
	 * Fetches the headers of some UIDs and passes them on. A chunk the server cannot deliver (a
	 * dropped connection that repeats, a refusal, a response that cannot be parsed) is split until
	 * the one message at fault is found and reported bad; the others arrive as usual.
	 *
	 * @return how many messages were reported (added or bad)
	 */
	private long fetchHeaders(String folder, long uidValidity, long[] uids, boolean condstore, MailChangeSink sink,
			UidIndex.Builder index) throws MailException {
		String set = UIDSet.toString(UIDSet.createUIDSets(uids));
		String cmd = "UID FETCH " + set + " (UID FLAGS RFC822.SIZE" + (condstore ? " MODSEQ" : "")
				+ " BODY.PEEK[HEADER.FIELDS (" + Headers.FIELDS + ")])";
		Response[] r;
		try {
			r = call("Fetching headers in folder " + folder, uids.length > 1 ? 2 : Backoff.ATTEMPTS, () -> {
				IMAPFolder f = folder(folder, Folder.READ_ONLY);
				if (f.getUIDValidity() != uidValidity) {
					throw new MailStateExpiredException("the UIDVALIDITY of folder " + folder + " changed during the scan");
				}
				return (Response[]) f.doCommand(p -> run(p, cmd));
			});
		} catch (MailStateExpiredException e) {
			throw e;
		} catch (MailException e) {
			if (uids.length > 1) {
				int half = uids.length / 2;
				return fetchHeaders(folder, uidValidity, Arrays.copyOfRange(uids, 0, half), condstore, sink, index)
						+ fetchHeaders(folder, uidValidity, Arrays.copyOfRange(uids, half, uids.length), condstore,
								sink, index);
			}
			sink.bad(uids[0], "message UID " + uids[0] + " in folder " + folder + " could not be fetched: "
					+ e.getMessage(), null);
			if (index != null) {
				index.add(uids[0], 0);
			}
			return 1;
		}
		long n = 0;
		for (Response x : r) {
			if (!(x instanceof FetchResponse fr)) {
				continue;
			}
			UID uid = fr.getItem(UID.class);
			if (uid == null) {
				continue; // an unsolicited flag update without UID
			}
			BODY body = fr.getItem(BODY.class);
			if (body == null) {
				continue; // an unsolicited flag update for a message also in this chunk
			}
			FLAGS fl = fr.getItem(FLAGS.class);
			Set<String> flags = fl == null ? Set.of() : flags(fl);
			MODSEQ ms = fr.getItem(MODSEQ.class);
			RFC822SIZE size = fr.getItem(RFC822SIZE.class);
			byte[] raw = body.getByteArray() == null ? null : body.getByteArray().getNewBytes();
			try {
				MailHeader h = Headers.parse(folder, uid.uid, ms == null ? 0 : ms.modseq, flags,
						size == null ? -1 : size.size, raw, bodyRef(folder, uidValidity, uid.uid), account.address());
				sink.added(h);
			} catch (Headers.Unreadable e) {
				sink.bad(uid.uid, "message UID " + uid.uid + " in folder " + folder + ": " + e.getMessage(), raw);
			}
			if (index != null) {
				index.add(uid.uid, UidIndex.flagsHash(flags));
			}
			n++;
		}
		return n;
	}

	static String bodyRef(String folder, long uidValidity, long uid) {
		return folder + ";UIDVALIDITY=" + uidValidity + ";UID=" + uid;
	}

	static Set<String> flags(Flags f) {
		Set<String> out = new java.util.TreeSet<>();
		for (Flags.Flag s : f.getSystemFlags()) {
			String n = systemName(s);
			if (n != null) {
				out.add(n);
			}
		}
		out.addAll(Arrays.asList(f.getUserFlags()));
		return out;
	}

	private static String systemName(Flags.Flag s) {
		if (s == Flags.Flag.SEEN) {
			return "\\Seen";
		} else if (s == Flags.Flag.ANSWERED) {
			return "\\Answered";
		} else if (s == Flags.Flag.FLAGGED) {
			return "\\Flagged";
		} else if (s == Flags.Flag.DELETED) {
			return "\\Deleted";
		} else if (s == Flags.Flag.DRAFT) {
			return "\\Draft";
		}
		return null; // \Recent is the server's, not the message's
	}

	static Flags toFlags(Set<String> names) throws MailException {
		Flags f = new Flags();
		for (String n : names) {
			switch (n.toLowerCase(Locale.ROOT)) {
				case "\\seen" -> f.add(Flags.Flag.SEEN);
				case "\\answered" -> f.add(Flags.Flag.ANSWERED);
				case "\\flagged" -> f.add(Flags.Flag.FLAGGED);
				case "\\deleted" -> f.add(Flags.Flag.DELETED);
				case "\\draft" -> f.add(Flags.Flag.DRAFT);
				default -> {
					if (n.isEmpty() || n.startsWith("\\") || !n.chars().allMatch(c -> c > 32 && c < 127
							&& "(){%*\"\\]".indexOf(c) < 0)) {
						throw new MailException("not a valid IMAP flag or keyword: " + n);
					}
					f.add(n);
				}
			}
		}
		return f;
	}

	@Override
	public void headers(String folder, List<Long> uids, MailChangeSink sink) throws MailException {
		if (uids.isEmpty()) {
			return;
		}
		long[] a = uids.stream().mapToLong(Long::longValue).sorted().toArray();
		boolean condstore = has("CONDSTORE");
		long uv = call("Opening folder " + folder, () -> folder(folder, Folder.READ_ONLY).getUIDValidity());
		for (int i = 0; i < a.length; i += CHUNK) {
			fetchHeaders(folder, uv, Arrays.copyOfRange(a, i, Math.min(a.length, i + CHUNK)), condstore, sink, null);
		}
	}

	// ------------------------------------------------------------------ bodies on demand

	private IMAPMessage message(String folder, long uid) throws MessagingException, MailException {
		IMAPFolder f = folder(folder, Folder.READ_ONLY);
		Message m = f.getMessageByUID(uid);
		if (m == null) {
			throw new MailException("no message UID " + uid + " in folder " + folder + " (moved or deleted)");
		}
		return (IMAPMessage) m;
	}

	@Override
	public MessageBody body(String folder, long uid) throws MailException {
		return call("Fetching message UID " + uid + " in folder " + folder, () -> {
			try {
				MessageBody b = Mime.body(message(folder, uid));
				if (blank(b.text()) && blank(b.html()) && b.attachments().isEmpty() && m0size(folder, uid) > 0) {
					// the server found nothing in it (a multipart whose boundary never comes):
					// read it here, to find the text or say what is wrong with it
					IMAPMessage m = message(folder, uid);
					byte[] raw;
					try (InputStream in = m.getMimeStream()) {
						raw = in.readAllBytes();
					}
					b = Mime.body(Mime.parse(session, raw));
				}
				return b;
			} catch (Mime.BadMime e) {
				if (MailSessions.connectionLost(e.getCause())) {
					throw (Exception) e.getCause();
				}
				throw new MailException("message UID " + uid + " in folder " + folder + ": " + e.getMessage(), false, e);
			}
		});
	}

	/** Messages per FETCH of whole small messages: a few MB per answer at most. */
	static final int BODY_CHUNK = 100;

	/**
	 * Whole messages in one {@code UID FETCH ... (BODY.PEEK[])} per {@link #BODY_CHUNK}, parsed here:
	 * for many small messages (tracking), one round trip per hundred instead of a BODYSTRUCTURE and a
	 * part fetch per message. A chunk the server does not deliver, and a message that does not parse
	 * or shows nothing, is left out: {@link #body} then reads it on its own and says what is wrong.
	 */
	@Override
	public Map<Long, MessageBody> bodies(String folder, List<Long> uids) throws MailException {
		Map<Long, MessageBody> out = new HashMap<>();
		long[] a = uids.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
		for (int i = 0; i < a.length; i += BODY_CHUNK) {
			String cmd = "UID FETCH " + UIDSet.toString(UIDSet.createUIDSets(Arrays.copyOfRange(a, i,
					Math.min(a.length, i + BODY_CHUNK)))) + " (UID BODY.PEEK[])";
			Response[] r;
			try {
				r = call("Fetching messages in folder " + folder, 2,
						() -> (Response[]) folder(folder, Folder.READ_ONLY).doCommand(p -> run(p, cmd)));
			} catch (MailException e) {
				continue; // one at a time then: a message that breaks the connection is found that way
			}
			for (Response x : r) {
				if (x instanceof FetchResponse fr) {
					UID uid = fr.getItem(UID.class);
					BODY b = fr.getItem(BODY.class);
					if (uid == null || b == null || b.getByteArray() == null) {
						continue;
					}
					try {
						MessageBody mb = Mime.body(Mime.parse(session, b.getByteArray().getNewBytes()));
						if (!blank(mb.text()) || !blank(mb.html()) || !mb.attachments().isEmpty()) {
							out.put(uid.uid, mb);
						}
					} catch (Mime.BadMime | MessagingException | RuntimeException e) {
						// left out: body() reads it alone and names the fault
					}
				}
			}
		}
		return out;
	}

	private static boolean blank(String s) {
		return s == null || s.isBlank();
	}

	private long m0size(String folder, long uid) throws MessagingException, MailException {
		return message(folder, uid).getSize();
	}

	@Override
	public InputStream attachment(String folder, long uid, String partId) throws MailException {
		return call("Fetching part " + partId + " of message UID " + uid + " in folder " + folder, () -> {
			Part p = Mime.part(message(folder, uid), partId);
			if (p == null) {
				throw new MailException("message UID " + uid + " in folder " + folder + " has no part " + partId);
			}
			return p.getInputStream();
		});
	}

	@Override
	public byte[] raw(String folder, long uid) throws MailException {
		return call("Fetching message UID " + uid + " in folder " + folder, () -> {
			try (InputStream in = message(folder, uid).getMimeStream()) {
				return in.readAllBytes();
			}
		});
	}

	// ------------------------------------------------------------------ writes

	@Override
	public void setFlags(String folder, List<Long> uids, Set<String> flags, boolean set) throws MailException {
		if (uids.isEmpty() || flags.isEmpty()) {
			return;
		}
		Flags f = toFlags(flags);
		String uidSet = UIDSet.toString(UIDSet.createUIDSets(uids.stream().mapToLong(Long::longValue).sorted().toArray()));
		StringBuilder list = new StringBuilder();
		for (String n : flags) {
			list.append(list.isEmpty() ? "" : " ").append(n);
		}
		assert f != null;
		call("Setting flags in folder " + folder, () -> {
			IMAPFolder fo = folder(folder, Folder.READ_WRITE);
			fo.doCommand(p -> run(p, "UID STORE " + uidSet + (set ? " +FLAGS.SILENT (" : " -FLAGS.SILENT (") + list + ")"));
			return null;
		});
	}

	@Override
	public long append(String folder, byte[] rfc822, Set<String> flags) throws MailException {
		Flags f = toFlags(flags == null ? Set.of() : flags);
		return call("Appending a message to folder " + folder, () -> {
			MimeMessage m = Mime.parse(session, rfc822);
			m.setFlags(f, true);
			closeOpen();
			IMAPFolder target = (IMAPFolder) store.getFolder(folder);
			AppendUID[] r = target.appendUIDMessages(new Message[] { m });
			return r != null && r.length == 1 && r[0] != null ? r[0].uid : -1L;
		});
	}

	@Override
	public Map<Long, Long> move(String folder, List<Long> uids, String target) throws MailException {
		if (uids.isEmpty()) {
			return Map.of();
		}
		return call("Moving messages from folder " + folder + " to " + target, () -> {
			IMAPFolder f = folder(folder, Folder.READ_WRITE);
			long[] a = uids.stream().mapToLong(Long::longValue).toArray();
			Message[] found = Arrays.stream(f.getMessagesByUID(a)).filter(java.util.Objects::nonNull)
					.toArray(Message[]::new);
			if (found.length == 0) {
				return Map.<Long, Long>of();
			}
			long[] oldUids = new long[found.length];
			for (int i = 0; i < found.length; i++) {
				oldUids[i] = f.getUID(found[i]);
			}
			Folder dest = store.getFolder(target);
			AppendUID[] r;
			if (caps.contains("MOVE")) {
				r = f.moveUIDMessages(found, dest);
			} else {
				// COPY, then delete just these (UID EXPUNGE needs UIDPLUS; without it nothing is expunged)
				r = f.copyUIDMessages(found, dest);
				f.setFlags(found, new Flags(Flags.Flag.DELETED), true);
				if (caps.contains("UIDPLUS")) {
					f.expunge(found);
				}
			}
			Map<Long, Long> out = new HashMap<>();
			if (r != null) {
				for (int i = 0; i < r.length && i < oldUids.length; i++) {
					if (r[i] != null) {
						out.put(oldUids[i], r[i].uid);
					}
				}
			}
			return out;
		});
	}

	@Override
	public List<Long> findByMessageId(String folder, String messageId) throws MailException {
		return findByHeader(folder, "Message-ID", messageId);
	}

	List<Long> findByHeader(String folder, String header, String value) throws MailException {
		return call("Searching folder " + folder, () -> {
			IMAPFolder f = folder(folder, Folder.READ_ONLY);
			List<Long> out = new ArrayList<>();
			for (Message m : f.search(new HeaderTerm(header, value))) {
				String[] v = m.getHeader(header);
				if (v != null && Arrays.stream(v).anyMatch(x -> x.trim().equalsIgnoreCase(value.trim()))) {
					out.add(f.getUID(m));
				}
			}
			return out;
		});
	}

	@Override
	public MailWatch watch(String folder, Runnable changed, int pollSeconds) throws MailException {
		boolean idle = has("IDLE");
		return new ImapWatch(account, trust, password, folder, changed, pollSeconds, idle);
	}

	@Override
	public SentMail send(EmailMessage message, UUID ident) throws MailException {
		if (smtp == null) {
			throw new MailException("account " + account.id() + " has no SMTP server to send with");
		}
		SmtpSender.Sent sent = smtp.send(message, ident);
		String sentFolder = account.sentFolder();
		if (sentFolder == null) {
			return new SentMail(sent.messageId(), null, -1);
		}
		createFolder(sentFolder);
		long uid = append(sentFolder, sent.bytes(), Set.of("\\Seen"));
		return new SentMail(sent.messageId(), sentFolder, uid);
	}

	@Override
	public void close() {
		closeOpen();
		drop();
	}

}
