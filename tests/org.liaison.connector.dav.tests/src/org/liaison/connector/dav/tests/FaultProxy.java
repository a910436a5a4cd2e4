package org.liaison.connector.dav.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * An HTTP proxy on 127.0.0.1 in front of Radicale for faults the real server cannot be made to show:
 * it rewrites response bodies (to serve a malformed item that Radicale would refuse to store) and
 * cuts responses off mid-body (a server that closes mid-response). One request per connection.
 */
final class FaultProxy implements AutoCloseable {

	private final ServerSocket socket;
	private final int target;
	private volatile UnaryOperator<String> rewrite = UnaryOperator.identity();
	private volatile String cutWhenBodyContains;
	final AtomicInteger cuts = new AtomicInteger();
	/** Requests still to answer with 503 and Retry-After: 1 instead of passing them on. */
	final AtomicInteger unavailable = new AtomicInteger();
	final AtomicInteger refused = new AtomicInteger();

	FaultProxy(int targetPort) throws IOException {
		this.target = targetPort;
		socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread t = new Thread(this::acceptLoop, "fault-proxy");
		t.setDaemon(true);
		t.start();
	}

	URI url() {
		return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
	}

	void rewrite(UnaryOperator<String> f) {
		rewrite = f;
	}

	void cutWhenBodyContains(String marker) {
		cutWhenBodyContains = marker;
	}

	private void acceptLoop() {
		while (!socket.isClosed()) {
			try {
				Socket client = socket.accept();
				Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
				t.setDaemon(true);
				t.start();
			} catch (IOException e) {
				return;
			}
		}
	}

	private void serve(Socket client) {
		try (client; Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
			InputStream in = client.getInputStream();
			String head = readHead(in);
			int length = contentLength(head);
			byte[] body = in.readNBytes(length);
			if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
				refused.incrementAndGet();
				client.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
						+ "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
				return;
			}
			StringBuilder h = new StringBuilder();
			for (String line : head.split("\r\n")) {
				if (!line.toLowerCase(Locale.ROOT).startsWith("connection:") && !line.isEmpty()) {
					h.append(line).append("\r\n");
				}
			}
			h.append("Connection: close\r\n\r\n");
			OutputStream up = server.getOutputStream();
			up.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
			up.write(body);
			up.flush();
			byte[] response = server.getInputStream().readAllBytes();
			int split = indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
			String respHead = new String(response, 0, split, StandardCharsets.ISO_8859_1);
			String respBody = new String(response, split + 4, response.length - split - 4, StandardCharsets.UTF_8);
			OutputStream down = client.getOutputStream();
			String marker = cutWhenBodyContains;
			if (marker != null && respBody.contains(marker)) {
				cuts.incrementAndGet();
				byte[] b = respBody.getBytes(StandardCharsets.UTF_8);
				down.write((respHead + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
				down.write(b, 0, b.length / 2);
				down.flush();
				return; // closes mid-body
			}
			byte[] newBody = rewrite.apply(respBody).getBytes(StandardCharsets.UTF_8);
			StringBuilder nh = new StringBuilder();
			for (String line : respHead.split("\r\n")) {
				if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
					nh.append("Content-Length: ").append(newBody.length).append("\r\n");
				} else {
					nh.append(line).append("\r\n");
				}
			}
			nh.append("\r\n");
			down.write(nh.toString().getBytes(StandardCharsets.ISO_8859_1));
			down.write(newBody);
			down.flush();
		} catch (IOException e) {
			// the client or the server went away: nothing to do
		}
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream b = new ByteArrayOutputStream();
		int state = 0;
		while (state < 4) {
			int c = in.read();
			if (c < 0) {
				break;
			}
			b.write(c);
			state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
					: c == '\r' ? 1 : 0;
		}
		return b.toString(StandardCharsets.ISO_8859_1);
	}

	private static int contentLength(String head) {
		for (String line : head.split("\r\n")) {
			if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
				return Integer.parseInt(line.substring(15).trim());
			}
		}
		return 0;
	}

	private static int indexOf(byte[] data, byte[] pattern) {
		outer: for (int i = 0; i <= data.length - pattern.length; i++) {
			for (int j = 0; j < pattern.length; j++) {
				if (data[i + j] != pattern[j]) {
					continue outer;
				}
			}
			return i;
		}
		return data.length;
	}

	@Override
	public void close() throws IOException {
		socket.close();
	}
}
