package org.liaison.connector.dav.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.junit.jupiter.api.Test;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.WriteResult;
import org.liaison.testing.FaultProxy;
import org.liaison.testing.Radicale;

/**
 * sync-collection in pages (RFC 6578 3.6): a 507 on the collection itself means "more"; the token of
 * every page reaches the sink, marked initial while an initial listing is not complete, and a listing
 * resumed from such a token stays initial. Radicale never truncates, so a proxy marks its first
 * answer truncated.
 */
class DavPagingTest {

	@Test
	void truncatedAnswer_isContinued_andEveryPageTokenReachesTheSink_markedInitial() throws Exception {
		try (Radicale radicale = Radicale.start(); FaultProxy proxy = FaultProxy.http(radicale.port())) {
			ItemCollection c = Dav.connector().createCollection(radicale.account("paging", proxy.url()), ItemKind.CONTACT,
					"Pages", new NullProgressMonitor());
			WriteResult a = c.create(UUID.randomUUID(), Contact.of("Page", "One", "one@example.com").toData());
			AtomicBoolean once = new AtomicBoolean(true);
			Pattern end = Pattern.compile("</([A-Za-z0-9]+:)?multistatus>");
			String self = Dav.path(c);
			proxy.rewrite(body -> {
				Matcher m = end.matcher(body);
				if (!body.contains("sync-token") || !m.find() || !once.getAndSet(false)) {
					return body;
				}
				String p = m.group(1) == null ? "" : m.group(1);
				return body.substring(0, m.start()) + "<" + p + "response><" + p + "href>" + self + "</" + p + "href><" + p
						+ "status>HTTP/1.1 507 Insufficient Storage</" + p + "status></" + p + "response>" + body.substring(m.start());
			});
			Dav.Listing first = Dav.list(c, null);
			assertEquals(Set.of(a.href()), first.present.keySet());
			assertEquals(3, first.checkpoints.size(), "two pages and the end: " + first.checkpoints);
			assertTrue(first.checkpoints.get(0).startsWith("sync-initial:"), first.checkpoints.toString());
			assertTrue(first.checkpoints.get(1).startsWith("sync:"), first.checkpoints.toString());
			assertEquals(List.of(true, true), first.initial);

			// an initial listing interrupted after its first page goes on from that page's token, still initial
			WriteResult b = c.create(UUID.randomUUID(), Contact.of("Page", "Two", "two@example.com").toData());
			Dav.Listing resumed = Dav.list(c, first.checkpoints.get(0));
			assertEquals(Set.of(b.href()), resumed.present.keySet());
			assertEquals(List.of(true), resumed.initial);
			assertTrue(resumed.checkpoints.get(0).startsWith("sync:"));
		}
	}
}
