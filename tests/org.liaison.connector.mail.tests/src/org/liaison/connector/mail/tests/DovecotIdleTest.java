package org.liaison.connector.mail.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.liaison.api.mail.MailWatch;
import org.liaison.api.mail.Mailbox;
import org.liaison.connector.mail.internal.servers.Dovecot;
import org.liaison.connector.mail.internal.servers.Maildirs;
import org.liaison.testing.TestHome;

/**
 * IMAP IDLE push on Dovecot: the watch sees a message another connection appends within seconds,
 * survives the server dropping its connection ({@code doveadm kick}) and the server being down for
 * a while (stopped and started again), reconnecting with backoff, and then sees the next message.
 */
class DovecotIdleTest {

	/** "Within a few seconds": the push must come sooner than this. */
	private static final long PUSH_SECONDS = 5;

	private Dovecot dovecot;

	@BeforeEach
	void start() throws Exception {
		TestHome.get();
		dovecot = MailFixture.dovecot();
		Maildirs.generate(dovecot.maildir("alice"), 2, 11);
		dovecot.start();
	}

	@AfterEach
	void stop() throws Exception {
		dovecot.close();
		dovecot.delete();
	}

	/** Appends a message over a connection of its own, as another mail client would. */
	private void appendElsewhere(String subject) throws Exception {
		Properties p = new Properties();
		p.put("mail.imap.connectiontimeout", "10000");
		p.put("mail.imap.timeout", "10000");
		Store s = Session.getInstance(p).getStore("imap");
		s.connect("127.0.0.1", dovecot.imapPort, "alice", dovecot.password("alice"));
		try {
			Folder inbox = s.getFolder("INBOX");
			Message m = MailFixture.mime(MailFixture.message("<" + subject + "@idle.test>", subject, "pushed"));
			inbox.appendMessages(new Message[] { m });
		} finally {
			s.close();
		}
	}

	private static void awaitPush(LinkedBlockingQueue<Long> pushes, String what) throws InterruptedException {
		long t0 = System.nanoTime();
		Long at = pushes.poll(PUSH_SECONDS, TimeUnit.SECONDS);
		assertTrue(at != null, "no push within " + PUSH_SECONDS + " s after " + what);
		System.out.printf("IDLE push after %s: %d ms%n", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
	}

	@Test
	void idle_seesAppendFromAnotherConnection_andSurvivesDropAndRestart() throws Exception {
		LinkedBlockingQueue<Long> pushes = new LinkedBlockingQueue<>();
		try (Mailbox mb = MailFixture.connector().open(MailFixture.imap(dovecot, "alice"));
				MailWatch w = mb.watch(Mailbox.INBOX, () -> pushes.add(System.nanoTime()), 60)) {
			assertTrue(w.push(), "Dovecot has IDLE: push, not polling");
			Thread.sleep(1_000); // the watch logs in and enters IDLE
			pushes.clear();

			appendElsewhere("first");
			awaitPush(pushes, "an append");

			// the server drops the watch's connection
			dovecot.kick("alice");
			awaitPush(pushes, "the reconnect after a kick (mail may have come meanwhile)");
			pushes.clear();
			appendElsewhere("second");
			awaitPush(pushes, "an append after the kick");

			// the server goes away for a while: refused connections, backoff, then back
			dovecot.close();
			pushes.clear();
			Thread.sleep(2_000);
			// delivered while the watch was cut off (as the local delivery agent would)
			Maildirs.put(dovecot.maildir("alice"), "1770000000.M1P1.outage",
					MailFixture.message("<outage@idle.test>", "during the outage", "delivered locally"));
			dovecot.start();
			Long back = pushes.poll(20, TimeUnit.SECONDS);
			assertTrue(back != null, "no push within 20 s of the server's return: the watch did not reconnect");
			pushes.clear();
			appendElsewhere("third");
			awaitPush(pushes, "an append after the restart");
		}
	}
}
