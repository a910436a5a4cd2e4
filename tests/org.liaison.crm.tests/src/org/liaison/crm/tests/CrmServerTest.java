package org.liaison.crm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmClient.BatchResult;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmException.Kind;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.crm.CrmPage;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.crm.IncomingEmail;

/** The reference server and the client over real HTTPS: CRUD, queries, paging, change tracking, batches, limits, access. */
class CrmServerTest {

	@BeforeAll
	static void server() {
		CrmFixture.server();
	}

	private static Map<String, Object> contact(String first, String last, String email) {
		Map<String, Object> f = new LinkedHashMap<>();
		f.put("firstname", first);
		f.put("lastname", last);
		f.put("emailaddress1", email);
		return f;
	}

	@Test
	void whoAmI_namesTheSignedInUser() throws Exception {
		try (CrmClient c = CrmFixture.alice()) {
			assertEquals(CrmFixture.alice, c.whoAmI().userId());
		}
		try (CrmClient c = CrmFixture.bob()) {
			assertEquals(CrmFixture.bob, c.whoAmI().userId());
		}
	}

	@Test
	void crud_everyWriteChangesTheEtag_fullnameComputed() throws Exception {
		try (CrmClient c = CrmFixture.alice()) {
			CrmRecord made = c.write(CrmWrite.create("contacts", contact("Ada", "Lovelace", "ada@engines.test")),
					List.of("contactid", "fullname"));
			assertNotNull(made.id());
			assertEquals("Ada Lovelace", made.string("fullname"));
			CrmRecord read = c.retrieve("contacts", made.id(), CrmQuery.select("firstname", "_ownerid_value"));
			assertEquals(made.etag(), read.etag());
			assertEquals(CrmFixture.alice, read.lookup("ownerid"));
			CrmRecord changed = c.write(CrmWrite.update("contacts", made.id(), Map.of("jobtitle", "Analyst"), read.etag()),
					null);
			assertNotEquals(read.etag(), changed.etag());
			c.write(CrmWrite.delete("contacts", made.id(), changed.etag()), null);
			CrmException gone = assertThrows(CrmException.class, () -> c.retrieve("contacts", made.id(), null));
			assertEquals(Kind.NOT_FOUND, gone.kind());
			assertEquals("0x80040217", gone.code());
		}
	}

	@Test
	void update_withStaleEtag_412_andDeleteWithStaleEtag_412() throws Exception {
		try (CrmClient c = CrmFixture.alice()) {
			CrmRecord made = c.write(CrmWrite.create("contacts", contact("Grace", "Hopper", null)), null);
			c.write(CrmWrite.update("contacts", made.id(), Map.of("jobtitle", "Admiral"), made.etag()), null);
			CrmException e = assertThrows(CrmException.class,
					() -> c.write(CrmWrite.update("contacts", made.id(), Map.of("jobtitle", "Rear admiral"), made.etag()), null));
			assertEquals(Kind.PRECONDITION_FAILED, e.kind());
			assertEquals(412, e.status());
			assertEquals("0x80060882", e.code());
			CrmException d = assertThrows(CrmException.class,
					() -> c.write(CrmWrite.delete("contacts", made.id(), made.etag()), null));
			assertEquals(412, d.status());
			assertEquals("Admiral", c.retrieve("contacts", made.id(), null).string("jobtitle"));
		}
	}

	@Test
	void upsert_ifNoneMatch_createsOnce_ifMatchStar_404WhenMissing() throws Exception {
		try (CrmClient c = CrmFixture.alice()) {
			UUID id = UUID.randomUUID();
			CrmRecord first = c.write(CrmWrite.createWithId("contacts", id, contact("Edsger", "Dijkstra", null)), null);
			assertEquals(id, first.id());
			CrmException again = assertThrows(CrmException.class,
					() -> c.write(CrmWrite.createWithId("contacts", id, contact("Edsger", "Dijkstra", null)), null));
			assertEquals(412, again.status());
			assertEquals("0x80040237", again.code());
			CrmException missing = assertThrows(CrmException.class,
					() -> c.write(CrmWrite.update("contacts", UUID.randomUUID(), Map.of("jobtitle", "x"), null), null));
			assertEquals(404, missing.status());
			UUID other = UUID.randomUUID();
			assertEquals(other, c.write(CrmWrite.upsert("contacts", other, contact("Plain", "Upsert", null)), null).id());
		}
	}

