package org.liaison.store.derby;

import static org.liaison.store.derby.Codec.setString;
import static org.liaison.store.derby.Codec.uuid;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.RecordRef;
import org.liaison.api.model.Tracking;
import org.liaison.api.model.TrackingState;
import org.liaison.api.store.CachedMessage;
import org.liaison.api.store.MailFolderState;
import org.liaison.api.store.MailStore;
import org.liaison.api.store.StoreConsumer;
import org.liaison.api.store.StoreException;

/** {@link MailStore} on MAIL_FOLDER, MAIL_MESSAGE (headers, and raw MIME for local mail) and MAIL_UIDL. */
final class MailTables implements MailStore {

	private static final String MESSAGE_COLUMNS = "ACCOUNT, FOLDER, UID, IDENT, MODSEQ, FLAGS, SIZE, DATA, TRACKING,"
			+ " REGARDING, CRM_RECORD, TRACKING_REASON";

	private final Database db;

	MailTables(Database db) {
		this.db = db;
	}

	// ------------------------------------------------------------------ folders

	private static MailFolderState folder(ResultSet rs) throws SQLException {
		return new MailFolderState(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
				rs.getString(6), Codec.instant(rs.getTimestamp(7)));
	}

	private static final String FOLDER_COLUMNS = "ACCOUNT, FOLDER, UID_VALIDITY, UID_NEXT, HIGHEST_MODSEQ, TOKEN, SYNCED";

