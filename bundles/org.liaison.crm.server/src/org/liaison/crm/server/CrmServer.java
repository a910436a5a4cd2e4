package org.liaison.crm.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Liaison's reference CRM server: the Dynamics 365 Web API dialect over HTTP(S), backed by Derby,
 * so that Liaison runs, demos and is tested end to end with no outside service.
 */
@ProviderType
public interface CrmServer {

	/** A running server. */
	interface Running extends AutoCloseable {
		/** The service root, e.g. {@code https://127.0.0.1:8443/api/data/v9.2/}. */
		URI serviceRoot();

		@Override
		void close();
	}

	/** Starts a server on {@code address} (plain HTTP, loopback only: for tests that ask for it). */
	Running startPlain(InetSocketAddress address) throws IOException;
}
