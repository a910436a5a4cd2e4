package org.liaison.offline.tests;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmLimits;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.offline.OfflineEntity;
import org.liaison.api.offline.OfflineFilter;
import org.liaison.api.store.StoreException;
import org.liaison.api.sync.ConflictResolver;
import org.liaison.offline.internal.OfflineCopyImpl;
import org.liaison.store.derby.DerbyProfileStore;
import org.liaison.testing.CrmServers;
import org.liaison.testing.Osgi;

/**
 * One test's world: a user of the shared reference CRM server (made for the test, so that "records I own"
 * selects only the test's records), the user's client, a second client for the same user acting on the
 * server meanwhile (another computer, a colleague's edit), and an offline copy on a store in memory.
 * {@link #fresh()} gives a new service over the same store, as after a crash.
 */
final class Fixture implements AutoCloseable {

	private static final AtomicInteger N = new AtomicInteger();

	final CrmServers.User user;
	final CrmClient crm;
	final CrmClient server;
	final DerbyProfileStore store;
	final ConflictResolver resolver;
	OfflineCopyImpl copy;

	Fixture(String name, CrmLimits limits) throws CrmException, StoreException {
		String unique = name + "-" + N.incrementAndGet();
		user = CrmServers.user(unique, false);
		crm = CrmServers.client(user, limits);
		server = CrmServers.client(user, CrmLimits.defaults());
		store = DerbyProfileStore.openInMemory("offline-" + unique + "-" + UUID.randomUUID());
		resolver = Osgi.service(ConflictResolver.class);
		copy = OfflineCopyImpl.over(store, resolver, Clock.systemUTC());
	}

	Fixture(String name) throws CrmException, StoreException {
		this(name, CrmLimits.defaults());
	}

	/** A new service over the same store, knowing nothing but what the store holds (as after a crash). */
	OfflineCopyImpl fresh() throws StoreException {
		copy = OfflineCopyImpl.over(store, resolver, Clock.systemUTC());
		return copy;
	}

	/** The default filters for these types only. */
	static List<OfflineFilter> only(OfflineEntity... types) {
		List<OfflineFilter> out = new ArrayList<>();
		List<OfflineEntity> on = List.of(types);
		for (OfflineEntity e : OfflineEntity.values()) {
			out.add(new OfflineFilter(e, on.contains(e), OfflineFilter.defaultFilter(e)));
		}
		return out;
	}

	UUID create(OfflineEntity e, Map<String, Object> fields) throws CrmException {
		UUID id = UUID.randomUUID();
		server.write(CrmWrite.createWithId(e.entitySet(), id, fields), null);
		return id;
	}

	void edit(OfflineEntity e, UUID id, Map<String, Object> fields) throws CrmException {
		server.write(CrmWrite.update(e.entitySet(), id, fields, null), null);
	}

	void delete(OfflineEntity e, UUID id) throws CrmException {
		server.write(CrmWrite.delete(e.entitySet(), id, null), null);
	}

	/** The record as the CRM has it now, or null if it is gone. */
	CrmRecord read(OfflineEntity e, UUID id) throws CrmException {
		try {
			return server.retrieve(e.entitySet(), id, CrmQuery.all());
		} catch (CrmException x) {
			if (x.kind() == CrmException.Kind.NOT_FOUND) {
				return null;
			}
			throw x;
		}
	}

	/** The user's records of a type in the CRM whose {@code field} is {@code value}. */
	List<CrmRecord> find(OfflineEntity e, String field, String value) throws CrmException {
		List<CrmRecord> out = new ArrayList<>();
		server.queryAll(e.entitySet(), CrmQuery.all().filter("_ownerid_value eq " + user.id() + " and " + field + " eq "
				+ CrmQuery.quote(value)), out::add, null);
		return out;
	}

	@Override
	public void close() throws Exception {
		crm.close();
		server.close();
		store.close();
	}
}
