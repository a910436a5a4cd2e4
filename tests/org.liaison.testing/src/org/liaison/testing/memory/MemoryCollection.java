package org.liaison.testing.memory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.model.ItemData;
import org.liaison.api.sync.AlreadyExistsException;
import org.liaison.api.sync.CollectionInfo;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemRejectedException;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.NotFoundException;
import org.liaison.api.sync.PreconditionFailedException;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.TokenExpiredException;
import org.liaison.testing.memory.Faults.Op;

/**
 * An {@link ItemCollection} in memory, for engine tests and as the reference the connector contract
 * suite is checked against. Besides the SPI it has a "user" side (what a person or another client
 * does to the collection between syncs: {@link #userCreate}, {@link #userEdit}, {@link #userDelete},
 * scope changes, ETag touches, malformed items) and injectable {@link Faults}. Optionally it keeps
 * its state in a file after every change, so that a crash test can kill the JVM that writes to it.
 *
 * <p>Versions are {@code v1, v2, ...} from one counter; change tracking keeps the sequence number of
 * each item's last change, and tokens are that sequence. Items out of scope (a sync filter) are not
 * listed, are reported {@link Removal#LEFT_SCOPE}, and can still be fetched and written by href, as
 * a CRM record outside the user's filter can.
 */
public final class MemoryCollection implements ItemCollection {

	private static final class Entry {
		UUID ident;
		ItemData data;
		String version;
		Instant modified;
		boolean inScope = true;
		String badReason;
		String raw;
		long changeSeq;
	}

	private final CollectionInfo info;
	private final boolean changeTracking;
	private final boolean immutable;
	private final Supplier<Instant> clock;
	private final Faults faults = new Faults();
	private final Map<String, Entry> items = new LinkedHashMap<>();
	/** Deleted hrefs with the sequence number of their deletion, for change listings. */
	private final Map<String, Long> deleted = new HashMap<>();
	private long versions;
	private long hrefs;
	private long seq;
	private long expiredBefore;
	private int calls;
	private Path persistTo;

	private MemoryCollection(CollectionInfo info, boolean changeTracking, boolean immutable, Supplier<Instant> clock) {
		this.info = Objects.requireNonNull(info, "info");
		this.changeTracking = changeTracking;
		this.immutable = immutable;
		this.clock = clock == null ? new TestClock() : clock;
	}

	/** A collection with change tracking (tokens). */
	public static MemoryCollection of(CollectionInfo info) {
		return new MemoryCollection(info, true, false, null);
	}

	/**
	 * @param changeTracking whether {@link #list} honours tokens (else every listing is full and the
	 *        token is null)
	 * @param immutable whether items cannot be changed once made (as messages in a mail folder)
	 * @param clock the time source for modification times, null for a {@link TestClock}
	 */
	public static MemoryCollection of(CollectionInfo info, boolean changeTracking, boolean immutable,
			Supplier<Instant> clock) {
		return new MemoryCollection(info, changeTracking, immutable, clock);
	}

	public Faults faults() {
		return faults;
	}

	/** How many SPI calls were made. */
	public synchronized int calls() {
		return calls;
	}

	// ------------------------------------------------------------------ the SPI

	@Override
	public CollectionInfo info() {
		return info;
	}