	@Test
	void paging_followsNextLinks_withMaxPageSize_andCounts() throws Exception {
		String tag = "pg" + UUID.randomUUID().toString().substring(0, 8);
		try (CrmClient c = CrmFixture.client("alice", CrmFixture.alicePassword, CrmLimits.defaults().withPageSize(10))) {
			List<CrmWrite> writes = new ArrayList<>();
			for (int i = 0; i < 25; i++) {
				writes.add(CrmWrite.create("contacts", contact("P" + i, tag, null)));
			}
			assertTrue(c.batch(writes, true).stream().allMatch(BatchResult::ok));
			CrmPage p = c.query("contacts", CrmQuery.select("firstname").filter("lastname eq '" + tag + "'").withCount());
			assertEquals(25, p.count());
			int pages = 0;
			int seen = 0;
			while (p != null) {
				pages++;
				seen += p.records().size();
				p = c.next(p);
			}
			assertEquals(3, pages);
			assertEquals(25, seen);
			List<String> names = new ArrayList<>();
			c.queryAll("contacts", CrmQuery.select("firstname").filter("lastname eq '" + tag + "'").orderBy("firstname desc")
					.top(12), r -> names.add(r.string("firstname")), null);
			assertEquals(12, names.size());
			assertEquals("P9", names.get(0));
		}
	}

	@Test
	void filter_operatorsFunctionsNullsLookupsAndParties() throws Exception {
		String tag = "ft" + UUID.randomUUID().toString().substring(0, 8);
		try (CrmClient c = CrmFixture.alice()) {
			CrmRecord acct = c.write(CrmWrite.create("accounts", Map.of("name", tag + " Engines")), null);
			Map<String, Object> a = contact("Ada", tag, "ada@" + tag + ".test");
			a.put("parentcustomerid_account@odata.bind", "/accounts(" + acct.id() + ")");
			CrmRecord ada = c.write(CrmWrite.create("contacts", a), null);
			c.write(CrmWrite.create("contacts", contact("Alan", tag, null)), null);
			c.write(CrmWrite.create("contacts", contact("Grace", tag, "GRACE@" + tag + ".test")), null);
			String base = "lastname eq '" + tag + "'";
			assertEquals(2, count(c, base + " and emailaddress1 ne null"));
			assertEquals(1, count(c, base + " and emailaddress1 eq null"));
			assertEquals(1, count(c, base + " and emailaddress1 eq 'grace@" + tag + ".test'"), "case-insensitive as Dynamics");
			assertEquals(2, count(c, base + " and startswith(firstname,'A')"));
			assertEquals(1, count(c, base + " and contains(firstname,'ra')"));
			assertEquals(2, count(c, base + " and not (firstname eq 'Alan')"), "not over ne must keep nulls two-valued");
			assertEquals(2, count(c, base + " and (firstname eq 'Ada' or firstname eq 'Grace')"));
			assertEquals(1, count(c, base + " and _parentcustomerid_value eq " + acct.id()));
			assertEquals(3, count(c, base + " and _ownerid_value eq " + CrmFixture.alice));
			assertEquals(0, count(c, base + " and createdon lt 2001-01-01T00:00:00Z"));
			Map<String, Object> mail = new LinkedHashMap<>();
			mail.put("subject", tag);
			mail.put("email_activity_parties", List.of(
					Map.of("participationtypemask", 1, "partyid_contact@odata.bind", "/contacts(" + ada.id() + ")"),
					Map.of("participationtypemask", 2, "addressused", "someone@elsewhere.test")));
			c.write(CrmWrite.create("emails", mail), null);
			CrmPage p = c.query("emails", CrmQuery.select("subject").filter("email_activity_parties/any(p:p/_partyid_value eq "
					+ ada.id() + " and p/participationtypemask eq 1)").expand("email_activity_parties"));
			assertEquals(1, p.records().size());
			assertEquals(2, p.records().get(0).list("email_activity_parties").size());
			assertEquals(0, c.query("emails", CrmQuery.select("subject")
					.filter("subject eq '" + tag + "' and email_activity_parties/all(p:p/participationtypemask eq 1)"))
					.records().size());
		}
	}

