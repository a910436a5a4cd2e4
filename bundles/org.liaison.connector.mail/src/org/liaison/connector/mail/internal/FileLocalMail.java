package org.liaison.connector.mail.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link LocalMail} in plain files under one folder per account: a message is a file
 * {@code <uid>.eml}; each folder has an {@code index} (one line a message: uid, MODSEQ, UIDL, flags)
 * and a {@code vanished} log. Every write goes to a temporary file and is moved in place, message
 * first, index after, so that a crash leaves at worst a message that is downloaded again, never a
 * message that is lost.
 */
final class FileLocalMail implements LocalMail {

	private final Path root;
	private final Map<String, Folder> folders = new HashMap<>();

	private static final class Folder {
		long uidValidity;
		long uidNext = 1;
		long modSeq = 1;
		final TreeMap<Long, Entry> entries = new TreeMap<>();
		final List<long[]> vanished = new ArrayList<>();
	}

	FileLocalMail(Path root) {
		this.root = root;
	}

	private Path dir(String folder) {
		return root.resolve(ImapMailbox.fileName(folder));
	}

	private synchronized Folder load(String folder) throws IOException {
		Folder f = folders.get(folder);
		if (f != null) {
			return f;
		}
		f = new Folder();
		Path d = dir(folder);
		Path index = d.resolve("index");
		if (Files.exists(index)) {
			List<String> lines = Files.readAllLines(index, StandardCharsets.UTF_8);
			String[] head = lines.get(0).split(" ");
			f.uidValidity = Long.parseLong(head[0]);
			f.uidNext = Long.parseLong(head[1]);
			f.modSeq = Long.parseLong(head[2]);
			for (String line : lines.subList(1, lines.size())) {
				String[] p = line.split(" ");
				Set<String> flags = new TreeSet<>(Arrays.asList(p).subList(3, p.length));
				f.entries.put(Long.parseLong(p[0]),
						new Entry(Long.parseLong(p[0]), "-".equals(p[2]) ? null : p[2], Long.parseLong(p[1]), flags));
			}
			Path v = d.resolve("vanished");
			if (Files.exists(v)) {
				for (String line : Files.readAllLines(v, StandardCharsets.UTF_8)) {
					String[] p = line.split(" ");
					f.vanished.add(new long[] { Long.parseLong(p[0]), Long.parseLong(p[1]) });
				}
			}
		} else {
			f.uidValidity = System.currentTimeMillis() / 1000;
		}
		folders.put(folder, f);
		return f;
	}

	private void save(String folder, Folder f) throws IOException {
		Path d = dir(folder);
		Files.createDirectories(d);
		StringBuilder b = new StringBuilder();
		b.append(f.uidValidity).append(' ').append(f.uidNext).append(' ').append(f.modSeq).append('\n');
		for (Entry e : f.entries.values()) {
			b.append(e.uid()).append(' ').append(e.modSeq()).append(' ').append(e.uidl() == null ? "-" : e.uidl());
			for (String fl : e.flags()) {
				b.append(' ').append(fl);
			}
			b.append('\n');
		}
		atomicWrite(d.resolve("index"), b.toString().getBytes(StandardCharsets.UTF_8));
	}

