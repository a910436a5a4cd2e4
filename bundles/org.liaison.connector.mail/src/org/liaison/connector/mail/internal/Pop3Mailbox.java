package org.liaison.connector.mail.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;

import org.eclipse.angus.mail.pop3.POP3Folder;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.liaison.api.mail.FolderStatus;
import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailChangeSink;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.MailFolder;
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
 * A POP3 account: new mail is found by UIDL and downloaded into {@link LocalMail}, saved there before
 * it is deleted from the server (unless the account leaves mail on the server); everything else
 * (folders, flags, moves, the sent copies) is local. The local folders sync like an IMAP folder
 * with CONDSTORE.
 */
final class Pop3Mailbox implements Mailbox {

	private final MailAccount account;
	private final MailServer server;
	private final Session session;
	private final String password;
	private final LocalMail local;
	private final SmtpSender smtp;

	Pop3Mailbox(MailAccount account, TrustService trust, String password, LocalMail local, SmtpSender smtp)
			throws MailException {
		this.account = account;
		this.server = account.incoming();
		this.session = MailSessions.session("pop3", server, account.timeout(), trust);
		this.password = password;
		this.local = local;
		this.smtp = smtp;
		try {
			connect().close(); // a wrong password or certificate shows now
		} catch (MessagingException e) {
			throw MailSessions.fail("Logging in to " + server, server, e);
		}
	}

	private Store connect() throws MessagingException {
		Store s = session.getStore(MailSessions.protocol("pop3", server));
		s.connect(server.host(), server.port(), server.user(), password);
		return s;
	}

	@Override
	public MailAccount account() {
		return account;
	}

	@Override
	public Set<String> capabilities() throws MailException {
		return Set.of("UIDL");
	}

	/**
	 * Downloads what the server has and the local store has not, by UIDL.
	 *
	 * @return how many messages were downloaded
	 */
	int download(MailChangeSink sink, IProgressMonitor monitor) throws MailException {
		IProgressMonitor mon = monitor == null ? new NullProgressMonitor() : monitor;
		int total = 0;
		for (int attempt = 0;; attempt++) {
			try {
				return total + downloadOnce(sink, mon);
			} catch (MessagingException | IOException e) {
				total += partial;
				String culprit = current;
				if (culprit != null && MailSessions.connectionLost(e)
						&& failures.merge(culprit, 1, Integer::sum) >= 2) {
					// the server fails on this one message every time: leave it, report it, go on
					skipped.put(culprit, e.getMessage());
					if (sink != null) {
						sink.bad(-1, "message UIDL " + culprit + " on " + server + " could not be downloaded: "
								+ e.getMessage(), null);
					}
					attempt = -1;
					continue;
				}
				if (!MailSessions.connectionLost(e) || attempt + 1 >= Backoff.ATTEMPTS) {
					throw MailSessions.fail("Downloading mail from " + server, server, e);
				}
				try {
					Backoff.sleep(attempt, 5_000);
				} catch (InterruptedException ie) {
					Thread.currentThread().interrupt();
					throw new MailException("downloading was interrupted", true, ie);
				}
			}
		}
	}

	/** Per UIDL: how often downloading it broke the connection; those failing twice are skipped. */
	private final Map<String, Integer> failures = new HashMap<>();
	private final Map<String, String> skipped = new HashMap<>();
	private String current;
	private int partial;

	private int downloadOnce(MailChangeSink sink, IProgressMonitor mon) throws MessagingException, IOException,
			MailException {
		current = null;
		partial = 0;
		Store store = connect();
		POP3Folder inbox = (POP3Folder) store.getFolder("INBOX");
		boolean delete = !account.leaveOnServer();
		inbox.open(delete ? Folder.READ_WRITE : Folder.READ_ONLY);
		boolean expunge = false;
		int n = 0;
		try {
			Message[] all = inbox.getMessages();
			FetchProfile fp = new FetchProfile();
			fp.add(UIDFolder.FetchProfileItem.UID);
			inbox.fetch(all, fp);
			Set<String> onServer = new HashSet<>();
			for (Message m : all) {
				onServer.add(inbox.getUID(m));
			}
			Set<String> unknown = local.unknown(onServer);
			List<Message> fresh = new ArrayList<>();
			for (Message m : all) {
				String uidl = inbox.getUID(m);
				if (unknown.contains(uidl) && !skipped.containsKey(uidl)) {
					fresh.add(m);
				} else if (delete) {
					m.setFlag(Flags.Flag.DELETED, true); // saved locally earlier
					expunge = true;
				}
			}
			mon.beginTask("Downloading mail from " + server.host(), Math.max(1, fresh.size()));
			for (Message m : fresh) {
				if (mon.isCanceled()) {
					throw new OperationCanceledException();
				}
				String uidl = inbox.getUID(m);
				current = uidl;
				byte[] raw;
				ByteArrayOutputStream out = new ByteArrayOutputStream();
				m.writeTo(out); // an unmodified POP3Message writes the bytes as the server sent them
				raw = out.toByteArray();
				local.add(Mailbox.INBOX, uidl, raw, Set.of());
				current = null;
				n++;
				partial = n;
				if (delete) {
					m.setFlag(Flags.Flag.DELETED, true);
					expunge = true;
				}
				mon.worked(1);
			}
			if (!delete) {
				local.forgetAllBut(onServer);
			}
			mon.done();
			return n;
		} finally {
			try {
				inbox.close(expunge);
			} finally {
				store.close();
			}
		}
	}

