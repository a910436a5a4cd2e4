package org.liaison.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemData;
import org.liaison.api.store.HistoryEntry;
import org.liaison.api.store.SideState;
import org.liaison.api.store.SyncBatch;
import org.liaison.api.store.SyncStatus;
import org.liaison.api.sync.PlannedAction;
import org.liaison.api.sync.Side;
import org.liaison.store.derby.DerbyProfileStore;

/**
 * Readers run while one writer writes: no reader fails or sees a half-written row, and writes
 * from two threads are serialized, not interleaved.
 */
class ConcurrencyTest {

	@Test
	void readersSeeOnlyWholeCommittedRows_whileOneWriterWrites() throws Exception {
		try (DerbyProfileStore store = Stores.memory()) {
			UUID[] idents = new UUID[50];
			SyncBatch first = new SyncBatch();
			for (int i = 0; i < idents.length; i++) {
				idents[i] = UUID.randomUUID();
				first.putStatus(row(idents[i], 0, -1));
			}
			store.syncState().apply(first);
			long[] rowIds = new long[idents.length];
			for (int i = 0; i < idents.length; i++) {
				rowIds[i] = store.syncState().status("p", idents[i]).orElseThrow().rowId();
			}

			AtomicBoolean stop = new AtomicBoolean();
			ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
			AtomicInteger reads = new AtomicInteger();
			CountDownLatch started = new CountDownLatch(3);
			List<Thread> readers = new ArrayList<>();
			for (int r = 0; r < 3; r++) {
				Thread t = new Thread(() -> {
					started.countDown();
					try {
						while (!stop.get()) {
							for (SyncStatus s : store.syncState().statuses("p", List.of(idents)).values()) {
								// a row is written whole: its hash always matches its last synced copy
								if (!s.crmBase().contentHash().equals(s.crm().hash())) {
									throw new AssertionError("half-written row " + s);
								}
							}
							store.syncState().history("p", null, 20);
							reads.incrementAndGet();
						}
					} catch (Throwable e) {
						failures.add(e);
					}
				});
				t.start();
				readers.add(t);
			}
			started.await();
			Thread[] writers = new Thread[2];
			for (int w = 0; w < writers.length; w++) {
				int offset = w;
				writers[w] = new Thread(() -> {
					try {
						for (int round = 1; round <= 60; round++) {
							SyncBatch b = new SyncBatch();
							for (int i = offset; i < idents.length; i += 2) {
								b.putStatus(row(idents[i], round, rowIds[i]));
							}
							b.history(new HistoryEntry(round, Instant.now(), "p", null, Side.CRM,
									PlannedAction.Action.UPDATE, "round " + round, null));
							store.syncState().apply(b);
						}
					} catch (Throwable e) {
						failures.add(e);
					}
				});
				writers[w].start();
			}
			for (Thread w : writers) {
				w.join();
			}
			stop.set(true);
			for (Thread t : readers) {
				t.join();
			}
			assertTrue(failures.isEmpty(), () -> "failures: " + failures);
			assertTrue(reads.get() > 0);
			assertEquals(120, store.syncState().history("p", null, 1000).size(), "every write of both writers landed");
			for (UUID u : idents) {
				assertTrue(store.syncState().status("p", u).orElseThrow().crmBase().get(Contact.LAST_NAME).endsWith("-60"));
			}
		}
	}

	private static SyncStatus row(UUID ident, int round, long rowId) {
		ItemData base = Contact.of("Ada", ident + "-" + round, null).toData();
		return new SyncStatus("p", ident, new SideState("crm/" + ident, "v" + round, base.contentHash()),
				new SideState("mbx/" + ident, "v" + round, base.contentHash()), base, null, Instant.now(), rowId);
	}
}