	private static void atomicWrite(Path file, byte[] data) throws IOException {
		Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
		Files.write(tmp, data, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
				StandardOpenOption.WRITE, StandardOpenOption.SYNC);
		Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	@Override
	public synchronized List<String> folders() throws IOException {
		Set<String> out = new LinkedHashSet<>();
		out.add("INBOX");
		Path names = root.resolve("folders");
		if (Files.exists(names)) {
			out.addAll(Files.readAllLines(names, StandardCharsets.UTF_8));
		}
		return new ArrayList<>(out);
	}

	@Override
	public synchronized void createFolder(String folder) throws IOException {
		List<String> all = folders();
		if (!all.contains(folder)) {
			all.add(folder);
			Files.createDirectories(root);
			atomicWrite(root.resolve("folders"), (String.join("\n", all.subList(1, all.size())) + "\n")
					.getBytes(StandardCharsets.UTF_8));
		}
	}

	@Override
	public synchronized State state(String folder) throws IOException {
		Folder f = load(folder);
		return new State(f.uidValidity, f.uidNext, f.modSeq, f.entries.size());
	}

	@Override
	public synchronized List<Entry> entries(String folder) throws IOException {
		return new ArrayList<>(load(folder).entries.values());
	}

	@Override
	public synchronized List<Long> vanishedSince(String folder, long modSeq) throws IOException {
		List<Long> out = new ArrayList<>();
		for (long[] v : load(folder).vanished) {
			if (v[1] > modSeq) {
				out.add(v[0]);
			}
		}
		return out;
	}

	@Override
	public synchronized byte[] raw(String folder, long uid) throws IOException {
		Path p = dir(folder).resolve(uid + ".eml");
		return Files.exists(p) ? Files.readAllBytes(p) : null;
	}

	@Override
	public synchronized long add(String folder, String uidl, byte[] raw, Set<String> flags) throws IOException {
		if (uidl != null && uidl.chars().anyMatch(c -> c <= ' ')) {
			throw new IOException("a UIDL with spaces: " + uidl);
		}
		createFolder(folder);
		Folder f = load(folder);
		long uid = f.uidNext;
		Files.createDirectories(dir(folder));
		atomicWrite(dir(folder).resolve(uid + ".eml"), raw);
		f.uidNext++;
		f.modSeq++;
		f.entries.put(uid, new Entry(uid, uidl, f.modSeq, new TreeSet<>(flags)));
		save(folder, f);
		if (uidl != null) {
			Files.writeString(root.resolve("uidls"), uidl + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND, StandardOpenOption.SYNC);
		}
		return uid;
	}

	@Override
	public synchronized void setFlags(String folder, List<Long> uids, Set<String> flags, boolean set)
			throws IOException {
		Folder f = load(folder);
		boolean changed = false;
		for (long uid : uids) {
			Entry e = f.entries.get(uid);
			if (e == null) {
				continue;
			}
			Set<String> nf = new TreeSet<>(e.flags());
			if (set ? nf.addAll(flags) : nf.removeAll(flags)) {
				f.modSeq++;
				f.entries.put(uid, new Entry(uid, e.uidl(), f.modSeq, nf));
				changed = true;
			}
		}
		if (changed) {
			save(folder, f);
		}
	}

	@Override
	public synchronized long move(String folder, long uid, String target) throws IOException {
		Folder f = load(folder);
		Entry e = f.entries.get(uid);
		if (e == null) {
			return -1;
		}
		long newUid = add(target, null, raw(folder, uid), e.flags());
		f.entries.remove(uid);
		f.modSeq++;
		f.vanished.add(new long[] { uid, f.modSeq });
		save(folder, f);
		Files.writeString(dir(folder).resolve("vanished"), uid + " " + f.modSeq + "\n", StandardCharsets.UTF_8,
				StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
		Files.deleteIfExists(dir(folder).resolve(uid + ".eml"));
		return newUid;
	}

	private Set<String> downloaded() throws IOException {
		Path p = root.resolve("uidls");
		return Files.exists(p) ? new LinkedHashSet<>(Files.readAllLines(p, StandardCharsets.UTF_8)) : new LinkedHashSet<>();
	}

	@Override
	public synchronized Set<String> unknown(java.util.Collection<String> uidls) throws IOException {
		Set<String> out = new LinkedHashSet<>(uidls);
		out.removeAll(downloaded());
		return out;
	}

	@Override
	public synchronized void forgetAllBut(Set<String> onServer) throws IOException {
		Set<String> keep = downloaded();
		if (keep.retainAll(onServer)) {
			atomicWrite(root.resolve("uidls"), (String.join("\n", keep) + (keep.isEmpty() ? "" : "\n"))
					.getBytes(StandardCharsets.UTF_8));
		}
	}
}