	@Override
	public List<MailFolder> folders() throws MailException {
		try {
			List<MailFolder> out = new ArrayList<>();
			for (String f : local.folders()) {
				out.add(new MailFolder(f, Set.of(), true));
			}
			return out;
		} catch (IOException e) {
			throw localFail("Listing local folders", e);
		}
	}

	private MailException localFail(String what, IOException e) {
		return new MailException(what + " of account " + account.id() + " failed: " + e.getMessage(), false, e);
	}

	@Override
	public void createFolder(String folder) throws MailException {
		try {
			local.createFolder(folder);
		} catch (IOException e) {
			throw localFail("Creating folder " + folder, e);
		}
	}

	@Override
	public FolderStatus status(String folder) throws MailException {
		try {
			LocalMail.State s = local.state(folder);
			return new FolderStatus(s.uidValidity(), s.uidNext(), s.highestModSeq(), s.messages());
		} catch (IOException e) {
			throw localFail("Reading folder " + folder, e);
		}
	}

	@Override
	public MailSyncState sync(String folder, MailSyncState since, MailChangeSink sink, IProgressMonitor monitor)
			throws MailException {
		if (Mailbox.INBOX.equalsIgnoreCase(folder)) {
			download(sink, monitor);
		}
		try {
			LocalMail.State s = local.state(folder);
			if (since != null && since.uidValidity() != s.uidValidity()) {
				throw new MailStateExpiredException("local folder " + folder + " was made anew; sync it from the start");
			}
			long lo = since == null ? 1 : since.uidNext();
			long added = 0;
			long gone = 0;
			if (since != null) {
				for (long uid : local.vanishedSince(folder, since.highestModSeq())) {
					if (uid < lo) {
						sink.vanished(uid);
						gone++;
					}
				}
			}
			for (LocalMail.Entry e : local.entries(folder)) {
				if (e.uid() >= lo) {
					report(folder, s.uidValidity(), e, sink);
					added++;
				} else if (since != null && e.modSeq() > since.highestModSeq()) {
					sink.flagsChanged(e.uid(), e.modSeq(), e.flags());
				}
			}
			long messages = since == null ? added : since.messages() - gone + added;
			return new MailSyncState(s.uidValidity(), s.uidNext(), s.highestModSeq(), messages, 0);
		} catch (IOException e) {
			throw localFail("Reading folder " + folder, e);
		}
	}

	private void report(String folder, long uidValidity, LocalMail.Entry e, MailChangeSink sink)
			throws IOException, MailException {
		byte[] raw = local.raw(folder, e.uid());
		if (raw == null) {
			sink.bad(e.uid(), "message UID " + e.uid() + " of local folder " + folder + " has no file", null);
			return;
		}
		byte[] head = Headers.block(raw);
		try {
			sink.added(Headers.parse(folder, e.uid(), e.modSeq(), e.flags(), raw.length, head,
					ImapMailbox.bodyRef(folder, uidValidity, e.uid()), account.address()));
		} catch (Headers.Unreadable u) {
			sink.bad(e.uid(), "message UID " + e.uid() + " in local folder " + folder + ": " + u.getMessage(), head);
		}
	}

	@Override
	public void headers(String folder, List<Long> uids, MailChangeSink sink) throws MailException {
		try {
			Set<Long> want = new HashSet<>(uids);
			LocalMail.State s = local.state(folder);
			for (LocalMail.Entry e : local.entries(folder)) {
				if (want.contains(e.uid())) {
					report(folder, s.uidValidity(), e, sink);
				}
			}
		} catch (IOException e) {
			throw localFail("Reading folder " + folder, e);
		}
	}

