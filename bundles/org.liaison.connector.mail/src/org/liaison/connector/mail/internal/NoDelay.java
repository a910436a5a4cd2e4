package org.liaison.connector.mail.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Socket factories that turn Nagle's algorithm off: IMAP is a dialogue of short lines, and a short
 * write held back until the last one is acknowledged costs a delayed ACK (40 ms) per exchange.
 */
final class NoDelay {

	private NoDelay() {
	}

	static Socket set(Socket s) throws IOException {
		s.setTcpNoDelay(true);
		return s;
	}

	static final class Plain extends SocketFactory {
		private final SocketFactory d = SocketFactory.getDefault();

		@Override
		public Socket createSocket() throws IOException {
			return set(d.createSocket());
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return set(d.createSocket(host, port));
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
			return set(d.createSocket(host, port, local, localPort));
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return set(d.createSocket(host, port));
		}

		@Override
		public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
			return set(d.createSocket(host, port, local, localPort));
		}
	}

	static final class Tls extends SSLSocketFactory {
		private final SSLSocketFactory d;

		Tls(SSLSocketFactory d) {
			this.d = d;
		}

		@Override
		public String[] getDefaultCipherSuites() {
			return d.getDefaultCipherSuites();
		}

		@Override
		public String[] getSupportedCipherSuites() {
			return d.getSupportedCipherSuites();
		}

		@Override
		public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
			set(s);
			return d.createSocket(s, host, port, autoClose);
		}

		@Override
		public Socket createSocket() throws IOException {
			return set(d.createSocket());
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return set(d.createSocket(host, port));
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
			return set(d.createSocket(host, port, local, localPort));
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return set(d.createSocket(host, port));
		}

		@Override
		public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
			return set(d.createSocket(host, port, local, localPort));
		}
	}
}
