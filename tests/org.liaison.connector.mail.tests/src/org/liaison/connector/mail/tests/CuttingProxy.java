package org.liaison.connector.mail.tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a real server that drops the connection in the middle of any response
 * carrying a trigger text: the one fault a real server cannot be made to show on demand.
 */
final class CuttingProxy implements AutoCloseable {

	private final ServerSocket server;
	private final byte[] trigger;
	final AtomicInteger cuts = new AtomicInteger();

	CuttingProxy(int upstreamPort, String trigger) throws IOException {
		this.trigger = trigger.getBytes(StandardCharsets.US_ASCII);
		server = new ServerSocket();
		server.bind(new InetSocketAddress("127.0.0.1", 0));
		Thread t = new Thread(() -> {
			while (!server.isClosed()) {
				try {
					Socket client = server.accept();
					Socket up = new Socket("127.0.0.1", upstreamPort);
					pump(client, up, false);
					pump(up, client, true);
				} catch (IOException e) {
					return;
				}
			}
		}, "cutting proxy");
		t.setDaemon(true);
		t.start();
	}

	int port() {
		return server.getLocalPort();
	}

	private void pump(Socket from, Socket to, boolean watch) {
		Thread t = new Thread(() -> {
			byte[] buf = new byte[8192];
			byte[] tail = new byte[0];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int n;
				while ((n = in.read(buf)) > 0) {
					if (watch) {
						byte[] window = new byte[tail.length + n];
						System.arraycopy(tail, 0, window, 0, tail.length);
						System.arraycopy(buf, 0, window, tail.length, n);
						int at = indexOf(window, trigger);
						if (at >= 0) {
							// send half of what came before the trigger, then drop both sides
							int keep = Math.max(0, at - tail.length) / 2;
							out.write(buf, 0, keep);
							out.flush();
							cuts.incrementAndGet();
							from.close();
							to.close();
							return;
						}
						int k = Math.min(window.length, trigger.length);
						tail = java.util.Arrays.copyOfRange(window, window.length - k, window.length);
					}
					out.write(buf, 0, n);
					out.flush();
				}
			} catch (IOException e) {
				// one side closed
			} finally {
				try {
					from.close();
					to.close();
				} catch (IOException ignored) {
					// closed
				}
			}
		}, "cutting proxy pump");
		t.setDaemon(true);
		t.start();
	}

	private static int indexOf(byte[] hay, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= hay.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (hay[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	@Override
	public void close() throws IOException {
		server.close();
	}
}
