package org.liaison.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * A proxy on 127.0.0.1 in front of a real server, for the faults a real server cannot be made to
 * show on demand: a connection reset (RST), a stall (the connection stays open and nothing more
 * comes, until the client's timeout), a truncated response (the server closes mid-response).
 *
 * <p>Two modes. {@link #tcp(int)} pumps bytes both ways and works for any protocol, TLS included
 * (IMAP, SMTP, the CRM's HTTPS). {@link #http(int)} reads one plain HTTP/1.x request and its whole
 * response per connection, so that it can also rewrite response bodies (a malformed item a server
 * would refuse to store) and answer 503 with Retry-After.
 *
 * <p>A fault fires on server-to-client bytes: when a response holds a marker ({@link #onMarker},
 * plain-text protocols only; every such response), or when the bytes sent down since
 * {@link #afterBytes} was called pass a count (once, or {@code persistent}: then every later
 * connection meets the same fault, a server that is broken from that point on). {@link #heal()}
 * takes every fault away and lets stalled connections go.
 */
public final class FaultProxy implements AutoCloseable {

	/** What a fault does to the connection it hits. */
	public enum Fault {
		/** Closes with RST (SO_LINGER 0): the client reads "connection reset". */
		RESET,
		/** Sends nothing more and keeps the connection open until healed or the client gives up. */
		STALL,
		/** Sends part of the response, then closes normally (FIN): a response cut short. */
		TRUNCATE
	}

	private final ServerSocket socket;
	private final int target;
	private final boolean http;
	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private volatile UnaryOperator<String> rewrite;
	private volatile byte[] marker;
	private volatile Fault markerFault;
	private volatile Fault byteFault;
	private volatile boolean persistent;
	private volatile boolean broken;
	private final AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
	private volatile long generation;

	/** Faults that fired. */
	public final AtomicInteger faults = new AtomicInteger();
	/** Connections accepted. */
	public final AtomicInteger connections = new AtomicInteger();
	/** Bytes sent to clients (server to client), over all connections. */
	public final AtomicLong bytesDown = new AtomicLong();
	/** HTTP mode: requests still to answer with 503 and Retry-After: 1 instead of passing them on. */
	public final AtomicInteger unavailable = new AtomicInteger();
	/** HTTP mode: requests answered with 503. */
	public final AtomicInteger refused = new AtomicInteger();
	/** TCP mode: the first {@value #KEPT_UP} bytes clients sent, over all connections (what went on the wire). */
	private final ByteArrayOutputStream up = new ByteArrayOutputStream();
	private static final int KEPT_UP = 1 << 16;

	private FaultProxy(int targetPort, boolean http) throws IOException {
		this.target = targetPort;
		this.http = http;
		socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread t = new Thread(this::acceptLoop, "fault-proxy " + targetPort);
		t.setDaemon(true);
		t.start();
	}

	/** A byte-pumping proxy to {@code 127.0.0.1:targetPort}. */
	public static FaultProxy tcp(int targetPort) throws IOException {
		return new FaultProxy(targetPort, false);
	}

	/** A plain-HTTP proxy to {@code 127.0.0.1:targetPort}, one request per connection. */
	public static FaultProxy http(int targetPort) throws IOException {
		return new FaultProxy(targetPort, true);
	}

	public int port() {
		return socket.getLocalPort();
	}

	/** {@code http://127.0.0.1:PORT/}. */
	public URI url() {
		return URI.create("http://127.0.0.1:" + port() + "/");
	}

	/** HTTP mode: rewrites every response body (as UTF-8 text) on its way to the client. */
	public FaultProxy rewrite(UnaryOperator<String> f) {
		rewrite = f;
		return this;
	}

	/** Every response that holds {@code text} meets {@code fault} just before it; null clears. */
	public FaultProxy onMarker(String text, Fault fault) {
		markerFault = fault;
		marker = text == null ? null : text.getBytes(StandardCharsets.ISO_8859_1);
		return this;
	}

	/**
	 * {@code fault} strikes once {@code bytes} more bytes went down to clients: the connection then
	 * carrying data meets it. With {@code persistent}, every connection after that one does too
	 * (a reset or a stall at once, a truncation after half of the first piece of response).
	 */
	public FaultProxy afterBytes(long bytes, Fault fault, boolean persistent) {
		this.persistent = persistent;
		this.broken = false;
		this.byteFault = fault;
		budget.set(Math.max(0, bytes));
		return this;
	}

	/** Whether a persistent fault struck and now meets every connection. */
	public boolean broken() {
		return broken;
	}

	/** Takes every fault away; stalled connections are closed, so their clients see the end at once. */
	public void heal() {
		marker = null;
		markerFault = null;
		byteFault = null;
		broken = false;
		persistent = false;
		budget.set(Long.MAX_VALUE);
		unavailable.set(0);
		rewrite = null;
		generation++;
	}

	private void acceptLoop() {
		while (!socket.isClosed()) {
			try {
				Socket client = socket.accept();
				connections.incrementAndGet();
				Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
				t.setDaemon(true);
				t.start();
			} catch (IOException e) {
				return;
			}
		}
	}

	private void serve(Socket client) {
		open.add(client);
		try {
			client.setTcpNoDelay(true);
			if (broken && byteFault != null && byteFault != Fault.TRUNCATE) {
				strike(byteFault, client, null);
				return;
			}
			if (http) {
				serveHttp(client);
			} else {
				serveTcp(client);
			}
		} catch (IOException e) {
			// the client or the server went away: nothing to do
		} finally {
			open.remove(client);
			closeQuietly(client);
		}
	}

	private void serveTcp(Socket client) throws IOException {
		try (Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
			server.setTcpNoDelay(true);
			open.add(server);
			Thread up = new Thread(() -> {
				byte[] buf = new byte[8192];
				try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
					int n;
					while ((n = in.read(buf)) > 0) {
						keepUp(buf, n);
						out.write(buf, 0, n);
						out.flush();
					}
				} catch (IOException e) {
					// one side closed
				} finally {
					closeQuietly(server);
				}
			}, "fault-proxy-up");
			up.setDaemon(true);
			up.start();
			byte[] buf = new byte[8192];
			byte[] tail = new byte[0];
			InputStream in = server.getInputStream();
			OutputStream down = client.getOutputStream();
			boolean first = true;
			int n;
			while ((n = in.read(buf)) > 0) {
				byte[] chunk = Arrays.copyOf(buf, n);
				if (first && broken && byteFault == Fault.TRUNCATE) {
					down.write(chunk, 0, n / 2);
					down.flush();
					strike(Fault.TRUNCATE, client, server);
					return;
				}
				first = false;
				byte[] m = marker;
				Fault mf = markerFault;
				if (m != null && mf != null) {
					byte[] window = new byte[tail.length + n];
					System.arraycopy(tail, 0, window, 0, tail.length);
					System.arraycopy(chunk, 0, window, tail.length, n);
					int at = indexOf(window, m);
					if (at >= 0) {
						// half of what came before the marker, then the fault
						int keep = Math.max(0, at - tail.length) / 2;
						down.write(chunk, 0, keep);
						down.flush();
						bytesDown.addAndGet(keep);
						strike(mf, client, server);
						return;
					}
					int k = Math.min(window.length, m.length);
					tail = Arrays.copyOfRange(window, window.length - k, window.length);
				}
				if (!send(chunk, down, client, server)) {
					return;
				}
			}
		}
	}

	private void keepUp(byte[] buf, int n) {
		synchronized (up) {
			up.write(buf, 0, Math.max(0, Math.min(n, KEPT_UP - up.size())));
		}
	}

	/** TCP mode: what clients sent so far (its first 64 KB, as ISO-8859-1 text), e.g. to prove a password never went out. */
	public String clientBytes() {
		synchronized (up) {
			return up.toString(StandardCharsets.ISO_8859_1);
		}
	}

	/** Sends a piece of response down, meeting an armed byte-count fault; false when it struck. */
	private boolean send(byte[] chunk, OutputStream down, Socket client, Socket server) throws IOException {
		Fault f = byteFault;
		if (f != null) {
			long before = budget.getAndAdd(-chunk.length);
			if (before < chunk.length && before >= 0) {
				int keep = (int) before;
				down.write(chunk, 0, keep);
				down.flush();
				bytesDown.addAndGet(keep);
				if (persistent) {
					broken = true;
				} else {
					byteFault = null;
				}
				strike(f, client, server);
				return false;
			}
		}
		down.write(chunk);
		down.flush();
		bytesDown.addAndGet(chunk.length);
		return true;
	}

	private void strike(Fault f, Socket client, Socket server) throws IOException {
		faults.incrementAndGet();
		switch (f) {
			case RESET -> {
				client.setSoLinger(true, 0);
				client.close();
			}
			case TRUNCATE -> client.shutdownOutput();
			case STALL -> stall(client, server);
			default -> throw new IllegalStateException();
		}
		if (server != null) {
			closeQuietly(server);
		}
	}

	/** Holds the connection silent until healed, or until the client gives up and closes it. */
	private void stall(Socket client, Socket server) throws IOException {
		long g = generation;
		if (server == null) {
			client.setSoTimeout(200); // nobody else reads the client here: a read tells when it closes
		}
		try {
			while (g == generation && !socket.isClosed() && !client.isClosed()) {
				if (server != null) {
					if (server.isClosed()) {
						return; // the upward pump saw the client go
					}
					Thread.sleep(200);
				} else {
					try {
						if (client.getInputStream().read() < 0) {
							return;
						}
					} catch (java.net.SocketTimeoutException e) {
						// still there
					}
				}
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	private void serveHttp(Socket client) throws IOException {
		try (Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
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
			split = split < 0 ? response.length : split;
			String respHead = new String(response, 0, split, StandardCharsets.ISO_8859_1);
			byte[] rawBody = Arrays.copyOfRange(response, Math.min(response.length, split + 4), response.length);
			OutputStream down = client.getOutputStream();
			byte[] m = marker;
			Fault mf = markerFault;
			if (m != null && mf != null && indexOf(rawBody, m) >= 0) {
				// the head and half of the body, then the fault: a server that fails mid-response
				byte[] headBytes = (respHead + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
				down.write(headBytes);
				down.write(rawBody, 0, rawBody.length / 2);
				down.flush();
				bytesDown.addAndGet(headBytes.length + rawBody.length / 2);
				strike(mf, client, null);
				return;
			}
			String respBody = new String(rawBody, StandardCharsets.UTF_8);
			UnaryOperator<String> f = rewrite;
			byte[] newBody = f == null ? rawBody : f.apply(respBody).getBytes(StandardCharsets.UTF_8);
			StringBuilder nh = new StringBuilder();
			for (String line : respHead.split("\r\n")) {
				if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
					nh.append("Content-Length: ").append(newBody.length).append("\r\n");
				} else {
					nh.append(line).append("\r\n");
				}
			}
			nh.append("\r\n");
			byte[] headBytes = nh.toString().getBytes(StandardCharsets.ISO_8859_1);
			byte[] all = new byte[headBytes.length + newBody.length];
			System.arraycopy(headBytes, 0, all, 0, headBytes.length);
			System.arraycopy(newBody, 0, all, headBytes.length, newBody.length);
			send(all, down, client, null);
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
		return -1;
	}

	private static void closeQuietly(Socket s) {
		try {
			s.close();
		} catch (IOException ignored) {
			// closed
		}
	}

	@Override
	public void close() throws IOException {
		heal();
		socket.close();
		for (Socket s : open) {
			closeQuietly(s);
		}
	}
}
