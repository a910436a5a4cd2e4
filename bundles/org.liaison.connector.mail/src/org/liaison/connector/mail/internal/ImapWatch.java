package org.liaison.connector.mail.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.event.MessageChangedEvent;
import jakarta.mail.event.MessageChangedListener;
import jakarta.mail.event.MessageCountEvent;
import jakarta.mail.event.MessageCountListener;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.liaison.api.mail.MailAccount;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.MailServer;
import org.liaison.api.mail.MailWatch;
import org.liaison.api.security.TrustService;

/**
 * Push for one folder on its own connection and thread: IMAP IDLE (re-issued every few minutes, as
 * servers drop an IDLE after 30), or NOOP polling on a server without it. Reconnects with backoff
 * (250 ms doubling to a minute) when the server drops the connection or cannot be reached, and
 * signals a change after each reconnect, as mail may have come while it was down.
 */
final class ImapWatch implements MailWatch {

	/** IDLE is ended and begun again this often; the socket timeout is longer. */
	static final Duration REIDLE = Duration.ofMinutes(4);
	/** A connection up this long resets the reconnect backoff. */
	static final Duration STABLE = Duration.ofSeconds(30);

	private final MailServer server;
	private final Session session;
	private final String password;
	private final String folder;
	private final Runnable changed;
	private final int pollSeconds;
	private final boolean idle;
	private final AtomicBoolean closed = new AtomicBoolean();
	private final Thread thread;
	private volatile IMAPFolder current;
	private volatile IMAPStore store;

	ImapWatch(MailAccount account, TrustService trust, String password, String folder, Runnable changed,
			int pollSeconds, boolean idle) throws MailException {
		this.server = account.incoming();
		Duration t = account.timeout().compareTo(REIDLE.plusMinutes(1)) > 0 ? account.timeout() : REIDLE.plusMinutes(1);
		this.session = MailSessions.session("imap", server, t, trust);
		this.password = password;
		this.folder = folder;
		this.changed = changed;
		this.pollSeconds = Math.max(1, pollSeconds);
		this.idle = idle;
		this.thread = new Thread(this::loop, "Liaison IMAP watch " + server.host() + " " + folder);
		thread.setDaemon(true);
		thread.start();
		if (idle) {
			timer.scheduleAtFixedRate(() -> {
				IMAPFolder f = current;
				if (f != null) {
					noop(f); // ends the IDLE; the loop begins a new one
				}
			}, REIDLE.toSeconds(), REIDLE.toSeconds(), TimeUnit.SECONDS);
		}
	}

	@Override
	public boolean push() {
		return idle;
	}

	private void loop() {
		int attempt = 0;
		boolean connectedBefore = false;
		while (!closed.get()) {
			long since = 0;
			try {
				IMAPStore s = (IMAPStore) session.getStore(MailSessions.protocol("imap", server));
				s.connect(server.host(), server.port(), server.user(), password);
				store = s;
				IMAPFolder f = (IMAPFolder) s.getFolder(folder);
				f.addMessageCountListener(new MessageCountListener() {
					@Override
					public void messagesAdded(MessageCountEvent e) {
						fire();
					}

					@Override
					public void messagesRemoved(MessageCountEvent e) {
						fire();
					}
				});
				f.addMessageChangedListener((MessageChangedListener) (MessageChangedEvent e) -> fire());
				f.open(Folder.READ_ONLY);
				current = f;
				since = System.nanoTime();
				if (connectedBefore) {
					// mail may have come while the connection was down: a sync finds it
					fire();
				}
				connectedBefore = true;
				while (!closed.get() && f.isOpen()) {
					if (idle) {
						f.idle(false);
						// ended by close() or by the re-IDLE timer below
					} else {
						Thread.sleep(TimeUnit.SECONDS.toMillis(pollSeconds));
						noop(f);
					}
				}
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			} catch (MessagingException | RuntimeException e) {
				// the connection failed or was dropped: reconnect below, after a pause
			} finally {
				shut();
			}
			if (closed.get()) {
				return;
			}
			// a connection that lasted starts the backoff afresh; one dropped at once (or refused) lengthens it
			if (since != 0 && System.nanoTime() - since > STABLE.toNanos()) {
				attempt = 0;
			}
			try {
				Backoff.sleep(attempt++, 60_000);
			} catch (InterruptedException ie) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors
			.newSingleThreadScheduledExecutor(r -> {
				Thread t = new Thread(r, "Liaison IMAP re-IDLE");
				t.setDaemon(true);
				return t;
			});

	private static void noop(IMAPFolder f) {
		try {
			f.doCommand(p -> {
				p.simpleCommand("NOOP", null);
				return null;
			});
		} catch (MessagingException | RuntimeException ignored) {
			// the watch loop notices a dead connection itself
		}
	}

	private void fire() {
		if (!closed.get()) {
			try {
				changed.run();
			} catch (RuntimeException ignored) {
				// the listener's own failure must not stop the watch
			}
		}
	}

	private void shut() {
		IMAPFolder f = current;
		current = null;
		if (f != null) {
			try {
				f.close(false);
			} catch (MessagingException | RuntimeException ignored) {
				// closing anyway
			}
		}
		IMAPStore s = store;
		store = null;
		if (s != null) {
			try {
				s.close();
			} catch (MessagingException | RuntimeException ignored) {
				// closing anyway
			}
		}
	}

	@Override
	public void close() {
		if (closed.getAndSet(true)) {
			return;
		}
		timer.shutdownNow();
		IMAPFolder f = current;
		if (f != null) {
			noop(f); // ends IDLE so the loop sees it is closed
		}
		thread.interrupt();
		try {
			thread.join(5_000);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}
}