	@Override
	public String list(String since, ListSink sink, IProgressMonitor monitor) throws SyncException {
		List<ItemVersion> present = new ArrayList<>();
		List<String[]> removed = new ArrayList<>();
		String token;
		synchronized (this) {
			calls++;
			faults.beforeCall(Op.LIST, info.id());
			long from = -1;
			if (since != null && changeTracking) {
				from = parseToken(since);
				if (from < expiredBefore) {
					throw new TokenExpiredException("the sync token of " + info.id() + " has expired");
				}
			}
			for (Map.Entry<String, Entry> e : items.entrySet()) {
				Entry it = e.getValue();
				if (from >= 0 && it.changeSeq <= from) {
					continue;
				}
				if (it.inScope) {
					present.add(new ItemVersion(e.getKey(), faults.reported(it.version)));
				} else if (from >= 0) {
					removed.add(new String[] { e.getKey(), Removal.LEFT_SCOPE.name() });
				}
			}
			if (from >= 0) {
				for (Map.Entry<String, Long> d : deleted.entrySet()) {
					if (d.getValue() > from) {
						removed.add(new String[] { d.getKey(), Removal.DELETED.name() });
					}
				}
			}
			token = changeTracking ? "mem:" + seq : null;
		}
		for (ItemVersion v : present) {
			sink.present(v);
		}
		for (String[] r : removed) {
			sink.removed(r[0], Removal.valueOf(r[1]));
		}
		return token;
	}

	@Override
	public void get(List<String> hrefs, FetchSink sink, IProgressMonitor monitor) throws SyncException {
		List<Object[]> out = new ArrayList<>();
		synchronized (this) {
			calls++;
			faults.beforeCall(Op.GET, hrefs.size() + " items of " + info.id());
			for (String h : hrefs) {
				Entry it = items.get(h);
				if (it != null) {
					out.add(new Object[] { h, faults.reported(it.version), it.ident, it.data, it.modified, it.badReason,
							it.raw });
				}
			}
		}
		for (Object[] o : out) {
			if (o[5] != null) {
				sink.bad((String) o[0], (String) o[1], (String) o[5], (String) o[6]);
			} else {
				sink.item(new RemoteItem((String) o[0], (String) o[1], (UUID) o[2], (ItemData) o[3], (Instant) o[4],
						null));
			}
		}
	}

	@Override
	public synchronized org.liaison.api.sync.WriteResult create(UUID ident, ItemData data) throws SyncException {
		calls++;
		faults.beforeCall(Op.CREATE, ident.toString());
		checkKind(data);
		for (Map.Entry<String, Entry> e : items.entrySet()) {
			if (ident.equals(e.getValue().ident)) {
				throw new AlreadyExistsException("an item with ident " + ident + " exists at " + e.getKey(),
						new ItemVersion(e.getKey(), e.getValue().version));
			}
		}
		faults.checkContent(data, "item " + ident);
		String href = newItem(ident, data);
		faults.afterWrite(Op.CREATE, href);
		return new org.liaison.api.sync.WriteResult(href, items.get(href).version);
	}

	@Override
	public synchronized org.liaison.api.sync.WriteResult update(RemoteItem current, ItemData data)
			throws SyncException {
		calls++;
		faults.beforeCall(Op.UPDATE, current.href());
		checkKind(data);
		if (immutable) {
			throw new ItemRejectedException(info.displayName() + " does not allow items to be changed: " + current.href());
		}
		Entry it = items.get(current.href());
		if (it == null) {
			throw new NotFoundException(current.href() + " is gone");
		}
		if (!sameVersion(it.version, current.version())) {
			throw new PreconditionFailedException(current.href() + " is at " + it.version + ", not " + current.version());
		}
		faults.checkContent(data, current.href());
		it.data = data;
		it.badReason = null;
		it.raw = null;
		bump(current.href(), it);
		faults.afterWrite(Op.UPDATE, current.href());
		return new org.liaison.api.sync.WriteResult(current.href(), it.version);
	}

	@Override
	public synchronized void delete(String href, String version) throws SyncException {
		calls++;
		faults.beforeCall(Op.DELETE, href);
		Entry it = items.get(href);
		if (it == null) {
			return;
		}
		if (version != null && !sameVersion(it.version, version)) {
			throw new PreconditionFailedException(href + " is at " + it.version + ", not " + version);
		}
		remove(href);
		faults.afterWrite(Op.DELETE, href);
	}

	@Override
	public synchronized Map<String, Removal> whyGone(List<String> hrefs) throws SyncException {
		calls++;
		faults.beforeCall(Op.WHY_GONE, hrefs.size() + " items");
		Map<String, Removal> out = new HashMap<>();
		for (String h : hrefs) {
			Entry it = items.get(h);
			out.put(h, it != null && !it.inScope ? Removal.LEFT_SCOPE : Removal.DELETED);
		}
		return out;
	}

