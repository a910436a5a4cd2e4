package org.liaison.crm.server.internal;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.liaison.crm.server.internal.Db.Tx;
import org.liaison.crm.server.internal.Records.Ref;
import org.liaison.crm.server.internal.Schema.Entity;

/**
 * A sample organization, the same for the same seed, size and day: users, accounts with their
 * contacts, leads, opportunities, and emails, appointments and tasks with their parties. Records are
 * owned round-robin by the seeded users and the users already there (so a real user sees some).
 */
final class Seeder {

	private static final String[] FIRST = { "Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken",
			"Margaret", "Niklaus", "Radia", "Tim", "Hedy", "John", "Katherine", "Linus", "Mary", "Dennis", "Sophie",
			"Claude", "Anita", "Bjarne", "Joan", "Guido", "Lynn", "James", "Shafi", "Leslie", "Ivan", "Karen" };
	private static final String[] LAST = { "Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen",
			"Thompson", "Hamilton", "Wirth", "Perlman", "Berners-Lee", "Lamarr", "Backus", "Johnson", "Torvalds",
			"Keller", "Ritchie", "Wilson", "Shannon", "Borg", "Stroustrup", "Clarke", "van Rossum", "Conway", "Gosling",
			"Goldwasser", "Lamport", "Sutherland", "Spärck Jones" };
	private static final String[] COMPANY = { "Analytical Engines", "Difference Works", "Harbour Logistics",
			"Northwind Traders", "Blue Yonder Airlines", "Fabrikam", "Contoso Pharmaceuticals", "Tailspin Toys",
			"Woodgrove Bank", "Adventure Works", "Alpine Ski House", "Coho Winery", "Lucerne Publishing",
			"Margie's Travel", "Proseware", "Wide World Importers", "Litware", "Trey Research", "Fourth Coffee",
			"Graphic Design Institute" };
	private static final String[] CITY = { "London", "Paris", "Berlin", "Madrid", "Lisbon", "Dublin", "Amsterdam",
			"Vienna", "Prague", "Copenhagen", "Oslo", "Helsinki", "Zurich", "Milan", "Brussels" };
	private static final String[] TOPIC = { "Quarterly review", "Renewal terms", "Pricing question", "Onboarding plan",
			"Support escalation", "Product demo", "Contract draft", "Delivery schedule", "Invoice query",
			"Partnership idea", "Training session", "Site visit" };

	private final Store store;
	private final Random rnd;
	private final int size;
	private final LocalDate today;
	private int made;
	private Tx tx;
	private int inTx;
	private IProgressMonitor monitor;

	Seeder(Store store, long seed, int size, LocalDate today) {
		this.store = store;
		this.rnd = new Random(seed);
		this.size = size;
		this.today = today;
	}

	private UUID id() {
		long hi = (rnd.nextLong() & ~0xF000L) | 0x4000L;
		long lo = (rnd.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new UUID(hi, lo);
	}

	private <T> T pick(T[] a) {
		return a[rnd.nextInt(a.length)];
	}

	private static String slug(String s) {
		return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "");
	}

