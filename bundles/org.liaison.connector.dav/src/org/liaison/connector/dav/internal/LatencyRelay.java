package org.liaison.connector.dav.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 that delays every byte by a fixed time each way, so that a server on
 * this machine answers like a hosted one: a new connection costs one round trip before its first
 * bytes go (the TCP handshake), each request and its answer one more. Each direction is a delay
 * line (bytes leave in order, {@code oneWay} after they came), so pipelined or concurrent traffic
 * is delayed, not serialized. For benchmarks of how well a client hides network latency.
 */
final class LatencyRelay implements AutoCloseable {

	private static final byte[] END = new byte[0];

	private record Chunk(long dueNanos, byte[] bytes) {
	}

	private final ServerSocket socket;
	private final int target;
	private final long oneWayNanos;
	private final Set<Socket> open = ConcurrentHashMap.newKeySet();
	/** Connections accepted. */
	final AtomicInteger connections = new AtomicInteger();

	LatencyRelay(int targetPort, long oneWayMillis) throws IOException {
		this.target = targetPort;
		this.oneWayNanos = TimeUnit.MILLISECONDS.toNanos(oneWayMillis);
		socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
		Thread.ofVirtual().name("latency-relay " + targetPort).start(this::acceptLoop);
	}

	URI url() {
		return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
	}

	private void acceptLoop() {
		while (!socket.isClosed()) {
			try {
				Socket client = socket.accept();
				connections.incrementAndGet();
				Thread.ofVirtual().start(() -> serve(client));
			} catch (IOException e) {
				return;
			}
		}
	}

	private void serve(Socket client) {
		open.add(client);
		try (Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
			open.add(server);
			client.setTcpNoDelay(true);
			server.setTcpNoDelay(true);
			// the handshake's round trip: nothing the client sent goes on before it
			TimeUnit.NANOSECONDS.sleep(2 * oneWayNanos);
			Thread up = Thread.ofVirtual().start(() -> pipe(client, server));
			pipe(server, client);
			up.join();
		} catch (IOException | InterruptedException e) {
			// either side went away
		} finally {
			open.remove(client);
			close(client);
		}
	}

	/** Reads from {@code from} and writes each piece to {@code to} once it is {@code oneWay} old. */
	private void pipe(Socket from, Socket to) {
		LinkedBlockingQueue<Chunk> line = new LinkedBlockingQueue<>();
		Thread writer = Thread.ofVirtual().start(() -> {
			try {
				OutputStream out = to.getOutputStream();
				while (true) {
					Chunk c = line.take();
					long wait = c.dueNanos() - System.nanoTime();
					if (wait > 0) {
						TimeUnit.NANOSECONDS.sleep(wait);
					}
					if (c.bytes() == END) {
						to.shutdownOutput();
						return;
					}
					out.write(c.bytes());
					out.flush();
				}
			} catch (IOException | InterruptedException e) {
				close(to);
			}
		});
		byte[] buf = new byte[16384];
		try {
			InputStream in = from.getInputStream();
			int n;
			while ((n = in.read(buf)) > 0) {
				line.add(new Chunk(System.nanoTime() + oneWayNanos, Arrays.copyOf(buf, n)));
			}
		} catch (IOException e) {
			// closed: the end goes down the line like any byte
		}
		line.add(new Chunk(System.nanoTime() + oneWayNanos, END));
		try {
			writer.join();
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	private static void close(Socket s) {
		try {
			s.close();
		} catch (IOException ignored) {
			// closed already
		}
	}

	@Override
	public void close() throws IOException {
		socket.close();
		for (Socket s : open) {
			close(s);
		}
	}
}
