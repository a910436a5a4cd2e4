package org.liaison.connector.mail.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.mail.MailChangeSink;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.MailHeader;
import org.liaison.api.mail.MailStateExpiredException;
import org.liaison.api.mail.MailSyncState;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.mail.MessageBody;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.Idents;
import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.AlreadyExistsException;
import org.liaison.api.sync.CollectionInfo;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemRejectedException;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.TokenExpiredException;
import org.liaison.api.sync.TransientException;
import org.liaison.api.sync.WriteResult;
import org.liaison.api.model.ItemData;

/**
 * A mail folder as the sync engine sees it. An item is a message: href {@code <UIDVALIDITY>/<UID>},
 * ident from its {@code X-LIAISON-ID} header or its Message-ID ({@link Idents}). Messages are
 * immutable, so the version of every item is constant ({@value #VERSION}: flag changes are not
 * content), {@link #update} is refused, and {@link #delete} is refused too: Liaison never deletes
 * mail because a CRM record went away. {@link #create} appends a message carrying the ident, after
 * looking for one that carries it already.
 */
final class MailFolderCollection implements ItemCollection {

	static final String VERSION = "1";

	private final Mailbox mailbox;
	private final String folder;
	private final CollectionInfo info;

	MailFolderCollection(Mailbox mailbox, String folder) {
		this.mailbox = mailbox;
		this.folder = folder;
		this.info = new CollectionInfo("mail:" + mailbox.account().id() + ":" + folder, ItemKind.EMAIL, Side.MAILBOX,
				folder);
	}

	@Override
	public CollectionInfo info() {
		return info;
	}

	static String href(long uidValidity, long uid) {
		return uidValidity + "/" + uid;
	}

	/** {uidvalidity, uid} of an href, or null if it is not one of ours. */
	static long[] parse(String href) {
		int i = href.indexOf('/');
		if (i <= 0) {
			return null;
		}
		try {
			return new long[] { Long.parseLong(href.substring(0, i)), Long.parseLong(href.substring(i + 1)) };
		} catch (NumberFormatException e) {
			return null;
		}
	}

	@Override
	public String list(String since, ListSink sink, IProgressMonitor monitor) throws SyncException {
		MailSyncState state;
		try {
			state = MailSyncState.decode(since);
		} catch (IllegalArgumentException e) {
			throw new TokenExpiredException(e.getMessage(), e);
		}
		long[] uvNow = { state == null ? currentUidValidity() : state.uidValidity() };
		try {
			MailSyncState next = mailbox.sync(folder, state, new MailChangeSink() {
				@Override
				public void added(MailHeader h) throws MailException {
					forward(() -> sink.present(new ItemVersion(href(uvNow[0], h.uid()), VERSION)));
				}

				@Override
				public void flagsChanged(long uid, long modSeq, Set<String> flags) {
					// flags are not content: nothing to sync
				}

				@Override
				public void vanished(long uid) throws MailException {
					forward(() -> sink.removed(href(uvNow[0], uid), Removal.DELETED));
				}

				@Override
				public void bad(long uid, String reason, byte[] raw) throws MailException {
					// listed like any other; get() reports it bad with the reason
					if (uid > 0) {
						forward(() -> sink.present(new ItemVersion(href(uvNow[0], uid), VERSION)));
					}
				}
			}, monitor);
			if (next.uidValidity() != uvNow[0]) {
				throw new TokenExpiredException("the UIDVALIDITY of folder " + folder + " changed during the listing");
			}
			return next.encode();
		} catch (MailStateExpiredException e) {
			throw new TokenExpiredException(e.getMessage(), e);
		} catch (MailException e) {
			throw translate(e);
		} catch (Wrapped w) {
			throw w.cause;
		}
	}

	/** Lets a SyncException from the engine's sink pass through the mailbox's MailException-only sink. */
	private static final class Wrapped extends RuntimeException {
		private static final long serialVersionUID = 1L;
		final SyncException cause;

		Wrapped(SyncException cause) {
			super(cause);
			this.cause = cause;
		}
	}

	@FunctionalInterface
	private interface SyncCall {
		void run() throws SyncException;
	}

	private static void forward(SyncCall c) {
		try {
			c.run();
		} catch (SyncException e) {
			throw new Wrapped(e);
		}
	}

	static SyncException translate(MailException e) {
		return e.retryable() ? new TransientException(e.getMessage(), e) : new SyncException(e.getMessage(), e);
	}

	private long currentUidValidity() throws SyncException {
		try {
			return mailbox.status(folder).uidValidity();
		} catch (MailException e) {
			throw translate(e);
		}
	}

