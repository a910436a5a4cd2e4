package org.liaison.crm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmClient.BatchResult;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmWrite;
import org.liaison.store.jdbc.Derby;

/**
 * The reference server's database rolls a request back when it waits too long for a lock (or picks
 * it as a deadlock's victim). Nothing of it was written then, not even the parts of a batch before
 * the one that waited: the server answers 503 with Retry-After for the whole request, never a batch
 * whose earlier parts say 200 for writes that are gone, and the client's retry writes each record once.
 */
class DatabaseRollbackTest {

	@Test
	void aBatchTheDatabaseRollsBack_isAnswered503_andTheRetryWritesEachRecordOnce() throws Exception {
		CrmFixture.server();
		String url = "jdbc:derby:" + CrmFixture.dir.resolve("db").toAbsolutePath();
		String tag = "rolled-back-" + UUID.randomUUID();
		try (CrmClient alice = CrmFixture.alice(); Connection other = Derby.connect(url, new Properties())) {
			setWaitTimeout(other, "1");
			try {
				// another transaction holds the activity-party table: the batch's writes wait for it
				// (the second email's parties at the latest), and the database gives up after 1 s
				other.setAutoCommit(false);
				try (Statement s = other.createStatement()) {
					s.execute("LOCK TABLE E_ACTIVITYPARTY IN EXCLUSIVE MODE");
				}
				Thread release = new Thread(() -> {
					try {
						Thread.sleep(2_500);
						other.commit();
					} catch (InterruptedException | SQLException e) {
						throw new IllegalStateException(e);
					}
				}, "release the lock");
				long retriesBefore = alice.stats().retries();
				release.start();
				UUID a = UUID.randomUUID();
				UUID b = UUID.randomUUID();
				List<BatchResult> results = alice.batch(List.of(
						CrmWrite.createWithId("emails", a, Map.of("subject", tag, "description", "first")),
						CrmWrite.createWithId("emails", b, Map.of("subject", tag, "description", "second",
								"email_activity_parties",
								List.of(Map.of("participationtypemask", 2, "addressused", "carol@example.test"))))),
						false);
				release.join();
				for (BatchResult r : results) {
					assertTrue(r.ok(), "after the retry: " + r);
				}
				assertTrue(alice.stats().retries() > retriesBefore, "the client was told to retry (503)");
				List<?> made = alice.query("emails", CrmQuery.select("activityid", "subject")
						.filter("subject eq " + CrmQuery.quote(tag))).records();
				assertEquals(2, made.size(), "each email once: " + made);
			} finally {
				setWaitTimeout(other, null);
			}
		}
	}

	private static void setWaitTimeout(Connection c, String seconds) throws SQLException {
		if (!c.getAutoCommit()) {
			c.commit();
			c.setAutoCommit(true);
		}
		try (var ps = c.prepareCall("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.locks.waitTimeout', ?)")) {
			ps.setString(1, seconds);
			ps.execute();
		}
	}
}
