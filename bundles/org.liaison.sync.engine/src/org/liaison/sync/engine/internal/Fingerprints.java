package org.liaison.sync.engine.internal;

import org.liaison.api.store.StoreException;
import org.liaison.api.store.SyncStateStore;
import org.liaison.api.sync.Side;

/**
 * What a full listing is checked against: for each status row with an item on one side, 64-bit
 * fingerprints of its href and version, in an open-addressing table of primitive arrays (about 40
 * bytes per item, no strings), built from one sequential scan of the status. A listed item whose
 * href and version fingerprints match is unchanged; everything else is looked up in the store by
 * href. A collision of both 64-bit fingerprints (about 2^-64 per item) would take a changed version
 * for the old one.
 */
final class Fingerprints {

	private long[] hrefs;
	private long[] versions;
	private long[] rows;
	private int size;
	private int mask;

	private Fingerprints(int capacity) {
		int cap = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) << 1;
		hrefs = new long[cap];
		versions = new long[cap];
		rows = new long[cap];
		mask = cap - 1;
	}

	/** Builds both sides' tables in one pass over the pair's status rows. */
	static Fingerprints[] load(SyncStateStore state, String pairId, int expected) throws StoreException {
		Fingerprints crm = new Fingerprints(expected);
		Fingerprints mbx = new Fingerprints(expected);
		state.forEachVersion(pairId, (rowId, crmHref, crmVersion, mbxHref, mbxVersion) -> {
			if (crmHref != null) {
				crm.put(hash(crmHref), hash(crmVersion), rowId);
			}
			if (mbxHref != null) {
				mbx.put(hash(mbxHref), hash(mbxVersion), rowId);
			}
		});
		Fingerprints[] out = new Fingerprints[2];
		out[Side.CRM.ordinal()] = crm;
		out[Side.MAILBOX.ordinal()] = mbx;
		return out;
	}

	int size() {
		return size;
	}

	private void put(long href, long version, long rowId) {
		if ((size + 1) * 2 > hrefs.length) {
			grow();
		}
		int i = (int) mix(href) & mask;
		while (rows[i] != 0) {
			i = (i + 1) & mask;
		}
		hrefs[i] = href;
		versions[i] = version;
		rows[i] = rowId + 1; // 0 marks a free slot
		size++;
	}

	private void grow() {
		long[] h = hrefs;
		long[] v = versions;
		long[] r = rows;
		hrefs = new long[h.length * 2];
		versions = new long[h.length * 2];
		rows = new long[h.length * 2];
		mask = hrefs.length - 1;
		size = 0;
		for (int i = 0; i < h.length; i++) {
			if (r[i] != 0) {
				put(h[i], v[i], r[i] - 1);
			}
		}
	}

	/** The status row id of an unchanged item (href and version as when last synced), else -1. */
	long unchanged(String href, String version) {
		long h = hash(href);
		int i = (int) mix(h) & mask;
		while (rows[i] != 0) {
			if (hrefs[i] == h) {
				return versions[i] == hash(version) ? rows[i] - 1 : -1;
			}
			i = (i + 1) & mask;
		}
		return -1;
	}

	/** 64-bit FNV-1a over the UTF-16 units, folded through a final mix. */
	static long hash(String s) {
		if (s == null) {
			return 0x9e3779b97f4a7c15L;
		}
		long h = 0xcbf29ce484222325L;
		for (int i = 0; i < s.length(); i++) {
			h ^= s.charAt(i);
			h *= 0x100000001b3L;
		}
		return mix(h);
	}

	private static long mix(long z) {
		z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
		z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
		return z ^ (z >>> 33);
	}
}
