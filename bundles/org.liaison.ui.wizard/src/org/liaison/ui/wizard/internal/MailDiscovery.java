package org.liaison.ui.wizard.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

import org.eclipse.core.runtime.IProgressMonitor;

/**
 * Finds a mailbox's servers from its address, where the domain tells: DNS SRV records (RFC 6186:
 * {@code _imaps._tcp}, {@code _imap._tcp}, {@code _pop3s._tcp}, {@code _submission._tcp}), else the
 * domain's autoconfig file ({@code https://autoconfig.DOMAIN/mail/config-v1.1.xml}), else the usual
 * host names answering on the usual ports.
 */
public final class MailDiscovery {

	/** One server found: protocol ({@code imap}, {@code pop3}, {@code smtp}), host, port, security. */
	public record Server(String protocol, String host, int port, String security) {
	}

	/** What was found, and how. */
	public record Found(Server incoming, Server smtp, String how) {
	}

	/**
	 * Where discovery asks: the DNS server for the service records ({@code dns://HOST:PORT/}, or null for
	 * the system's), and the address a host name and port are reached at (the system resolver, or a
	 * test's own).
	 */
	public record Network(String dnsServer, BiFunction<String, Integer, InetSocketAddress> address) {

		/** The system's DNS and resolver. */
		public static final Network SYSTEM = new Network(null, InetSocketAddress::new);
	}

	private MailDiscovery() {
	}

	static Found discover(String address, IProgressMonitor monitor) {
		return discover(address, Network.SYSTEM, monitor);
	}

	public static Found discover(String address, Network net, IProgressMonitor monitor) {
		int at = address.lastIndexOf('@');
		if (at < 0) {
			return null;
		}
		String domain = address.substring(at + 1).trim().toLowerCase(Locale.ROOT);
		monitor.subTask("DNS service records of " + domain);
		Found f = srv(domain, net);
		if (f != null || monitor.isCanceled()) {
			return f;
		}
		monitor.subTask("Autoconfiguration of " + domain);
		f = autoconfig(domain, address);
		if (f != null || monitor.isCanceled()) {
			return f;
		}
		monitor.subTask("Usual server names of " + domain);
		return guess(domain, net);
	}

	public static Found srv(String domain, Network net) {
		Hashtable<String, String> env = new Hashtable<>();
		env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
		env.put("com.sun.jndi.dns.timeout.initial", "1500");
		env.put("com.sun.jndi.dns.timeout.retries", "1");
		if (net.dnsServer() != null) {
			env.put("java.naming.provider.url", net.dnsServer());
		}
		Thread t = Thread.currentThread();
		ClassLoader before = t.getContextClassLoader();
		try {
			t.setContextClassLoader(null);
			DirContext dns = new InitialDirContext(env);
			try {
				Server in = first(dns, "_imaps._tcp." + domain, "imap", "tls");
				if (in == null) {
					in = first(dns, "_imap._tcp." + domain, "imap", "starttls");
				}
				if (in == null) {
					in = first(dns, "_pop3s._tcp." + domain, "pop3", "tls");
				}
				Server out = first(dns, "_submissions._tcp." + domain, "smtp", "tls");
				if (out == null) {
					out = first(dns, "_submission._tcp." + domain, "smtp", "starttls");
				}
				return in == null ? null : new Found(in, out, "the DNS service records of " + domain);
			} finally {
				dns.close();
			}
		} catch (Exception | LinkageError e) {
			return null;
		} finally {
			t.setContextClassLoader(before);
		}
	}

	private static Server first(DirContext dns, String name, String protocol, String security) {
		try {
			Attributes a = dns.getAttributes(name, new String[] { "SRV" });
			Attribute srv = a.get("SRV");
			if (srv == null || srv.size() == 0) {
				return null;
			}
			// priority weight port target
			String[] p = srv.get(0).toString().trim().split("\\s+");
			String host = p[3].endsWith(".") ? p[3].substring(0, p[3].length() - 1) : p[3];
			return host.isEmpty() ? null : new Server(protocol, host, Integer.parseInt(p[2]), security);
		} catch (Exception e) {
			return null;
		}
	}