	int run(IProgressMonitor m) throws SQLException, IOException {
		this.monitor = m;
		if (size < 1) {
			throw new IOException("the size must be at least 1");
		}
		int users = 2 + size / 2000;
		int accounts = Math.max(1, size / 10);
		int contacts = size;
		int leads = Math.max(1, size / 5);
		int opps = Math.max(1, size / 10);
		int emails = Math.max(1, size / 2);
		int appts = Math.max(1, size / 4);
		int tasks = Math.max(1, size / 4);
		int total = users + accounts + contacts + leads + opps + emails + appts + tasks;
		if (m != null) {
			m.beginTask("Seeding the organization", total);
		}
		String domain = "example.test";
		List<String> owners = new ArrayList<>();
		tx = store.db.begin();
		try {
			tx.forWrite();
			try (PreparedStatement ps = tx.c.prepareStatement(
					"SELECT userid FROM CREDENTIAL WHERE hash IS NOT NULL AND username NOT LIKE 'app:%' ORDER BY username")) {
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						owners.add(rs.getString(1));
					}
				}
			}
			for (int i = 1; i <= users; i++) {
				String f = pick(FIRST);
				String l = pick(LAST);
				UUID uid = id();
				String name = String.format(Locale.ROOT, "seed%02d.%s", i, slug(l));
				if (!userExists(name)) {
					store.createUser(tx, name, name + "@" + domain, false, uid);
					owners.add(uid.toString());
				}
				step();
			}
			List<String[]> accountRefs = new ArrayList<>();
			for (int i = 0; i < accounts; i++) {
				String company = pick(COMPANY) + (i >= COMPANY.length ? " " + (i / COMPANY.length + 1) : "");
				Map<String, Object> v = new LinkedHashMap<>();
				String aid = id().toString();
				v.put("accountid", aid);
				v.put("name", company);
				v.put("accountnumber", String.format(Locale.ROOT, "AC-%06d", i + 1));
				v.put("emailaddress1", "info@" + slug(company) + "." + domain);
				v.put("telephone1", phone());
				v.put("websiteurl", "https://" + slug(company) + "." + domain);
				v.put("address1_city", pick(CITY));
				v.put("numberofemployees", 5 + rnd.nextInt(5000));
				v.put("revenue", BigDecimal.valueOf(50_000L + rnd.nextInt(50_000_000)));
				insert("accounts", v, owner(owners));
				accountRefs.add(new String[] { aid, slug(company) });
			}
			List<String[]> contactRefs = new ArrayList<>();
			for (int i = 0; i < contacts; i++) {
				String f = pick(FIRST);
				String l = pick(LAST);
				String[] acc = accountRefs.get(rnd.nextInt(accountRefs.size()));
				String cid = id().toString();
				String mail = slug(f) + "." + slug(l) + (i + 1) + "@" + acc[1] + "." + domain;
				Map<String, Object> v = new LinkedHashMap<>();
				v.put("contactid", cid);
				v.put("firstname", f);
				v.put("lastname", l);
				v.put("fullname", f + " " + l);
				v.put("jobtitle", pick(new String[] { "Buyer", "CFO", "Engineer", "Office Manager", "CEO", "Consultant" }));
				v.put("emailaddress1", mail);
				v.put("telephone1", phone());
				v.put("mobilephone", phone());
				v.put("address1_city", pick(CITY));
				v.put("parentcustomerid", new Ref("account", acc[0]));
				insert("contacts", v, owner(owners));
				contactRefs.add(new String[] { cid, mail });
			}
			for (int i = 0; i < leads; i++) {
				String f = pick(FIRST);
				String l = pick(LAST);
				Map<String, Object> v = new LinkedHashMap<>();
				v.put("leadid", id().toString());
				v.put("firstname", f);
				v.put("lastname", l);
				v.put("fullname", f + " " + l);
				v.put("companyname", pick(COMPANY));
				v.put("subject", "Interested in " + pick(TOPIC).toLowerCase(Locale.ROOT));
				v.put("emailaddress1", slug(f) + "." + slug(l) + ".lead" + (i + 1) + "@prospect." + domain);
				insert("leads", v, owner(owners));
			}
			List<String> oppRefs = new ArrayList<>();
			for (int i = 0; i < opps; i++) {
				String[] acc = accountRefs.get(rnd.nextInt(accountRefs.size()));
				Map<String, Object> v = new LinkedHashMap<>();
				String oid = id().toString();
				v.put("opportunityid", oid);
				v.put("name", pick(TOPIC) + " #" + (i + 1));
				v.put("estimatedvalue", BigDecimal.valueOf(1000L + rnd.nextInt(500_000)));
				v.put("estimatedclosedate", today.plusDays(rnd.nextInt(180)));
				v.put("closeprobability", rnd.nextInt(101));
				v.put("customerid", new Ref("account", acc[0]));
				insert("opportunities", v, owner(owners));
				oppRefs.add(oid);
			}
			for (int i = 0; i < emails; i++) {
				String[] c = contactRefs.get(rnd.nextInt(contactRefs.size()));
				String owner = owner(owners);
				boolean out = rnd.nextBoolean();
				Map<String, Object> v = new LinkedHashMap<>();
				String eid = id().toString();
				v.put("activityid", eid);
				v.put("subject", pick(TOPIC));
				v.put("description", "Hello,\n\nabout " + pick(TOPIC).toLowerCase(Locale.ROOT) + ": see attached.\n");
				v.put("messageid", "<seed-" + eid + "@" + domain + ">");
				v.put("senton", today.minusDays(rnd.nextInt(365)).atTime(8 + rnd.nextInt(10), rnd.nextInt(60))
						.toInstant(ZoneOffset.UTC));
				v.put("directioncode", out);
				v.put("statecode", 1);
				v.put("statuscode", out ? 3 : 4);
				v.put("regardingobjectid", rnd.nextInt(3) == 0 ? new Ref("opportunity", oppRefs.get(rnd.nextInt(oppRefs.size())))
						: new Ref("contact", c[0]));
				long version = insert("emails", v, owner);
				String userMail = userMail(owner);
				parties(eid, "email", version, new Object[][] { { out ? 1 : 2, userMail, new Ref("systemuser", owner) },
						{ out ? 2 : 1, c[1], new Ref("contact", c[0]) } });
			}
			for (int i = 0; i < appts + tasks; i++) {
				boolean appt = i < appts;
				String[] c = contactRefs.get(rnd.nextInt(contactRefs.size()));
				String owner = owner(owners);
				Map<String, Object> v = new LinkedHashMap<>();
				String aid = id().toString();
				var start = today.plusDays(rnd.nextInt(60) - 20).atTime(8 + rnd.nextInt(9), rnd.nextBoolean() ? 0 : 30)
						.toInstant(ZoneOffset.UTC);
				v.put("activityid", aid);
				v.put("subject", pick(TOPIC) + (appt ? " meeting" : ""));
				v.put("scheduledstart", start);
				v.put("scheduledend", start.plusSeconds(appt ? 1800L * (1 + rnd.nextInt(4)) : 86400));
				v.put("regardingobjectid", new Ref("contact", c[0]));
				if (appt) {
					v.put("location", pick(CITY));
					v.put("globalobjectid", aid);
					v.put("statecode", 3);
					v.put("statuscode", 5);
				} else {
					v.put("prioritycode", rnd.nextInt(3));
					boolean done = rnd.nextInt(4) == 0;
					v.put("statecode", done ? 1 : 0);
					v.put("statuscode", done ? 5 : 2);
				}
				long version = insert(appt ? "appointments" : "tasks", v, owner);
				if (appt) {
					parties(aid, "appointment", version, new Object[][] { { 7, userMail(owner), new Ref("systemuser", owner) },
							{ 5, c[1], new Ref("contact", c[0]) } });
				}
			}
			tx.commit();
		} finally {
			tx.close();
			if (m != null) {
				m.done();
			}
		}
		return made;
	}

	private final Map<String, String> mails = new LinkedHashMap<>();

	private String userMail(String user) throws SQLException {
		String m = mails.get(user);
		if (m == null) {
			Map<String, Object> row = store.records.get(tx.c, store.schema.bySet("systemusers"), user);
			m = row == null ? null : (String) row.get("internalemailaddress");
			mails.put(user, m == null ? "" : m);
		}
		return m == null || m.isEmpty() ? null : m;
	}

	private boolean userExists(String name) throws SQLException {
		try (PreparedStatement ps = tx.c.prepareStatement("SELECT 1 FROM CREDENTIAL WHERE LOWER(username) = LOWER(?)")) {
			ps.setString(1, name);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next();
			}
		}
	}

	private int next;

	private String owner(List<String> owners) {
		return owners.get(next++ % owners.size());
	}

	private String phone() {
		return String.format(Locale.ROOT, "+44 20 %04d %04d", rnd.nextInt(10000), rnd.nextInt(10000));
	}

	private long insert(String set, Map<String, Object> v, String owner) throws SQLException {
		Entity e = store.schema.bySet(set);
		v.put("ownerid", new Ref("systemuser", owner));
		store.system(tx, v, owner);
		long version = (Long) v.get("versionnumber");
		store.records.insert(tx.c, e, v);
		step();
		return version;
	}

	private void parties(String activity, String logical, long version, Object[][] parties) throws SQLException {
		Entity p = store.schema.bySet(Schema.PARTY_SET);
		for (Object[] x : parties) {
			Map<String, Object> v = new LinkedHashMap<>();
			v.put("activitypartyid", id().toString());
			v.put("activityid", new Ref(logical, activity));
			v.put("participationtypemask", x[0]);
			v.put("addressused", x[1]);
			v.put("partyid", x[2]);
			v.put("versionnumber", version);
			store.records.insert(tx.c, p, v);
		}
	}

	private void step() throws SQLException {
		made++;
		if (monitor != null) {
			monitor.worked(1);
			if (monitor.isCanceled()) {
				throw new OperationCanceledException();
			}
		}
		if (++inTx >= 2000) {
			tx.commit();
			tx = store.db.begin();
			tx.forWrite();
			inTx = 0;
		}
	}
}
