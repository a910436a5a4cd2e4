package org.liaison.connector.mail.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.liaison.api.mail.MailHeader;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.Idents;
import org.liaison.api.store.CachedMessage;
import org.liaison.api.store.MailFolderState;
import org.liaison.api.store.MailStore;
import org.liaison.api.store.StoreException;

/**
 * {@link LocalMail} in the profile's database ({@link MailStore}): a downloaded message is stored
 * with its headers and raw MIME in one transaction, its UIDL remembered in the same one. Each folder's
 * MODSEQ counter is its {@link MailFolderState#highestModSeq()}; UIDs moved away are kept, with the
 * MODSEQ of their move, in the folder state's token ({@code uid:modseq,...}, the last 1,000), so that
 * local folders sync like CONDSTORE.
 */
final class StoreLocalMail implements LocalMail {

	private static final int VANISHED_KEPT = 1_000;

	private final MailStore store;
	private final String account;
	private final String ownAddress;

	StoreLocalMail(MailStore store, String account, String ownAddress) {
		this.store = store;
		this.account = account;
		this.ownAddress = ownAddress;
	}

	private static IOException io(StoreException e) {
		return new IOException(e.getMessage(), e);
	}

	private MailFolderState folderState(String folder) throws IOException {
		try {
			Optional<MailFolderState> s = store.folder(account, folder);
			if (s.isPresent() && s.get().uidValidity() != 0) {
				return s.get();
			}
			MailFolderState made = new MailFolderState(account, folder, System.currentTimeMillis() / 1000, 1, 1, null,
					null);
			store.saveFolder(made);
			return made;
		} catch (StoreException e) {
			throw io(e);
		}
	}

	private long bump(String folder, String token) throws IOException {
		MailFolderState s = folderState(folder);
		long next = s.highestModSeq() + 1;
		try {
			store.saveFolder(new MailFolderState(account, folder, s.uidValidity(), s.uidNext(), next,
					token == null ? s.token() : token, s.synced()));
		} catch (StoreException e) {
			throw io(e);
		}
		return next;
	}

	@Override
	public synchronized List<String> folders() throws IOException {
		List<String> out = new ArrayList<>();
		out.add("INBOX");
		try {
			for (MailFolderState s : store.folders(account)) {
				if (!out.contains(s.folder())) {
					out.add(s.folder());
				}
			}
		} catch (StoreException e) {
			throw io(e);
		}
		return out;
	}

	@Override
	public synchronized void createFolder(String folder) throws IOException {
		folderState(folder);
	}

	@Override
	public synchronized State state(String folder) throws IOException {
		MailFolderState s = folderState(folder);
		try {
			return new State(s.uidValidity(), store.highestUid(account, folder) + 1, s.highestModSeq(),
					store.countMessages(account, folder));
		} catch (StoreException e) {
			throw io(e);
		}
	}

	@Override
	public synchronized List<Entry> entries(String folder) throws IOException {
		List<Entry> out = new ArrayList<>();
		try {
			store.messages(account, folder, 0, m -> out.add(new Entry(m.uid(), null, m.modSeq(), m.flags())));
		} catch (StoreException e) {
			throw io(e);
		}
		return out;
	}

	@Override
	public synchronized List<Long> vanishedSince(String folder, long modSeq) throws IOException {
		List<Long> out = new ArrayList<>();
		String t = folderState(folder).token();
		if (t != null && !t.isEmpty()) {
			for (String p : t.split(",")) {
				int c = p.indexOf(':');
				if (c > 0 && Long.parseLong(p.substring(c + 1)) > modSeq) {
					out.add(Long.parseLong(p.substring(0, c)));
				}
			}
		}
		return out;
	}

	@Override
	public synchronized byte[] raw(String folder, long uid) throws IOException {
		try {
			Optional<InputStream> in = store.openLocal(account, folder, uid);
			if (in.isEmpty()) {
				return null;
			}
			try (InputStream s = in.get()) {
				return s.readAllBytes();
			}
		} catch (StoreException e) {
			throw io(e);
		}
	}

	@Override
	public synchronized long add(String folder, String uidl, byte[] raw, Set<String> flags) throws IOException {
		long modSeq = bump(folder, null);
		CachedMessage headers;
		try {
			MailHeader h = Headers.parse(folder, 0, modSeq, flags, raw.length, Headers.block(raw), null, ownAddress);
			headers = new CachedMessage(account, folder, 0, h.ident(), modSeq, flags, raw.length, h.message(), null);
		} catch (Headers.Unreadable e) {
			// kept all the same (nothing is lost); reading it later reports why it is bad
			headers = new CachedMessage(account, folder, 0, Idents.nameBased("raw:" + Headers.sha256(raw)), modSeq,
					flags, raw.length, new EmailMessage(null, null, null, null, null, null, null, null, null, null, null,
							false, null, null, null),
					e.getMessage());
		}
		try {
			return store.storeLocal(headers, uidl, new ByteArrayInputStream(raw));
		} catch (StoreException e) {
			throw io(e);
		}
	}

	@Override
	public synchronized void setFlags(String folder, List<Long> uids, Set<String> flags, boolean set)
			throws IOException {
		try {
			for (long uid : uids) {
				Optional<CachedMessage> m = store.message(account, folder, uid);
				if (m.isEmpty()) {
					continue;
				}
				Set<String> nf = new TreeSet<>(m.get().flags());
				if (set ? nf.addAll(flags) : nf.removeAll(flags)) {
					store.updateFlags(account, folder, uid, nf, bump(folder, null));
				}
			}
		} catch (StoreException e) {
			throw io(e);
		}
	}

	@Override
	public synchronized long move(String folder, long uid, String target) throws IOException {
		try {
			Optional<CachedMessage> m = store.message(account, folder, uid);
			byte[] raw = raw(folder, uid);
			if (m.isEmpty() || raw == null) {
				return -1;
			}
			long newUid = add(target, null, raw, m.get().flags());
			MailFolderState s = folderState(folder);
			long modSeq = s.highestModSeq() + 1;
			List<String> log = new ArrayList<>();
			if (s.token() != null && !s.token().isEmpty()) {
				log.addAll(List.of(s.token().split(",")));
			}
			log.add(uid + ":" + modSeq);
			if (log.size() > VANISHED_KEPT) {
				log = log.subList(log.size() - VANISHED_KEPT, log.size());
			}
			store.saveFolder(new MailFolderState(account, folder, s.uidValidity(), s.uidNext(), modSeq,
					String.join(",", log), s.synced()));
			store.removeMessages(account, folder, List.of(uid));
			return newUid;
		} catch (StoreException e) {
			throw io(e);
		}
	}

	@Override
	public synchronized Set<String> unknown(Collection<String> uidls) throws IOException {
		try {
			return store.unknownUidls(account, uidls);
		} catch (StoreException e) {
			throw io(e);
		}
	}

	@Override
	public synchronized void forgetAllBut(Set<String> onServer) throws IOException {
		// the store cannot list what it remembers: UIDLs gone from the server stay remembered
		// (harmless: a POP3 server does not give a UIDL to another message)
	}
}
