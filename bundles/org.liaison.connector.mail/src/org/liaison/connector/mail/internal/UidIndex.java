package org.liaison.connector.mail.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * The last snapshot of a folder on a server without QRESYNC: its UIDs, sorted, and a hash of each
 * message's flags. Comparing with it finds expunged messages and (without CONDSTORE) changed flags.
 * About 12 bytes a message, one file per folder, replaced atomically; a generation number ties it
 * to the sync state that was returned with it, so a state from another snapshot is refused instead
 * of giving a wrong difference.
 */
final class UidIndex {

	private static final int MAGIC = 0x4c55_4958; // "LUIX"

	final long generation;
	final long uidValidity;
	final long[] uids;
	final int[] flagHashes;

	UidIndex(long generation, long uidValidity, long[] uids, int[] flagHashes) {
		this.generation = generation;
		this.uidValidity = uidValidity;
		this.uids = uids;
		this.flagHashes = flagHashes;
	}

	int indexOf(long uid) {
		return Arrays.binarySearch(uids, uid);
	}

	static UidIndex read(Path file) throws IOException {
		if (!Files.exists(file)) {
			return null;
		}
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
			if (in.readInt() != MAGIC) {
				return null;
			}
			long gen = in.readLong();
			long uv = in.readLong();
			int n = in.readInt();
			long[] uids = new long[n];
			int[] hashes = new int[n];
			for (int i = 0; i < n; i++) {
				uids[i] = in.readLong();
				hashes[i] = in.readInt();
			}
			return new UidIndex(gen, uv, uids, hashes);
		} catch (java.io.EOFException damaged) {
			return null;
		}
	}

	void write(Path file) throws IOException {
		Files.createDirectories(file.getParent());
		Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
		try (DataOutputStream out = new DataOutputStream(
				new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
			out.writeInt(MAGIC);
			out.writeLong(generation);
			out.writeLong(uidValidity);
			out.writeInt(uids.length);
			for (int i = 0; i < uids.length; i++) {
				out.writeLong(uids[i]);
				out.writeInt(flagHashes[i]);
			}
		}
		Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	/** Grows sorted (uid, hash) pairs as a scan finds them. */
	static final class Builder {
		private long[] uids = new long[1024];
		private int[] hashes = new int[1024];
		private int n;

		void add(long uid, int hash) {
			if (n == uids.length) {
				uids = Arrays.copyOf(uids, n * 2);
				hashes = Arrays.copyOf(hashes, n * 2);
			}
			uids[n] = uid;
			hashes[n] = hash;
			n++;
		}

		UidIndex build(long generation, long uidValidity) {
			long[] u = Arrays.copyOf(uids, n);
			int[] h = Arrays.copyOf(hashes, n);
			// sort pairs by uid (scans come in UID order, but be safe)
			Integer[] order = null;
			for (int i = 1; i < n; i++) {
				if (u[i - 1] >= u[i]) {
					order = new Integer[n];
					break;
				}
			}
			if (order != null) {
				for (int i = 0; i < n; i++) {
					order[i] = i;
				}
				Arrays.sort(order, (a, b) -> Long.compare(u[a], u[b]));
				long[] su = new long[n];
				int[] sh = new int[n];
				int k = 0;
				for (int i = 0; i < n; i++) {
					if (k > 0 && su[k - 1] == u[order[i]]) {
						sh[k - 1] = h[order[i]];
						continue;
					}
					su[k] = u[order[i]];
					sh[k] = h[order[i]];
					k++;
				}
				return new UidIndex(generation, uidValidity, Arrays.copyOf(su, k), Arrays.copyOf(sh, k));
			}
			return new UidIndex(generation, uidValidity, u, h);
		}
	}

	/** A hash of a set of flags that does not depend on their order or case of system flags. */
	static int flagsHash(java.util.Collection<String> flags) {
		int h = 0;
		for (String f : flags) {
			h += (f.startsWith("\\") ? f.toLowerCase(java.util.Locale.ROOT) : f).hashCode() * 0x9E3779B1;
		}
		return h ^ flags.size();
	}
}