	@Override
	public Optional<MailFolderState> folder(String account, String folder) throws StoreException {
		return db.read(c -> {
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT " + FOLDER_COLUMNS + " FROM MAIL_FOLDER WHERE ACCOUNT = ? AND FOLDER = ?")) {
				ps.setString(1, account);
				ps.setString(2, folder);
				try (ResultSet rs = ps.executeQuery()) {
					return rs.next() ? Optional.of(folder(rs)) : Optional.empty();
				}
			}
		});
	}

	@Override
	public List<MailFolderState> folders(String account) throws StoreException {
		return db.read(c -> {
			List<MailFolderState> out = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT " + FOLDER_COLUMNS + " FROM MAIL_FOLDER WHERE ACCOUNT = ? ORDER BY FOLDER")) {
				ps.setString(1, account);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						out.add(folder(rs));
					}
				}
			}
			return out;
		});
	}

	@Override
	public void saveFolder(MailFolderState s) throws StoreException {
		db.write(c -> {
			ensureFolder(c, s.account(), s.folder());
			try (PreparedStatement ps = c.prepareStatement("UPDATE MAIL_FOLDER SET UID_VALIDITY = ?, UID_NEXT = ?,"
					+ " HIGHEST_MODSEQ = ?, TOKEN = ?, SYNCED = ? WHERE ACCOUNT = ? AND FOLDER = ?")) {
				ps.setLong(1, s.uidValidity());
				ps.setLong(2, s.uidNext());
				ps.setLong(3, s.highestModSeq());
				setString(ps, 4, s.token());
				Codec.setTs(ps, 5, s.synced());
				ps.setString(6, s.account());
				ps.setString(7, s.folder());
				ps.executeUpdate();
			}
			return null;
		});
	}

	/** Makes the folder's row if it has none (inside a write). */
	private static void ensureFolder(Connection c, String account, String folder) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM MAIL_FOLDER WHERE ACCOUNT = ? AND FOLDER = ?")) {
			ps.setString(1, account);
			ps.setString(2, folder);
			try (ResultSet rs = ps.executeQuery()) {
				if (rs.next()) {
					return;
				}
			}
		}
		try (PreparedStatement ps = c.prepareStatement("INSERT INTO MAIL_FOLDER (ACCOUNT, FOLDER, UID_VALIDITY, UID_NEXT,"
				+ " HIGHEST_MODSEQ, NEXT_LOCAL_UID) VALUES (?, ?, 0, 0, 0, 1)")) {
			ps.setString(1, account);
			ps.setString(2, folder);
			ps.executeUpdate();
		}
	}

	@Override
	public void dropFolder(String account, String folder) throws StoreException {
		db.write(c -> {
			for (String sql : List.of("DELETE FROM MAIL_MESSAGE WHERE ACCOUNT = ? AND FOLDER = ?",
					"DELETE FROM MAIL_FOLDER WHERE ACCOUNT = ? AND FOLDER = ?")) {
				try (PreparedStatement ps = c.prepareStatement(sql)) {
					ps.setString(1, account);
					ps.setString(2, folder);
					ps.executeUpdate();
				}
			}
			return null;
		});
	}

	@Override
	public void dropAccount(String account) throws StoreException {
		db.write(c -> {
			for (String t : List.of("MAIL_MESSAGE", "MAIL_FOLDER", "MAIL_UIDL")) {
				try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE ACCOUNT = ?")) {
					ps.setString(1, account);
					ps.executeUpdate();
				}
			}
			return null;
		});
	}

	// ------------------------------------------------------------------ messages

	private static String flags(Set<String> flags) {
		return flags.isEmpty() ? null : String.join(" ", new TreeSet<>(flags));
	}

	private static Set<String> flags(String text) {
		Set<String> out = new LinkedHashSet<>();
		if (text != null && !text.isBlank()) {
			for (String f : text.split(" ")) {
				out.add(f);
			}
		}
		return out;
	}

	private static CachedMessage message(ResultSet rs) throws SQLException {
		EmailMessage headers = EmailMessage.fromData(ItemData.parse(rs.getString(8)));
		String regarding = rs.getString(10);
		String crm = rs.getString(11);
		EmailMessage m = headers.withTracking(TrackingState.valueOf(rs.getString(9)),
				regarding == null ? null : RecordRef.parse(regarding), crm == null ? null : RecordRef.parse(crm));
		return new CachedMessage(rs.getString(1), rs.getString(2), rs.getLong(3), uuid(rs.getString(4)), rs.getLong(5),
				flags(rs.getString(6)), rs.getLong(7), m, rs.getString(12));
	}

	@Override
	public void putMessages(Collection<CachedMessage> messages) throws StoreException {
		if (messages.isEmpty()) {
			return;
		}
		db.write(c -> {
			Set<String> folders = new HashSet<>();
			for (CachedMessage m : messages) {
				if (folders.add(m.account() + "\n" + m.folder())) {
					ensureFolder(c, m.account(), m.folder());
				}
			}
			List<CachedMessage> all = new ArrayList<>(messages);
			try (PreparedStatement up = c.prepareStatement("UPDATE MAIL_MESSAGE SET IDENT = ?, MESSAGE_ID = ?, MODSEQ = ?,"
					+ " FLAGS = ?, SIZE = ?, DATA = ?, TRACKING = ?, REGARDING = ?, CRM_RECORD = ?, TRACKING_REASON = ?"
					+ " WHERE ACCOUNT = ? AND FOLDER = ? AND UID = ?");
					PreparedStatement in = c.prepareStatement("INSERT INTO MAIL_MESSAGE (IDENT, MESSAGE_ID, MODSEQ, FLAGS,"
							+ " SIZE, DATA, TRACKING, REGARDING, CRM_RECORD, TRACKING_REASON, ACCOUNT, FOLDER, UID)"
							+ " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
				// the rows there already, found in one range scan per folder: an UPDATE that finds no row costs
				// a warning object each, and new mail (most of what comes here) would cost one per message
				Set<String> known = known(c, all);
				boolean updates = false;
				boolean inserts = false;
				for (CachedMessage m : all) {
					if (known.contains(m.account() + "\n" + m.folder() + "\n" + m.uid())) {
						bind(up, m);
						up.addBatch();
						updates = true;
					} else {
						bind(in, m);
						in.addBatch();
						inserts = true;
					}
				}
				if (updates) {
					up.executeBatch();
				}
				if (inserts) {
					in.executeBatch();
				}
			}
			return null;
		});
	}

	/** "account\nfolder\nuid" of the given messages that have a row. */
	private static Set<String> known(Connection c, List<CachedMessage> messages) throws SQLException {
		Map<String, long[]> ranges = new HashMap<>();
		for (CachedMessage m : messages) {
			long[] r = ranges.computeIfAbsent(m.account() + "\n" + m.folder(), k -> new long[] { m.uid(), m.uid() });
			r[0] = Math.min(r[0], m.uid());
			r[1] = Math.max(r[1], m.uid());
		}
		Set<String> out = new HashSet<>();
		try (PreparedStatement ps = c.prepareStatement(
				"SELECT UID FROM MAIL_MESSAGE WHERE ACCOUNT = ? AND FOLDER = ? AND UID BETWEEN ? AND ?")) {
			for (Map.Entry<String, long[]> r : ranges.entrySet()) {
				String[] af = r.getKey().split("\n", 2);
				ps.setString(1, af[0]);
				ps.setString(2, af[1]);
				ps.setLong(3, r.getValue()[0]);
				ps.setLong(4, r.getValue()[1]);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						out.add(r.getKey() + "\n" + rs.getLong(1));
					}
				}
			}
		}
		return out;
	}

	private static void bind(PreparedStatement ps, CachedMessage m) throws SQLException {
		EmailMessage e = m.message();
		ps.setString(1, m.ident().toString());
		setString(ps, 2, e.messageId());
		ps.setLong(3, m.modSeq());
		setString(ps, 4, flags(m.flags()));
		ps.setLong(5, m.size());
		ps.setString(6, e.toData().toText());
		ps.setString(7, e.trackingState().name());
		setString(ps, 8, e.regarding() == null ? null : e.regarding().toString());
		setString(ps, 9, e.crmEmail() == null ? null : e.crmEmail().toString());
		setString(ps, 10, SyncStateTables.clip(m.trackingReason(), 4000));
		ps.setString(11, m.account());
		ps.setString(12, m.folder());
		ps.setLong(13, m.uid());
	}

	@Override
	public void updateFlags(String account, String folder, long uid, Set<String> flags, long modSeq)
			throws StoreException {
		updateFlags(account, folder, List.of(new FlagChange(uid, flags, modSeq)));
	}

	@Override
	public void updateFlags(String account, String folder, Collection<FlagChange> changes) throws StoreException {
		if (changes.isEmpty()) {
			return;
		}
		db.write(c -> {
			try (PreparedStatement ps = c.prepareStatement(
					"UPDATE MAIL_MESSAGE SET FLAGS = ?, MODSEQ = ? WHERE ACCOUNT = ? AND FOLDER = ? AND UID = ?")) {
				for (FlagChange f : changes) {
					setString(ps, 1, flags(f.flags() == null ? Set.of() : f.flags()));
					ps.setLong(2, f.modSeq());
					ps.setString(3, account);
					ps.setString(4, folder);
					ps.setLong(5, f.uid());
					ps.addBatch();
				}
				ps.executeBatch();
			}
			return null;
		});
	}

	@Override
	public void removeMessages(String account, String folder, Collection<Long> uids) throws StoreException {
		if (uids.isEmpty()) {
			return;
		}
		db.write(c -> {
			try (PreparedStatement ps = c.prepareStatement(
					"DELETE FROM MAIL_MESSAGE WHERE ACCOUNT = ? AND FOLDER = ? AND UID = ?")) {
				for (Long uid : uids) {
					ps.setString(1, account);
					ps.setString(2, folder);
					ps.setLong(3, uid);
					ps.addBatch();
				}
				ps.executeBatch();
			}
			return null;
		});
	}

	@Override
	public Optional<CachedMessage> message(String account, String folder, long uid) throws StoreException {
		return db.read(c -> {
			try (PreparedStatement ps = c.prepareStatement("SELECT " + MESSAGE_COLUMNS
					+ " FROM MAIL_MESSAGE WHERE ACCOUNT = ? AND FOLDER = ? AND UID = ?")) {
				ps.setString(1, account);
				ps.setString(2, folder);
				ps.setLong(3, uid);
				try (ResultSet rs = ps.executeQuery()) {
					return rs.next() ? Optional.of(message(rs)) : Optional.empty();
				}
			}
		});
	}

	@Override
	public void messages(String account, String folder, long afterUid, StoreConsumer<CachedMessage> sink)
			throws StoreException {
		db.read(c -> {
			try (PreparedStatement ps = c.prepareStatement("SELECT " + MESSAGE_COLUMNS
					+ " FROM MAIL_MESSAGE WHERE ACCOUNT = ? AND FOLDER = ? AND UID > ? ORDER BY UID")) {
				ps.setFetchSize(500);
				ps.setString(1, account);
				ps.setString(2, folder);
				ps.setLong(3, afterUid);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						sink.accept(message(rs));
					}
				}
			}
			return null;
		});
	}

	@Override
	public int countMessages(String account, String folder) throws StoreException {
		return (int) longQuery("SELECT COUNT(*) FROM MAIL_MESSAGE WHERE ACCOUNT = ? AND FOLDER = ?", account, folder);
	}

	@Override
	public long highestUid(String account, String folder) throws StoreException {
		return longQuery("SELECT COALESCE(MAX(UID), 0) FROM MAIL_MESSAGE WHERE ACCOUNT = ? AND FOLDER = ?", account,
				folder);
	}

	private long longQuery(String sql, String account, String folder) throws StoreException {
		return db.read(c -> {
			try (PreparedStatement ps = c.prepareStatement(sql)) {
				ps.setString(1, account);
				ps.setString(2, folder);
				try (ResultSet rs = ps.executeQuery()) {
					rs.next();
					return rs.getLong(1);
				}
			}
		});
	}

	private List<CachedMessage> byColumn(String column, String account, String value) throws StoreException {
		return db.read(c -> {
			List<CachedMessage> out = new ArrayList<>();
			try (PreparedStatement ps = c.prepareStatement("SELECT " + MESSAGE_COLUMNS + " FROM MAIL_MESSAGE WHERE ACCOUNT = ?"
					+ " AND " + column + " = ? ORDER BY FOLDER, UID")) {
				ps.setString(1, account);
				ps.setString(2, value);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						out.add(message(rs));
					}
				}
			}
			return out;
		});
	}

	@Override
	public List<CachedMessage> byMessageId(String account, String messageId) throws StoreException {
		return byColumn("MESSAGE_ID", account, messageId);
	}

	@Override
	public List<CachedMessage> byIdent(String account, UUID ident) throws StoreException {
		return byColumn("IDENT", account, ident.toString());
	}

	@Override
	public void setTracking(String account, String folder, long uid, Tracking t) throws StoreException {
		db.write(c -> {
			try (PreparedStatement ps = c.prepareStatement("UPDATE MAIL_MESSAGE SET TRACKING = ?, REGARDING = ?,"
					+ " CRM_RECORD = ?, TRACKING_REASON = ? WHERE ACCOUNT = ? AND FOLDER = ? AND UID = ?")) {
				ps.setString(1, t.state().name());
				setString(ps, 2, t.regarding() == null ? null : t.regarding().toString());
				setString(ps, 3, t.crmRecord() == null ? null : t.crmRecord().toString());
				setString(ps, 4, SyncStateTables.clip(t.reason(), 4000));
				ps.setString(5, account);
				ps.setString(6, folder);
				ps.setLong(7, uid);
				if (ps.executeUpdate() != 1) {
					throw new StoreException("no message " + uid + " in " + account + "/" + folder);
				}
			}
			return null;
		});
	}

	// ------------------------------------------------------------------ local mail

	@Override
	public long storeLocal(CachedMessage headers, String uidl, InputStream raw) throws StoreException {
		return db.write(c -> {
			ensureFolder(c, headers.account(), headers.folder());
			long uid;
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT NEXT_LOCAL_UID FROM MAIL_FOLDER WHERE ACCOUNT = ? AND FOLDER = ?")) {
				ps.setString(1, headers.account());
				ps.setString(2, headers.folder());
				try (ResultSet rs = ps.executeQuery()) {
					rs.next();
					uid = rs.getLong(1);
				}
			}
			try (PreparedStatement ps = c.prepareStatement(
					"UPDATE MAIL_FOLDER SET NEXT_LOCAL_UID = ? WHERE ACCOUNT = ? AND FOLDER = ?")) {
				ps.setLong(1, uid + 1);
				ps.setString(2, headers.account());
				ps.setString(3, headers.folder());
				ps.executeUpdate();
			}
			CachedMessage m = new CachedMessage(headers.account(), headers.folder(), uid, headers.ident(),
					headers.modSeq(), headers.flags(), headers.size(), headers.message(), headers.trackingReason());
			try (PreparedStatement in = c.prepareStatement("INSERT INTO MAIL_MESSAGE (IDENT, MESSAGE_ID, MODSEQ, FLAGS,"
					+ " SIZE, DATA, TRACKING, REGARDING, CRM_RECORD, TRACKING_REASON, ACCOUNT, FOLDER, UID, RAW)"
					+ " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
				bind(in, m);
				in.setBinaryStream(14, raw);
				in.executeUpdate();
			}
			if (uidl != null) {
				remember(c, headers.account(), List.of(uidl));
			}
			return uid;
		});
	}

	@Override
	public Optional<InputStream> openLocal(String account, String folder, long uid) throws StoreException {
		// a Derby BLOB streams only while its result set is open: the stream gets a connection of its
		// own, closed with the stream
		Connection c = db.dedicated();
		try {
			PreparedStatement ps = c.prepareStatement(
					"SELECT RAW FROM MAIL_MESSAGE WHERE ACCOUNT = ? AND FOLDER = ? AND UID = ?");
			ps.setString(1, account);
			ps.setString(2, folder);
			ps.setLong(3, uid);
			ResultSet rs = ps.executeQuery();
			InputStream in = rs.next() ? rs.getBinaryStream(1) : null;
			if (in == null) {
				c.rollback();
				c.close();
				return Optional.empty();
			}
			return Optional.of(new java.io.FilterInputStream(in) {
				@Override
				public void close() throws java.io.IOException {
					try {
						super.close();
					} finally {
						try {
							c.rollback();
							c.close();
						} catch (SQLException e) {
							throw new java.io.IOException(e);
						}
					}
				}
			});
		} catch (SQLException e) {
			try {
				c.rollback();
				c.close();
			} catch (SQLException ignored) {
				// the first failure is the one to report
			}
			throw StoreErrors.wrap("read local mail from", db.label(), e);
		}
	}

	@Override
	public Set<String> unknownUidls(String account, Collection<String> uidls) throws StoreException {
		if (uidls.isEmpty()) {
			return Set.of();
		}
		List<String> asked = new ArrayList<>(new LinkedHashSet<>(uidls));
		return db.read(c -> {
			Set<String> known = new HashSet<>();
			Codec.inList(c, "SELECT UIDL FROM MAIL_UIDL WHERE ACCOUNT = ? AND UIDL IN (", ")", asked,
					rs -> known.add(rs.getString(1)), account);
			Set<String> out = new LinkedHashSet<>(asked);
			out.removeAll(known);
			return out;
		});
	}

	@Override
	public void rememberUidls(String account, Collection<String> uidls) throws StoreException {
		if (uidls.isEmpty()) {
			return;
		}
		db.write(c -> {
			remember(c, account, uidls);
			return null;
		});
	}

	private static void remember(Connection c, String account, Collection<String> uidls) throws SQLException {
		try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM MAIL_UIDL WHERE ACCOUNT = ? AND UIDL = ?");
				PreparedStatement in = c.prepareStatement("INSERT INTO MAIL_UIDL (ACCOUNT, UIDL) VALUES (?, ?)")) {
			boolean any = false;
			for (String u : new LinkedHashSet<>(uidls)) {
				q.setString(1, account);
				q.setString(2, u);
				try (ResultSet rs = q.executeQuery()) {
					if (rs.next()) {
						continue;
					}
				}
				in.setString(1, account);
				in.setString(2, u);
				in.addBatch();
				any = true;
			}
			if (any) {
				in.executeBatch();
			}
		}
	}

	@Override
	public void forgetUidls(String account, Collection<String> uidls) throws StoreException {
		if (uidls.isEmpty()) {
			return;
		}
		db.write(c -> {
			try (PreparedStatement ps = c.prepareStatement("DELETE FROM MAIL_UIDL WHERE ACCOUNT = ? AND UIDL = ?")) {
				for (String u : uidls) {
					ps.setString(1, account);
					ps.setString(2, u);
					ps.addBatch();
				}
				ps.executeBatch();
			}
			return null;
		});
	}

}