	private jakarta.mail.internet.MimeMessage parsed(String folder, long uid) throws MailException {
		byte[] raw = raw(folder, uid);
		try {
			return Mime.parse(session, raw);
		} catch (MessagingException e) {
			throw new MailException("message UID " + uid + " in local folder " + folder + " cannot be read: "
					+ e.getMessage(), false, e);
		}
	}

	@Override
	public MessageBody body(String folder, long uid) throws MailException {
		try {
			return Mime.body(parsed(folder, uid));
		} catch (Mime.BadMime e) {
			throw new MailException("message UID " + uid + " in local folder " + folder + ": " + e.getMessage(), false, e);
		}
	}

	@Override
	public InputStream attachment(String folder, long uid, String partId) throws MailException {
		try {
			Part p = Mime.part(parsed(folder, uid), partId);
			if (p == null) {
				throw new MailException("message UID " + uid + " in local folder " + folder + " has no part " + partId);
			}
			return p.getInputStream();
		} catch (MessagingException | IOException e) {
			throw new MailException("part " + partId + " of message UID " + uid + " in local folder " + folder
					+ " cannot be read: " + e.getMessage(), false, e);
		}
	}

	@Override
	public byte[] raw(String folder, long uid) throws MailException {
		try {
			byte[] raw = local.raw(folder, uid);
			if (raw == null) {
				throw new MailException("no message UID " + uid + " in local folder " + folder);
			}
			return raw;
		} catch (IOException e) {
			throw localFail("Reading message UID " + uid + " in folder " + folder, e);
		}
	}

	@Override
	public void setFlags(String folder, List<Long> uids, Set<String> flags, boolean set) throws MailException {
		ImapMailbox.toFlags(flags); // the same rules for names as on IMAP
		try {
			local.setFlags(folder, uids, flags, set);
		} catch (IOException e) {
			throw localFail("Setting flags in folder " + folder, e);
		}
	}

	@Override
	public long append(String folder, byte[] rfc822, Set<String> flags) throws MailException {
		try {
			return local.add(folder, null, rfc822, flags == null ? Set.of() : flags);
		} catch (IOException e) {
			throw localFail("Appending to folder " + folder, e);
		}
	}

	@Override
	public Map<Long, Long> move(String folder, List<Long> uids, String target) throws MailException {
		Map<Long, Long> out = new HashMap<>();
		try {
			for (long uid : uids) {
				long n = local.move(folder, uid, target);
				if (n > 0) {
					out.put(uid, n);
				}
			}
		} catch (IOException e) {
			throw localFail("Moving messages from folder " + folder, e);
		}
		return out;
	}

	@Override
	public List<Long> findByMessageId(String folder, String messageId) throws MailException {
		List<Long> out = new ArrayList<>();
		sync(folder, null, new MailChangeSink() {
			@Override
			public void added(org.liaison.api.mail.MailHeader h) {
				if (messageId.equals(h.message().messageId())) {
					out.add(h.uid());
				}
			}

			@Override
			public void flagsChanged(long uid, long modSeq, Set<String> flags) {
				// not asked
			}

			@Override
			public void vanished(long uid) {
				// not asked
			}

			@Override
			public void bad(long uid, String reason, byte[] raw) {
				// not asked
			}
		}, null);
		return out;
	}

	@Override
	public MailWatch watch(String folder, Runnable changed, int pollSeconds) throws MailException {
		AtomicBoolean closed = new AtomicBoolean();
		Thread t = new Thread(() -> {
			while (!closed.get()) {
				try {
					Thread.sleep(Math.max(1, pollSeconds) * 1000L);
					if (download(null, null) > 0) {
						changed.run();
					}
				} catch (InterruptedException e) {
					return;
				} catch (MailException | RuntimeException e) {
					// tried again at the next poll
				}
			}
		}, "Liaison POP3 poll " + server.host());
		t.setDaemon(true);
		t.start();
		return new MailWatch() {
			@Override
			public boolean push() {
				return false;
			}

			@Override
			public void close() {
				closed.set(true);
				t.interrupt();
			}
		};
	}

	@Override
	public SentMail send(EmailMessage message, UUID ident) throws MailException {
		if (smtp == null) {
			throw new MailException("account " + account.id() + " has no SMTP server to send with");
		}
		SmtpSender.Sent sent = smtp.send(message, ident);
		String folder = account.sentFolder() == null ? "Sent" : account.sentFolder();
		long uid = append(folder, sent.bytes(), new LinkedHashSet<>(List.of("\\Seen")));
		return new SentMail(sent.messageId(), folder, uid);
	}

	@Override
	public void close() {
		// connections are opened per download
	}
}