	// ------------------------------------------------------------------ the user's side

	/** Someone makes an item on this side (not through the engine); returns its href. */
	public synchronized String userCreate(UUID ident, ItemData data) {
		checkKind(data);
		return newItem(ident, data);
	}

	/** Someone changes an item's content. */
	public synchronized void userEdit(String href, ItemData data) {
		Entry it = existing(href);
		it.data = data;
		it.badReason = null;
		it.raw = null;
		bump(href, it);
	}

	/** Someone deletes an item. */
	public synchronized void userDelete(String href) {
		existing(href);
		remove(href);
	}

	/** A sync filter takes the item out of this collection's scope, or back in. */
	public synchronized void setInScope(String href, boolean inScope) {
		Entry it = existing(href);
		if (it.inScope != inScope) {
			it.inScope = inScope;
			it.changeSeq = ++seq;
			persist();
		}
	}

	/** The server gives the item a new version without changing its content. */
	public synchronized void touch(String href) {
		Entry it = existing(href);
		bump(href, it);
	}

	/**
	 * Puts an item the connector cannot read (malformed vCard, iCalendar, MIME, JSON): listed like any
	 * other, reported to {@link FetchSink#bad} when fetched. Returns its href.
	 */
	public synchronized String userCreateBad(String reason, String raw) {
		String href = newItem(UUID.randomUUID(), new ItemData(info.kind(), Map.of()));
		Entry it = items.get(href);
		it.badReason = reason;
		it.raw = raw;
		persist();
		return href;
	}

	/** Makes every token given out so far expire. */
	public synchronized void expireTokens() {
		expiredBefore = seq + 1;
		seq++;
		persist();
	}

	// ------------------------------------------------------------------ inspection

	/** The items now, in scope or not, readable ones only: ident to content. */
	public synchronized Map<UUID, ItemData> snapshot() {
		Map<UUID, ItemData> out = new LinkedHashMap<>();
		for (Entry it : items.values()) {
			if (it.badReason == null) {
				out.put(it.ident, it.data);
			}
		}
		return out;
	}

	/** The items now, with href and version. */
	public synchronized List<RemoteItem> items() {
		List<RemoteItem> out = new ArrayList<>();
		for (Map.Entry<String, Entry> e : items.entrySet()) {
			Entry it = e.getValue();
			out.add(new RemoteItem(e.getKey(), it.version, it.ident, it.data, it.modified, null));
		}
		return out;
	}

	/** How many items carry this ident (more than one is a duplicate). */
	public synchronized int countIdent(UUID ident) {
		int n = 0;
		for (Entry it : items.values()) {
			if (ident.equals(it.ident)) {
				n++;
			}
		}
		return n;
	}

	public synchronized String hrefOf(UUID ident) {
		for (Map.Entry<String, Entry> e : items.entrySet()) {
			if (ident.equals(e.getValue().ident)) {
				return e.getKey();
			}
		}
		return null;
	}

	public synchronized boolean inScope(String href) {
		Entry it = items.get(href);
		return it != null && it.inScope;
	}

	public synchronized int size() {
		return items.size();
	}

	// ------------------------------------------------------------------ internals

	private void checkKind(ItemData data) {
		if (data.kind() != info.kind()) {
			throw new IllegalArgumentException(info.id() + " holds " + info.kind() + " items, not " + data.kind());
		}
	}

	private Entry existing(String href) {
		Entry it = items.get(href);
		if (it == null) {
			throw new IllegalArgumentException("no item at " + href + " in " + info.id());
		}
		return it;
	}

	private String newItem(UUID ident, ItemData data) {
		String href = info.id() + "/item-" + (++hrefs);
		Entry it = new Entry();
		it.ident = ident;
		it.data = data;
		items.put(href, it);
		deleted.remove(href);
		bump(href, it);
		return href;
	}

