package org.liaison.connector.dav.internal;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.liaison.api.sync.SyncException;

/**
 * Streams a WebDAV {@code multistatus} body (RFC 4918, with RFC 6578's top-level sync-token) with
 * the JDK's StAX parser: each {@code response} goes to a handler as soon as it is read, so that a
 * listing of a large collection never sits whole in memory. DTDs and external entities are off.
 */
final class Multistatus {

	static final String DAV = "DAV:";
	static final String CALDAV = "urn:ietf:params:xml:ns:caldav";
	static final String CARDDAV = "urn:ietf:params:xml:ns:carddav";
	static final String CS = "http://calendarserver.org/ns/";

	/** One property as found: its text, the hrefs inside it, its child element names, {@code comp name} attributes. */
	record Prop(String text, List<String> hrefs, List<String> children, List<String> compNames) {
	}

	/** One {@code response}: its href, the status of the whole response (if given), and the properties found with 2xx. */
	record Response(String href, int status, Map<String, Prop> props) {
		Prop prop(String ns, String name) {
			return props.get(ns + name);
		}

		String text(String ns, String name) {
			Prop p = prop(ns, name);
			return p == null ? null : p.text();
		}
	}

	interface Handler {
		void response(Response r) throws SyncException;
	}

	private static final XMLInputFactory FACTORY;
	static {
		FACTORY = XMLInputFactory.newFactory();
		FACTORY.setProperty(XMLInputFactory.SUPPORT_DTD, false);
		FACTORY.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
		FACTORY.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
		FACTORY.setProperty(XMLInputFactory.IS_COALESCING, true);
	}

	private Multistatus() {
	}

	/**
	 * Parses the body, calling {@code handler} per response.
	 *
	 * @return the top-level sync-token, or null
	 */
	static String parse(InputStream in, Handler handler) throws XMLStreamException, SyncException {
		XMLStreamReader r = FACTORY.createXMLStreamReader(in, "UTF-8");
		String syncToken = null;
		try {
			int depth = 0;
			while (r.hasNext()) {
				int ev = r.next();
				if (ev == XMLStreamConstants.START_ELEMENT) {
					depth++;
					if (depth == 2 && DAV.equals(r.getNamespaceURI()) && "response".equals(r.getLocalName())) {
						handler.response(readResponse(r));
						depth--;
					} else if (depth == 2 && DAV.equals(r.getNamespaceURI()) && "sync-token".equals(r.getLocalName())) {
						syncToken = r.getElementText().trim();
						depth--;
					}
				} else if (ev == XMLStreamConstants.END_ELEMENT) {
					depth--;
				}
			}
		} finally {
			r.close();
		}
		return syncToken;
	}

	/** Parses a whole body into a list (for small answers: discovery). */
	static List<Response> parseAll(String body) throws SyncException {
		List<Response> out = new ArrayList<>();
		try {
			parse(new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)), out::add);
		} catch (XMLStreamException e) {
			throw new SyncException("the server's multistatus answer is not well-formed XML: " + e.getMessage(), e);
		}
		return out;
	}

	private static Response readResponse(XMLStreamReader r) throws XMLStreamException {
		String href = null;
		int status = 0;
		Map<String, Prop> props = new HashMap<>();
		while (r.hasNext()) {
			int ev = r.next();
			if (ev == XMLStreamConstants.START_ELEMENT) {
				String name = r.getLocalName();
				if (DAV.equals(r.getNamespaceURI()) && name.equals("href")) {
					href = r.getElementText().trim();
				} else if (DAV.equals(r.getNamespaceURI()) && name.equals("status")) {
					status = statusCode(r.getElementText());
				} else if (DAV.equals(r.getNamespaceURI()) && name.equals("propstat")) {
					readPropstat(r, props);
				} else {
					skip(r);
				}
			} else if (ev == XMLStreamConstants.END_ELEMENT) {
				break;
			}
		}
		return new Response(href, status, props);
	}

	private static void readPropstat(XMLStreamReader r, Map<String, Prop> into) throws XMLStreamException {
		Map<String, Prop> found = new HashMap<>();
		int status = 200;
		while (r.hasNext()) {
			int ev = r.next();
			if (ev == XMLStreamConstants.START_ELEMENT) {
				if (DAV.equals(r.getNamespaceURI()) && r.getLocalName().equals("prop")) {
					while (r.hasNext()) {
						int e2 = r.next();
						if (e2 == XMLStreamConstants.START_ELEMENT) {
							String key = r.getNamespaceURI() + r.getLocalName();
							found.put(key, readProp(r));
						} else if (e2 == XMLStreamConstants.END_ELEMENT) {
							break;
						}
					}
				} else if (DAV.equals(r.getNamespaceURI()) && r.getLocalName().equals("status")) {
					status = statusCode(r.getElementText());
				} else {
					skip(r);
				}
			} else if (ev == XMLStreamConstants.END_ELEMENT) {
				break;
			}
		}
		if (status >= 200 && status < 300) {
			into.putAll(found);
		}
	}

	/** Reads one property element (the reader is on its start) up to its end. */
	private static Prop readProp(XMLStreamReader r) throws XMLStreamException {
		StringBuilder text = new StringBuilder();
		List<String> hrefs = new ArrayList<>();
		List<String> children = new ArrayList<>();
		List<String> comps = new ArrayList<>();
		int depth = 1;
		while (r.hasNext() && depth > 0) {
			int ev = r.next();
			switch (ev) {
				case XMLStreamConstants.START_ELEMENT -> {
					depth++;
					if (depth == 2) {
						children.add(r.getNamespaceURI() + r.getLocalName());
					}
					if (CALDAV.equals(r.getNamespaceURI()) && r.getLocalName().equals("comp")) {
						String n = r.getAttributeValue(null, "name");
						if (n != null) {
							comps.add(n.toUpperCase(java.util.Locale.ROOT));
						}
					}
					if (DAV.equals(r.getNamespaceURI()) && r.getLocalName().equals("href")) {
						hrefs.add(r.getElementText().trim());
						depth--;
					}
				}
				case XMLStreamConstants.END_ELEMENT -> depth--;
				case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
					if (depth == 1) {
						text.append(r.getText());
					}
				}
				default -> {
				}
			}
		}
		return new Prop(text.toString(), hrefs, children, comps);
	}

	private static void skip(XMLStreamReader r) throws XMLStreamException {
		int depth = 1;
		while (r.hasNext() && depth > 0) {
			int ev = r.next();
			if (ev == XMLStreamConstants.START_ELEMENT) {
				depth++;
			} else if (ev == XMLStreamConstants.END_ELEMENT) {
				depth--;
			}
		}
	}

	static int statusCode(String statusLine) {
		String[] p = statusLine.trim().split("\\s+");
		if (p.length >= 2) {
			try {
				return Integer.parseInt(p[1]);
			} catch (NumberFormatException e) {
				return 0;
			}
		}
		return 0;
	}

	/** Escapes text for an XML body. */
	static String esc(String s) {
		StringBuilder b = new StringBuilder(s.length() + 8);
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '<' -> b.append("&lt;");
				case '>' -> b.append("&gt;");
				case '&' -> b.append("&amp;");
				case '"' -> b.append("&quot;");
				default -> b.append(c);
			}
		}
		return b.toString();
	}
}
