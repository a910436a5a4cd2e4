package org.liaison.connector.mail.tests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.liaison.connector.mail.internal.servers.Dovecot;

/** A bare IMAP client for arranging server state behind the connector's back. */
final class RawImap implements AutoCloseable {

	private final Socket socket;
	private final BufferedReader in;
	private final OutputStream out;
	private int tag;

	RawImap(Dovecot d, String user) throws IOException {
		socket = new Socket("127.0.0.1", d.imapPort);
		socket.setSoTimeout(20_000);
		in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
		out = socket.getOutputStream();
		in.readLine();
		command("LOGIN " + user + " \"" + d.password(user) + "\"");
	}

	/** Sends a command and returns the whole answer; fails unless it ends OK. */
	String command(String cmd) throws IOException {
		String t = "t" + (++tag);
		out.write((t + " " + cmd + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
		StringBuilder b = new StringBuilder();
		String line;
		while ((line = in.readLine()) != null) {
			b.append(line).append('\n');
			if (line.startsWith(t + " ")) {
				if (!line.startsWith(t + " OK")) {
					throw new IOException(cmd + " failed: " + b);
				}
				return b.toString();
			}
		}
		throw new IOException("connection closed during " + cmd);
	}

	@Override
	public void close() throws IOException {
		try {
			command("LOGOUT");
		} catch (IOException ignored) {
			// closing anyway
		}
		socket.close();
	}
}