	private static int count(CrmClient c, String filter) throws CrmException {
		return c.query("contacts", CrmQuery.select("contactid").filter(filter)).records().size();
	}

	@Test
	void unsupportedQueries_clearErrors_neverAWrongAnswer() throws Exception {
		try (CrmClient c = CrmFixture.alice()) {
			for (String[] bad : new String[][] { { "length(lastname) eq 3", "length" },
					{ "lastname eq firstname", "two properties" }, { "parentcustomerid/name eq 'x'", "Navigation" },
					{ "nosuch eq 1", "nosuch" }, { "numberofemployees eq 'ten'", "Edm.Int32" },
					{ "lastname eq 'x", "unterminated" }, { "lastname eq 'x' or", "expected" } }) {
				String set = bad[0].startsWith("numberofemployees") ? "accounts" : "contacts";
				CrmException e = assertThrows(CrmException.class, () -> c.query(set, CrmQuery.select(bad[0].startsWith(
						"numberofemployees") ? "accountid" : "contactid").filter(bad[0])), bad[0]);
				assertEquals(400, e.status(), bad[0]);
				assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
			}
			HttpResponse<String> skip = CrmFixture.request("GET", "contacts?$skip=5", null, null);
			assertEquals(400, skip.statusCode());
			assertTrue(skip.body().contains("$skip"), skip.body());
			HttpResponse<String> expand = CrmFixture.request("GET", "contacts?$expand=parentcustomerid_account", null, null);
			assertEquals(400, expand.statusCode());
			HttpResponse<String> trackFilter = CrmFixture.request("GET", "contacts?$filter=lastname%20eq%20'x'", null, null,
					"Prefer", "odata.track-changes");
			assertEquals(400, trackFilter.statusCode());
			assertTrue(trackFilter.body().contains("only $select"), trackFilter.body());
		}
	}

	@Test
	void injectionInFilter_isALiteralOrA400_neverSql() throws Exception {
		try (CrmClient c = CrmFixture.alice()) {
			long before = CrmFixture.server().admin().count("contacts");
			assertEquals(0, count(c, "lastname eq 'x'' or ''1''=''1'"));
			for (String f : new String[] { "lastname eq 'x'; DROP TABLE E_CONTACT --'", "lastname eq 'x') OR (1=1",
					"1 eq 1", "lastname eq x' OR 'a'='a" }) {
				CrmException e = assertThrows(CrmException.class, () -> count(c, f), f);
				assertEquals(400, e.status(), f);
			}
			assertEquals(before, CrmFixture.server().admin().count("contacts"));
		}
	}

	@Test
	void badInput_400WithClearErrors_413WhenTooLarge() throws Exception {
		String json = "application/json";
		String[][] cases = { { "{\"firstname\": \"Ada\"", "not valid JSON" }, { "[1,2]", "JSON object" },
				{ "{\"firstname\": 42}", "Edm.String" }, { "{\"lastname\": \"x\", \"shoesize\": 42}", "shoesize" },
				{ "{\"lastname\": \"x\", \"_ownerid_value\": \"" + UUID.randomUUID() + "\"}", "@odata.bind" },
				{ "{\"lastname\": \"" + "x".repeat(51) + "\"}", "maximum allowed length" },
				{ "{\"lastname\": \"x\", \"statecode\": 7}", "not a valid value" },
				{ "{\"lastname\": \"x\", \"birthdate\": \"yesterday\"}", "Edm.Date" },
				{ "{\"lastname\": \"x\", \"parentcustomerid_account@odata.bind\": \"/accounts(" + UUID.randomUUID() + ")\"}",
						"does not exist" },
				{ "{\"lastname\": \"x\", \"fullname\": \"y\"}", "read-only" } };
		for (String[] c : cases) {
			HttpResponse<String> r = CrmFixture.request("POST", "contacts", json, c[0]);
			assertEquals(400, r.statusCode(), c[0] + " -> " + r.body());
			assertTrue(r.body().contains(c[1]), c[0] + " -> " + r.body());
			assertTrue(r.body().startsWith("{\"error\":{\"code\":\"0x"), r.body());
		}
		HttpResponse<String> big = CrmFixture.request("POST", "contacts", json,
				"{\"description\": \"" + "x".repeat(33 << 20) + "\"}");
		assertEquals(413, big.statusCode());
	}