	private void bump(String href, Entry it) {
		it.version = "v" + (++versions);
		it.modified = clock.get();
		it.changeSeq = ++seq;
		persist();
	}

	private void remove(String href) {
		items.remove(href);
		deleted.put(href, ++seq);
		persist();
	}

	private static boolean sameVersion(String stored, String asked) {
		return stored.equals(asked.startsWith("W/") ? asked.substring(2) : asked);
	}

	private long parseToken(String token) throws TokenExpiredException {
		if (!token.startsWith("mem:")) {
			throw new TokenExpiredException("not a token of this collection: " + token);
		}
		try {
			return Long.parseLong(token.substring(4));
		} catch (NumberFormatException e) {
			throw new TokenExpiredException("not a token of this collection: " + token);
		}
	}

	// ------------------------------------------------------------------ persistence (crash tests)

	/** Keeps the state in {@code file} from now on, rewritten atomically after every change. */
	public synchronized MemoryCollection persistTo(Path file) {
		this.persistTo = file;
		persist();
		return this;
	}

	/** A collection with the state kept in {@code file}, persisting to it from then on. */
	public static MemoryCollection load(Path file, CollectionInfo info, boolean changeTracking, boolean immutable,
			Supplier<Instant> clock) {
		MemoryCollection c = new MemoryCollection(info, changeTracking, immutable, clock);
		try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
			c.versions = in.readLong();
			c.hrefs = in.readLong();
			c.seq = in.readLong();
			c.expiredBefore = in.readLong();
			int n = in.readInt();
			for (int i = 0; i < n; i++) {
				String href = in.readUTF();
				Entry it = new Entry();
				it.ident = UUID.fromString(in.readUTF());
				it.data = ItemData.parse(readLong(in));
				it.version = in.readUTF();
				it.modified = Instant.ofEpochMilli(in.readLong());
				it.inScope = in.readBoolean();
				it.changeSeq = in.readLong();
				c.items.put(href, it);
			}
			int d = in.readInt();
			for (int i = 0; i < d; i++) {
				c.deleted.put(in.readUTF(), in.readLong());
			}
		} catch (IOException e) {
			throw new UncheckedIOException("cannot read " + file, e);
		}
		c.persistTo = file;
		return c;
	}

	private void persist() {
		if (persistTo == null) {
			return;
		}
		Path tmp = persistTo.resolveSibling(persistTo.getFileName() + ".tmp");
		try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(tmp))) {
			out.writeLong(versions);
			out.writeLong(hrefs);
			out.writeLong(seq);
			out.writeLong(expiredBefore);
			out.writeInt(items.size());
			for (Map.Entry<String, Entry> e : items.entrySet()) {
				Entry it = e.getValue();
				out.writeUTF(e.getKey());
				out.writeUTF(it.ident.toString());
				writeLong(out, it.data.toText());
				out.writeUTF(it.version);
				out.writeLong(it.modified.toEpochMilli());
				out.writeBoolean(it.inScope);
				out.writeLong(it.changeSeq);
			}
			out.writeInt(deleted.size());
			for (Map.Entry<String, Long> d : deleted.entrySet()) {
				out.writeUTF(d.getKey());
				out.writeLong(d.getValue());
			}
		} catch (IOException e) {
			throw new UncheckedIOException("cannot write " + tmp, e);
		}
		try {
			Files.move(tmp, persistTo, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		} catch (IOException e) {
			throw new UncheckedIOException("cannot replace " + persistTo, e);
		}
	}

	private static void writeLong(DataOutputStream out, String s) throws IOException {
		byte[] b = s.getBytes(StandardCharsets.UTF_8);
		out.writeInt(b.length);
		out.write(b);
	}

	private static String readLong(DataInputStream in) throws IOException {
		byte[] b = new byte[in.readInt()];
		in.readFully(b);
		return new String(b, StandardCharsets.UTF_8);
	}
}
