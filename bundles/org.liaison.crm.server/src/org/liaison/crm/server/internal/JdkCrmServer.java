package org.liaison.crm.server.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.liaison.crm.server.CrmServer;
import org.osgi.service.component.annotations.Component;

/** The reference CRM server on the JDK's HTTP server. */
@Component(service = CrmServer.class)
public class JdkCrmServer implements CrmServer {

	static final String BASE = "/api/data/v9.2/";
	static final String[] ENTITY_SETS = { "systemusers", "organizations", "mailboxes", "accounts", "contacts", "leads",
			"opportunities", "emails", "appointments", "tasks" };

	@Override
	public Running startPlain(InetSocketAddress address) throws IOException {
		if (!address.getAddress().isLoopbackAddress()) {
			throw new IOException("plain HTTP is only offered on loopback, not on " + address);
		}
		HttpServer server = HttpServer.create(address, 0);
		server.createContext(BASE, this::serviceDocument);
		server.start();
		URI root = URI.create("http://" + address.getAddress().getHostAddress() + ":" + server.getAddress().getPort() + BASE);
		return new Running() {
			@Override
			public URI serviceRoot() {
				return root;
			}

			@Override
			public void close() {
				server.stop(0);
			}
		};
	}

	private void serviceDocument(HttpExchange ex) throws IOException {
		StringBuilder b = new StringBuilder("{\"@odata.context\":\"").append(BASE).append("$metadata\",\"value\":[");
		for (int i = 0; i < ENTITY_SETS.length; i++) {
			b.append(i == 0 ? "" : ",").append("{\"name\":\"").append(ENTITY_SETS[i]).append("\",\"kind\":\"EntitySet\",\"url\":\"")
					.append(ENTITY_SETS[i]).append("\"}");
		}
		byte[] body = b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
		ex.getResponseHeaders().set("Content-Type", "application/json; odata.metadata=minimal");
		ex.getResponseHeaders().set("OData-Version", "4.0");
		ex.sendResponseHeaders(200, body.length);
		try (OutputStream out = ex.getResponseBody()) {
			out.write(body);
		}
	}
}