	static Found autoconfig(String domain, String address) {
		URI uri = URI.create("https://autoconfig." + domain + "/mail/config-v1.1.xml?emailaddress="
				+ URLEncoder.encode(address, StandardCharsets.UTF_8));
		try {
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
			HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofInputStream());
			if (r.statusCode() != 200) {
				return null;
			}
			try (InputStream in = r.body()) {
				return parseAutoconfig(in, "the autoconfiguration file of " + domain);
			}
		} catch (IOException | InterruptedException | RuntimeException e) {
			if (e instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			return null;
		}
	}

	/** Reads Thunderbird's autoconfig format (clientConfig/emailProvider/incomingServer|outgoingServer). */
	public static Found parseAutoconfig(InputStream in, String how) throws IOException {
		XMLInputFactory f = XMLInputFactory.newFactory();
		f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
		f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
		List<Server> incoming = new ArrayList<>();
		Server smtp = null;
		try {
			XMLStreamReader x = f.createXMLStreamReader(in);
			String type = null;
			boolean outgoing = false;
			String host = null;
			int port = -1;
			String socket = null;
			while (x.hasNext()) {
				int e = x.next();
				if (e == XMLStreamConstants.START_ELEMENT) {
					switch (x.getLocalName()) {
						case "incomingServer", "outgoingServer" -> {
							outgoing = x.getLocalName().equals("outgoingServer");
							type = x.getAttributeValue(null, "type");
							host = null;
							port = -1;
							socket = null;
						}
						case "hostname" -> host = x.getElementText().trim();
						case "port" -> port = Integer.parseInt(x.getElementText().trim());
						case "socketType" -> socket = x.getElementText().trim();
						default -> {
						}
					}
				} else if (e == XMLStreamConstants.END_ELEMENT
						&& (x.getLocalName().equals("incomingServer") || x.getLocalName().equals("outgoingServer"))) {
					String sec = "SSL".equalsIgnoreCase(socket) ? "tls" : "STARTTLS".equalsIgnoreCase(socket) ? "starttls" : null;
					if (host != null && port > 0 && sec != null) {
						if (outgoing && smtp == null) {
							smtp = new Server("smtp", host, port, sec);
						} else if (!outgoing && ("imap".equals(type) || "pop3".equals(type))) {
							incoming.add(new Server(type, host, port, sec));
						}
					}
				}
			}
		} catch (javax.xml.stream.XMLStreamException | NumberFormatException e) {
			throw new IOException("the autoconfiguration file cannot be read: " + e.getMessage(), e);
		}
		Server in1 = incoming.stream().filter(s -> s.protocol().equals("imap")).findFirst()
				.orElse(incoming.isEmpty() ? null : incoming.get(0));
		return in1 == null ? null : new Found(in1, smtp, how);
	}

	public static Found guess(String domain, Network net) {
		Server in = null;
		for (String h : new String[] { "imap." + domain, "mail." + domain, domain }) {
			if (open(net, h, 993)) {
				in = new Server("imap", h, 993, "tls");
				break;
			}
			if (open(net, h, 143)) {
				in = new Server("imap", h, 143, "starttls");
				break;
			}
		}
		if (in == null) {
			return null;
		}
		Server out = null;
		for (String h : new String[] { "smtp." + domain, "mail." + domain, domain }) {
			if (open(net, h, 587)) {
				out = new Server("smtp", h, 587, "starttls");
				break;
			}
			if (open(net, h, 465)) {
				out = new Server("smtp", h, 465, "tls");
				break;
			}
		}
		return new Found(in, out, "servers answering at the usual names of " + domain);
	}

	private static boolean open(Network net, String host, int port) {
		try (Socket s = new Socket()) {
			s.connect(net.address().apply(host, port), 1500);
			return true;
		} catch (IOException e) {
			return false;
		}
	}
}