	@Test
	void changeTracking_deltaLinkReportsChangesAndDeletions_bogusAndExpiredTokensRefused() throws Exception {
		try (CrmClient c = CrmFixture.alice()) {
			Map<UUID, String> changed = new LinkedHashMap<>();
			List<UUID> deleted = new ArrayList<>();
			CrmClient.ChangeSink sink = new CrmClient.ChangeSink() {
				@Override
				public void changed(CrmRecord r) {
					changed.put(r.id(), r.etag());
				}

				@Override
				public void deleted(UUID id) {
					deleted.add(id);
				}
			};
			CrmRecord keep = c.write(CrmWrite.create("leads", Map.of("lastname", "Keep")), null);
			CrmRecord gone = c.write(CrmWrite.create("leads", Map.of("lastname", "Gone")), null);
			String link = c.changes("leads", List.of("lastname"), null, sink, null);
			assertTrue(changed.containsKey(keep.id()));
			assertTrue(link.contains("$deltatoken="), link);
			changed.clear();
			c.write(CrmWrite.update("leads", keep.id(), Map.of("lastname", "Kept"), null), null);
			c.write(CrmWrite.delete("leads", gone.id(), null), null);
			CrmRecord fresh = c.write(CrmWrite.create("leads", Map.of("lastname", "Fresh")), null);
			String link2 = c.changes("leads", List.of("lastname"), link, sink, null);
			assertEquals(Set2.of(keep.id(), fresh.id()), changed.keySet());
			assertEquals(List.of(gone.id()), deleted);
			changed.clear();
			deleted.clear();
			c.changes("leads", List.of("lastname"), link2, sink, null);
			assertTrue(changed.isEmpty() && deleted.isEmpty(), "nothing changed since: " + changed + deleted);
			String bogus = link2.replaceAll("\\$deltatoken=[^&]*", "\\$deltatoken=garbage");
			assertEquals(Kind.TOKEN_EXPIRED, assertThrows(CrmException.class, () -> c.changes("leads", List.of(), bogus, sink,
					null)).kind());
			CrmFixture.server().admin().expireChangeTracking();
			CrmException expired = assertThrows(CrmException.class, () -> c.changes("leads", List.of(), link2, sink, null));
			assertEquals(Kind.TOKEN_EXPIRED, expired.kind());
			assertTrue(expired.getMessage().contains("full sync"), expired.getMessage());
		}
	}