	@Override
	public void get(List<String> hrefs, FetchSink sink, IProgressMonitor monitor) throws SyncException {
		long uv = currentUidValidity();
		// the sync state's UIDVALIDITY is the folder's: hrefs from an older one are gone
		List<Long> uids = new ArrayList<>();
		for (String h : hrefs) {
			long[] p = parse(h);
			if (p != null && (p[0] == uv || p[0] == 0)) {
				uids.add(p[1]);
			}
		}
		Map<Long, MailHeader> headers = new HashMap<>();
		Map<Long, String> bad = new HashMap<>();
		Map<Long, byte[]> badRaw = new HashMap<>();
		try {
			mailbox.headers(folder, uids, new MailChangeSink() {
				@Override
				public void added(MailHeader h) {
					headers.put(h.uid(), h);
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
					bad.put(uid, reason);
					badRaw.put(uid, raw);
				}
			});
		} catch (MailException e) {
			throw translate(e);
		}
		for (long uid : uids) {
			if (monitor != null && monitor.isCanceled()) {
				throw new org.eclipse.core.runtime.OperationCanceledException();
			}
			String href = href(uv, uid);
			if (bad.containsKey(uid)) {
				sink.bad(href, VERSION, bad.get(uid), badRaw.get(uid) == null ? null
						: new String(badRaw.get(uid), java.nio.charset.StandardCharsets.ISO_8859_1));
				continue;
			}
			MailHeader h = headers.get(uid);
			if (h == null) {
				continue; // gone
			}
			EmailMessage m = h.message();
			try {
				MessageBody body = mailbox.body(folder, uid);
				m = new EmailMessage(m.messageId(), m.inReplyTo(), m.references(), m.subject(), m.parties(), m.sentOn(),
						body.text(), body.html(), m.bodyRef(), body.attachments(), m.headers(), m.outgoing(),
						m.trackingState(), m.regarding(), m.crmEmail());
			} catch (MailException e) {
				if (e.retryable()) {
					throw translate(e);
				}
				String raw = null;
				try {
					raw = new String(mailbox.raw(folder, uid), java.nio.charset.StandardCharsets.ISO_8859_1);
				} catch (MailException unreadable) {
					raw = null;
				}
				sink.bad(href, VERSION, e.getMessage(), raw);
				continue;
			}
			sink.item(new RemoteItem(href, VERSION, h.ident(), m.toData(), m.sentOn(), h));
		}
	}

	@Override
	public WriteResult create(UUID ident, ItemData data) throws SyncException {
		EmailMessage m = EmailMessage.fromData(data);
		long uv = currentUidValidity();
		try {
			List<Long> found = mailbox instanceof ImapMailbox imap
					? imap.findByHeader(folder, Idents.PROPERTY, ident.toString())
					: List.of();
			if (found.isEmpty() && m.messageId() != null) {
				found = mailbox.findByMessageId(folder, m.messageId());
			}
			if (!found.isEmpty()) {
				throw new AlreadyExistsException("folder " + folder + " holds this message already (ident " + ident + ")",
						new ItemVersion(href(uv, found.get(0)), VERSION));
			}
			byte[] raw;
			try {
				Session s = Session.getInstance(new java.util.Properties());
				raw = Mime.bytes(Mime.build(s, m, ident, mailbox.account().address()));
			} catch (MessagingException | java.io.IOException e) {
				throw new ItemRejectedException("the message '" + m.subject() + "' cannot be written as MIME: "
						+ e.getMessage(), e);
			}
			long uid = mailbox.append(folder, raw, Set.of("\\Seen"));
			if (uid < 0) {
				List<Long> again = mailbox.findByMessageId(folder, Mime.parse(Session.getInstance(new java.util.Properties()),
						raw).getMessageID());
				if (again.isEmpty()) {
					throw new TransientException("appended to folder " + folder + " but cannot find the message again");
				}
				uid = again.get(again.size() - 1);
			}
			// what get() will give back: the same fields, plus where the body is
			return new WriteResult(href(uv, uid), VERSION,
					data.with(EmailMessage.BODY_REF, ImapMailbox.bodyRef(folder, uv, uid)));
		} catch (MailException e) {
			throw translate(e);
		} catch (MessagingException e) {
			throw new SyncException(e.getMessage(), e);
		}
	}

	@Override
	public WriteResult update(RemoteItem current, ItemData data) throws SyncException {
		throw new ItemRejectedException("mail messages cannot be changed once stored (" + current.href() + " in folder "
				+ folder + "); Liaison changes only their flags and keywords");
	}

	@Override
	public void delete(String href, String version) throws SyncException {
		throw new ItemRejectedException("Liaison does not delete mail from folder " + folder + " (" + href
				+ ") because its CRM copy went away");
	}
}