	@Test
	void changeTracking_pagesThroughManyChanges() throws Exception {
		try (CrmClient c = CrmFixture.client("alice", CrmFixture.alicePassword, CrmLimits.defaults().withPageSize(7))) {
			String link = c.changes("opportunities", List.of("name"), null, counting(new int[2]), null);
			List<CrmWrite> w = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				w.add(CrmWrite.create("opportunities", Map.of("name", "Deal " + i)));
			}
			List<BatchResult> made = c.batch(w, false);
			for (int i = 0; i < 5; i++) {
				c.write(CrmWrite.delete("opportunities", made.get(i).id(), null), null);
			}
			int[] n = new int[2];
			long before = c.stats().requests();
			c.changes("opportunities", List.of("name"), link, counting(n), null);
			assertEquals(15, n[0]);
			assertEquals(5, n[1]);
			assertTrue(c.stats().requests() - before >= 3, "paged by 7");
		}
	}

	private static CrmClient.ChangeSink counting(int[] n) {
		return new CrmClient.ChangeSink() {
			@Override
			public void changed(CrmRecord r) {
				n[0]++;
			}

			@Override
			public void deleted(UUID id) {
				n[1]++;
			}
		};
	}

	@Test
	void batch_failedChangeSetRollsBackWhole_independentWritesGoOn() throws Exception {
		String tag = "bt" + UUID.randomUUID().toString().substring(0, 8);
		try (CrmClient c = CrmFixture.alice()) {
			List<CrmWrite> set = List.of(CrmWrite.create("contacts", contact("One", tag, null)),
					CrmWrite.create("contacts", contact("Two", tag, null)),
					CrmWrite.create("contacts", Map.of("lastname", tag, "numberofemployees", 3)));
			List<BatchResult> atomic = c.batch(set, true);
			assertTrue(atomic.stream().noneMatch(BatchResult::ok));
			assertTrue(atomic.get(0).error().getMessage().contains("numberofemployees"), atomic.get(0).error().getMessage());
			assertEquals(0, count(c, "lastname eq '" + tag + "'"), "nothing of the failed change set was applied");
			List<BatchResult> loose = c.batch(set, false);
			assertTrue(loose.get(0).ok() && loose.get(1).ok());
			assertFalse(loose.get(2).ok());
			assertEquals(2, count(c, "lastname eq '" + tag + "'"));
		}
	}

	@Test
	void batch_contentIdReferences_andTheThousandLimit() throws Exception {
		String b = "batch_x";
		String cs = "changeset_y";
		String body = "--" + b + "\r\nContent-Type: multipart/mixed; boundary=" + cs + "\r\n\r\n" + "--" + cs
				+ "\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: 1\r\n\r\n"
				+ "POST /api/data/v9.2/accounts HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{\"name\":\"Ref Co\"}\r\n"
				+ "--" + cs + "\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: 2\r\n\r\n"
				+ "POST /api/data/v9.2/contacts HTTP/1.1\r\nContent-Type: application/json\r\n\r\n"
				+ "{\"lastname\":\"Referenced\",\"parentcustomerid_account@odata.bind\":\"$1\"}\r\n" + "--" + cs + "--\r\n"
				+ "--" + b + "--\r\n";
		HttpResponse<String> r = CrmFixture.request("POST", "$batch", "multipart/mixed; boundary=" + b, body);
		assertEquals(200, r.statusCode());
		assertEquals(2, r.body().split("HTTP/1.1 204").length - 1, r.body());
		try (CrmClient c = CrmFixture.alice()) {
			CrmRecord ref = c.query("contacts", CrmQuery.select("_parentcustomerid_value").filter("lastname eq 'Referenced'"))
					.records().get(0);
			assertNotNull(ref.lookup("parentcustomerid"));
		}
		StringBuilder many = new StringBuilder();
		for (int i = 0; i < 1001; i++) {
			many.append("--").append(b).append("\r\nContent-Type: application/http\r\n\r\nGET /api/data/v9.2/WhoAmI HTTP/1.1\r\n\r\n\r\n");
		}
		many.append("--").append(b).append("--\r\n");
		HttpResponse<String> tooMany = CrmFixture.request("POST", "$batch", "multipart/mixed; boundary=" + b, many.toString());
		assertEquals(400, tooMany.statusCode());
		assertTrue(tooMany.body().contains("1000"), tooMany.body());
	}

	@Test
	void throttling_429WithRetryAfter_clientWaitsAndRetries_orReportsIt() throws Exception {
		try (CrmClient c = CrmFixture.alice()) {
			CrmFixture.server().admin().injectFaults(429, 2, 1);
			long t0 = System.nanoTime();
			c.whoAmI();
			assertTrue(System.nanoTime() - t0 >= 1_900_000_000L, "waited the Retry-After twice");
			assertEquals(2, c.stats().retries());
			assertTrue(c.stats().throttledMillis() >= 2000);
			CrmFixture.server().admin().injectFaults(503, 1, 0);
			c.whoAmI();
			assertEquals(3, c.stats().retries());
		}
		String name = "busy-" + UUID.randomUUID().toString().substring(0, 8);
		String pw = org.liaison.testing.TestPasswords.random();
		CrmFixture.server().admin().addUser(name, name + "@example.test", pw.toCharArray(), false);
		try (CrmClient c = CrmFixture.client(name, pw, CrmLimits.defaults().withRetries(0, Duration.ofSeconds(1)))) {
			CrmFixture.server().admin().serviceProtection(3, Duration.ofSeconds(60));
			try {
				c.whoAmI();
				c.whoAmI();
				c.whoAmI();
				CrmException e = assertThrows(CrmException.class, c::whoAmI);
				assertEquals(Kind.THROTTLED, e.kind());
				assertEquals(429, e.status());
				assertTrue(e.retryAfterMillis() > 0, "Retry-After given");
				assertTrue(e.getMessage().contains("Number of requests exceeded the limit of 3"), e.getMessage());
			} finally {
				CrmFixture.server().admin().serviceProtection(6000, Duration.ofMinutes(5));
			}
		}
	}

	@Test
	void requestBudget_stopsBeforeSending() throws Exception {
		try (CrmClient c = CrmFixture.client("alice", CrmFixture.alicePassword, CrmLimits.defaults().withBudget(2))) {
			c.whoAmI();
			c.whoAmI();
			assertEquals(Kind.BUDGET_EXHAUSTED, assertThrows(CrmException.class, c::whoAmI).kind());
		}
	}

	@Test
	void auth_wrongPassword_missingToken_expiredTokenRefreshed() throws Exception {
		CrmException e = assertThrows(CrmException.class, () -> CrmFixture.client("alice", "not-" + CrmFixture.alicePassword,
				CrmLimits.defaults()));
		assertEquals(Kind.UNAUTHORIZED, e.kind());
		assertTrue(e.getMessage().contains("incorrect"), e.getMessage());
		HttpResponse<String> anon = CrmFixture.raw().send(java.net.http.HttpRequest.newBuilder(
				java.net.URI.create(CrmFixture.server().serviceRoot() + "contacts")).build(), HttpResponse.BodyHandlers.ofString());
		assertEquals(401, anon.statusCode());
		assertTrue(anon.body().contains("requires authentication"), anon.body());
		assertTrue(anon.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
		try (CrmClient c = CrmFixture.alice()) {
			c.whoAmI();
			CrmFixture.server().admin().expireAccessTokens();
			assertEquals(CrmFixture.alice, c.whoAmI().userId(), "refreshed after 401");
		}
	}

	@Test
	void clientCredentials_signInAsApplicationUser() throws Exception {
		var app = CrmFixture.server().admin().addApplication("sync-" + UUID.randomUUID(), false);
		try (CrmClient c = CrmFixture.connector().connect(new org.liaison.api.crm.CrmEndpoint(
				CrmFixture.server().serviceRoot(), new org.liaison.api.crm.CrmAuth.ClientCredentials(
						CrmFixture.server().tokenEndpoint(), app.clientId(), app.clientSecret())))) {
			assertEquals(app.userId(), c.whoAmI().userId());
		}
		assertThrows(CrmException.class, () -> CrmFixture.connector().connect(new org.liaison.api.crm.CrmEndpoint(
				CrmFixture.server().serviceRoot(), new org.liaison.api.crm.CrmAuth.ClientCredentials(
						CrmFixture.server().tokenEndpoint(), app.clientId(), "wrong".toCharArray()))));
	}

	@Test
	void ownerBasedAccess_anotherUsersPrivateRecordsRefused() throws Exception {
		try (CrmClient a = CrmFixture.alice(); CrmClient b = CrmFixture.bob()) {
			CrmRecord mail = a.write(CrmWrite.create("emails", Map.of("subject", "Alice's private mail")), null);
			CrmException read = assertThrows(CrmException.class, () -> b.retrieve("emails", mail.id(), null));
			assertEquals(Kind.FORBIDDEN, read.kind());
			assertTrue(read.getMessage().contains("prvReadEmail"), read.getMessage());
			assertTrue(b.query("emails", CrmQuery.select("subject").filter("subject eq 'Alice''s private mail'")).records()
					.isEmpty());
			CrmRecord contact = a.write(CrmWrite.create("contacts", contact("Shared", "Readable", null)), null);
			assertEquals("Readable", b.retrieve("contacts", contact.id(), null).string("lastname"));
			assertEquals(Kind.FORBIDDEN, assertThrows(CrmException.class,
					() -> b.write(CrmWrite.update("contacts", contact.id(), Map.of("jobtitle", "x"), null), null)).kind());
			assertEquals(Kind.FORBIDDEN, assertThrows(CrmException.class,
					() -> b.write(CrmWrite.delete("emails", mail.id(), null), null)).kind());
			Map<String, Object> assign = new LinkedHashMap<>(contact("Given", "Away", null));
			assign.put("ownerid@odata.bind", "/systemusers(" + CrmFixture.alice + ")");
			assertEquals(Kind.FORBIDDEN, assertThrows(CrmException.class,
					() -> b.write(CrmWrite.create("contacts", assign), null)).kind());
		}
	}

	@Test
	void mailboxRules_oneMailboxPerUser_addressInOneMailbox_deliveryMethods() throws Exception {
		try (CrmClient a = CrmFixture.alice()) {
			CrmRecord mine = a.query("mailboxes", CrmQuery.select("emailaddress", "incomingemaildeliverymethod",
					"_regardingobjectid_value")).records().get(0);
			assertEquals("alice@example.test", mine.string("emailaddress"));
			assertEquals(CrmFixture.alice, mine.lookup("regardingobjectid"));
			assertEquals(1, mine.integer("incomingemaildeliverymethod"));
			CrmException second = assertThrows(CrmException.class, () -> a.write(CrmWrite.create("mailboxes", Map.of(
					"name", "second", "emailaddress", "alice2@example.test", "regardingobjectid@odata.bind",
					"/systemusers(" + CrmFixture.alice + ")")), null));
			assertTrue(second.getMessage().contains("exactly one mailbox"), second.getMessage());
			CrmException taken = assertThrows(CrmException.class, () -> a.write(CrmWrite.update("mailboxes", mine.id(),
					Map.of("emailaddress", "BOB@example.test"), null), null));
			assertTrue(taken.getMessage().contains("at most one user's mailbox"), taken.getMessage());
			a.write(CrmWrite.update("mailboxes", mine.id(), Map.of("incomingemaildeliverymethod", 2), null), null);
			assertEquals(2, a.retrieve("mailboxes", mine.id(), null).integer("incomingemaildeliverymethod"));
			a.write(CrmWrite.update("mailboxes", mine.id(), Map.of("incomingemaildeliverymethod", 1), null), null);
		}
		assertThrows(java.io.IOException.class, () -> CrmFixture.server().admin().addUser("carol", "alice@example.test",
				"x".toCharArray(), false));
	}

	@Test
	void oneSynchronizingInstance_takeOverInOneChangeSet() throws Exception {
		try (CrmClient a = CrmFixture.alice()) {
			CrmRecord laptop = a.write(CrmWrite.create("liaison_clientinstances", Map.of("liaison_name", "laptop",
					"liaison_issynchronizing", true)), null);
			CrmException second = assertThrows(CrmException.class, () -> a.write(CrmWrite.create("liaison_clientinstances",
					Map.of("liaison_name", "desktop", "liaison_issynchronizing", true)), null));
			assertTrue(second.getMessage().contains("laptop"), second.getMessage());
			UUID desktop = UUID.randomUUID();
			List<BatchResult> r = a.batch(List.of(
					CrmWrite.update("liaison_clientinstances", laptop.id(), Map.of("liaison_issynchronizing", false), null),
					CrmWrite.createWithId("liaison_clientinstances", desktop,
							Map.of("liaison_name", "desktop", "liaison_issynchronizing", true))), true);
			assertTrue(r.stream().allMatch(BatchResult::ok), String.valueOf(r));
			assertEquals(Boolean.TRUE, a.retrieve("liaison_clientinstances", desktop, null).bool("liaison_issynchronizing"));
		}
		try (CrmClient b = CrmFixture.bob()) {
			b.write(CrmWrite.create("liaison_clientinstances", Map.of("liaison_name", "bob's", "liaison_issynchronizing", true)),
					null);
		}
	}

	@Test
	void deliverIncomingEmail_onePerMessageId_checkIncomingEmailReasonCodes() throws Exception {
		try (CrmClient a = CrmFixture.alice(); CrmClient b = CrmFixture.bob()) {
			a.write(CrmWrite.create("contacts", contact("Claude", "Shannon", "claude@bell.test")), null);
			String id = "<" + UUID.randomUUID() + "@bell.test>";
			IncomingEmail m = new IncomingEmail(id, "Information theory", "claude@bell.test",
					List.of("alice@example.test"), List.of(), List.of(), java.time.Instant.now(), "Hello");
			IncomingEmail.Check before = a.checkIncomingEmail(m);
			assertEquals(IncomingEmail.Check.UNKNOWN, before.reasonCode(), before.reason());
			UUID first = a.deliverIncomingEmail(m);
			assertEquals(first, a.deliverIncomingEmail(m), "the same message is one CRM email");
			assertEquals(first, b.deliverIncomingEmail(m), "also when another user tracks it");
			IncomingEmail.Check dup = a.checkIncomingEmail(m);
			assertFalse(dup.shouldDeliver());
			assertEquals(IncomingEmail.Check.DUPLICATE, dup.reasonCode());
			CrmRecord mail = a.retrieve("emails", first, CrmQuery.select("subject", "trackingtoken")
					.expand("email_activity_parties"));
			assertEquals(2, mail.list("email_activity_parties").size());
			IncomingEmail noUser = new IncomingEmail("<" + UUID.randomUUID() + "@x>", "hi", "claude@bell.test",
					List.of("nobody@nowhere.test"), null, null, null, null);
			assertEquals(IncomingEmail.Check.NO_RECIPIENT_MATCH, a.checkIncomingEmail(noUser).reasonCode());
			IncomingEmail internal = new IncomingEmail("<" + UUID.randomUUID() + "@x>", "lunch?", "bob@example.test",
					List.of("alice@example.test"), null, null, null, null);
			assertEquals(IncomingEmail.Check.INTERNAL_EMAIL_REJECT, a.checkIncomingEmail(internal).reasonCode());
			IncomingEmail reply = new IncomingEmail("<" + UUID.randomUUID() + "@x>", "RE: Information theory "
					+ mail.string("trackingtoken"), "someone@else.test", List.of("alice@example.test"), null, null, null, null);
			IncomingEmail.Check corr = a.checkIncomingEmail(reply);
			assertTrue(corr.shouldDeliver());
			assertEquals(IncomingEmail.Check.CORRELATION_MATCH, corr.reasonCode());
			assertEquals(IncomingEmail.Check.INVALID_SENDER, a.checkIncomingEmail(new IncomingEmail("<z@x>", "s", "not-an-address",
					List.of("alice@example.test"), null, null, null, null)).reasonCode());
		}
	}

	@Test
	void serviceDocumentAndMetadata() throws Exception {
		HttpResponse<String> doc = CrmFixture.request("GET", "", null, null);
		assertEquals(200, doc.statusCode());
		for (String s : List.of("systemusers", "organizations", "mailboxes", "accounts", "contacts", "leads",
				"opportunities", "emails", "appointments", "tasks", "liaison_clientinstances")) {
			assertTrue(doc.body().contains("\"" + s + "\""), s);
		}
		HttpResponse<String> meta = CrmFixture.request("GET", "$metadata", null, null);
		assertTrue(meta.body().contains("<EntityType Name=\"contact\">"));
		assertNull(null);
	}

	/** Set.of with a clear name in assertions about key sets. */
	static final class Set2 {
		static java.util.Set<UUID> of(UUID... ids) {
			return new java.util.LinkedHashSet<>(List.of(ids));
		}
	}
}
