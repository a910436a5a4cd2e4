package org.liaison.connector.crm.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.sync.AlreadyExistsException;
import org.liaison.api.sync.CollectionInfo;
import org.liaison.api.sync.FetchSink;
import org.liaison.api.sync.ItemCollection;
import org.liaison.api.sync.ItemRejectedException;
import org.liaison.api.sync.ItemVersion;
import org.liaison.api.sync.ListSink;
import org.liaison.api.sync.NotFoundException;
import org.liaison.api.sync.PreconditionFailedException;
import org.liaison.api.sync.RemoteItem;
import org.liaison.api.sync.Removal;
import org.liaison.api.sync.Side;
import org.liaison.api.sync.SyncException;
import org.liaison.api.sync.TokenExpiredException;
import org.liaison.api.sync.TransientException;

/**
 * One kind of CRM record under a synchronization filter, as the sync engine sees it. Hrefs are record
 * ids, versions are ETags, and the ident is the record id: a create is a PATCH with If-None-Match: * to
 * the ident, so a repeated create finds the record instead of making a second. Incremental listings
 * follow the delta link; Dynamics tracks changes without a filter, so changed records are checked
 * against the filter in small queries and those outside it are reported as having left the scope.
 */
final class CrmItemCollection implements ItemCollection {

	private static final int CHUNK = 50;

	private final CrmClient client;
	private final Mapping map;
	private final String filter;
	private final CollectionInfo info;

	CrmItemCollection(CrmClient client, ItemKind kind, String filter) {
		this.client = client;
		this.map = new Mapping(kind);
		this.filter = filter == null || filter.isBlank() ? null : filter;
		String id = "crm:" + client.serviceRoot().getAuthority() + ":" + map.set
				+ (this.filter == null ? "" : ":" + UUID.nameUUIDFromBytes(this.filter.getBytes(StandardCharsets.UTF_8)));
		this.info = new CollectionInfo(id, kind, Side.CRM, "CRM " + map.set);
	}

	@Override
	public CollectionInfo info() {
		return info;
	}

	/** The sync exception for a CRM failure, with the item named. */
	static SyncException sync(CrmException e, String what) {
		String msg = what == null ? e.getMessage() : e.status() + ": " + what + " (" + e.getMessage() + ")";
		return switch (e.kind()) {
			case PRECONDITION_FAILED -> new PreconditionFailedException(msg, e);
			case NOT_FOUND -> new NotFoundException(msg, e);
			case BAD_REQUEST, FORBIDDEN -> new ItemRejectedException(msg, e);
			case TOKEN_EXPIRED -> new TokenExpiredException(e.getMessage(), e);
			case THROTTLED, NETWORK, SERVER -> e.retryAfterMillis() >= 0 && e.kind() == CrmException.Kind.THROTTLED
					? new TransientException(msg, e.retryAfterMillis())
					: new TransientException(msg, e);
			default -> new SyncException(msg, e);
		};
	}

	@Override
	public String list(String since, ListSink sink, IProgressMonitor monitor) throws SyncException {
		List<String> select = List.of(map.key);
		try {
			if (since == null) {
				Map<UUID, String> all = filter == null ? null : new LinkedHashMap<>();
				String link = client.changes(map.set, select, null, new CrmClient.ChangeSink() {
					@Override
					public void changed(CrmRecord r) throws CrmException {
						if (all == null) {
							present(sink, r);
						}
					}

					@Override
					public void deleted(UUID id) {
						// a first listing has no deletions
					}
				}, monitor);
				if (filter != null) {
					client.queryAll(map.set, CrmQuery.select(map.key).filter(filter), r -> {
						try {
							present(sink, r);
						} catch (CrmException e) {
							throw new IllegalStateException(e);
						}
					}, monitor);
				}
				return link;
			}
			Map<UUID, String> changed = new LinkedHashMap<>();
			List<UUID> deleted = new ArrayList<>();
			String link = client.changes(map.set, select, since, new CrmClient.ChangeSink() {
				@Override
				public void changed(CrmRecord r) {
					changed.put(r.id(), r.etag());
				}

				@Override
				public void deleted(UUID id) {
					deleted.add(id);
				}
			}, monitor);
			Set<UUID> inScope = filter == null ? changed.keySet() : inScope(new ArrayList<>(changed.keySet()));
			for (Map.Entry<UUID, String> c : changed.entrySet()) {
				if (inScope.contains(c.getKey())) {
					sink.present(new ItemVersion(c.getKey().toString(), c.getValue()));
				} else {
					sink.removed(c.getKey().toString(), Removal.LEFT_SCOPE);
				}
			}
			for (UUID d : deleted) {
				sink.removed(d.toString(), Removal.DELETED);
			}
			return link;
		} catch (CrmException e) {
			throw sync(e, null);
		} catch (IllegalStateException e) {
			if (e.getCause() instanceof CrmException ce) {
				throw sync(ce, null);
			}
			throw e;
		}
	}

	private static void present(ListSink sink, CrmRecord r) throws CrmException {
		try {
			sink.present(new ItemVersion(r.id().toString(), r.etag()));
		} catch (SyncException e) {
			throw new CrmException(CrmException.Kind.SERVER, e.getMessage(), e);
		}
	}

	private String idFilter(List<UUID> ids) {
		StringBuilder b = new StringBuilder();
		for (UUID id : ids) {
			b.append(b.length() == 0 ? "" : " or ").append(map.key).append(" eq ").append(id);
		}
		return b.toString();
	}

	/** Which of {@code ids} the sync filter selects now. */
	private Set<UUID> inScope(List<UUID> ids) throws CrmException {
		Set<UUID> out = new LinkedHashSet<>();
		for (int from = 0; from < ids.size(); from += CHUNK) {
			List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
			String f = "(" + filter + ") and (" + idFilter(chunk) + ")";
			client.queryAll(map.set, CrmQuery.select(map.key).filter(f), r -> out.add(r.id()), null);
		}
		return out;
	}

	private CrmQuery fullQuery() {
		CrmQuery q = new CrmQuery(map.select(), null, null, null, null, false);
		return map.expand() == null ? q : q.expand(map.expand());
	}

	@Override
	public void get(List<String> hrefs, FetchSink sink, IProgressMonitor monitor) throws SyncException {
		for (int from = 0; from < hrefs.size(); from += CHUNK) {
			List<UUID> chunk = new ArrayList<>();
			for (String h : hrefs.subList(from, Math.min(hrefs.size(), from + CHUNK))) {
				try {
					chunk.add(UUID.fromString(h));
				} catch (IllegalArgumentException e) {
					// not a record id: no such record, left out as the SPI says
				}
			}
			if (chunk.isEmpty()) {
				continue;
			}
			List<CrmRecord> records = new ArrayList<>();
			try {
				client.queryAll(map.set, fullQuery().filter(idFilter(chunk)), records::add, monitor);
			} catch (CrmException e) {
				throw sync(e, null);
			}
			for (CrmRecord r : records) {
				deliver(r, sink);
			}
		}
	}

	private void deliver(CrmRecord r, FetchSink sink) throws SyncException {
		ItemData data;
		try {
			data = map.fromCrm(r);
		} catch (RuntimeException e) {
			String raw;
			try {
				raw = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(r.values());
			} catch (Exception x) {
				raw = r.values().toString();
			}
			sink.bad(r.id().toString(), r.etag(), "the CRM " + map.logical + " " + r.id() + " cannot be read: "
					+ e.getMessage(), raw);
			return;
		}
		sink.item(new RemoteItem(r.id().toString(), r.etag(), r.id(), data, r.instant("modifiedon"), r));
	}

	/** The create of {@link #create} as a write, for a caller that batches many. */
	static CrmWrite createWrite(Mapping map, UUID ident, ItemData data) throws ItemRejectedException {
		return CrmWrite.createWithId(map.set, ident, fields(map, data, true));
	}

	private Map<String, Object> fields(ItemData data, boolean create) throws ItemRejectedException {
		return fields(map, data, create);
	}

	private static Map<String, Object> fields(Mapping map, ItemData data, boolean create) throws ItemRejectedException {
		try {
			Map<String, Object> f = map.toCrm(data);
			if (create) {
				f.values().removeIf(java.util.Objects::isNull);
				map.onCreate(f, data);
			}
			return f;
		} catch (RuntimeException e) {
			throw new ItemRejectedException(map.describe(data) + " cannot be written to the CRM: " + e.getMessage(), e);
		}
	}

	@Override
	public org.liaison.api.sync.WriteResult create(UUID ident, ItemData data) throws SyncException {
		CrmWrite write = createWrite(map, ident, data);
		try {
			CrmRecord r = client.write(write, List.of(map.key));
			return new org.liaison.api.sync.WriteResult(ident.toString(), r.etag());
		} catch (CrmException e) {
			if (e.kind() == CrmException.Kind.PRECONDITION_FAILED) {
				String etag = null;
				try {
					etag = client.retrieve(map.set, ident, CrmQuery.select(map.key)).etag();
				} catch (CrmException gone) {
					// it existed a moment ago; report what we know
				}
				throw new AlreadyExistsException(map.describe(data) + " exists in the CRM already as " + map.set + "("
						+ ident + "); not created twice", new ItemVersion(ident.toString(), etag == null ? "" : etag));
			}
			throw sync(e, "creating " + map.describe(data) + " in the CRM failed");
		}
	}

	@Override
	public org.liaison.api.sync.WriteResult update(RemoteItem current, ItemData data) throws SyncException {
		Map<String, Object> f = fields(data, false);
		UUID id = UUID.fromString(current.href());
		try {
			CrmRecord r = client.write(CrmWrite.update(map.set, id, f, current.version()), List.of(map.key));
			return new org.liaison.api.sync.WriteResult(current.href(), r.etag());
		} catch (CrmException e) {
			if (e.kind() == CrmException.Kind.PRECONDITION_FAILED) {
				throw new PreconditionFailedException("412: " + map.describe(current.data())
						+ " was changed in the CRM since the last sync", e);
			}
			if (e.kind() == CrmException.Kind.NOT_FOUND) {
				throw new NotFoundException("404: " + map.describe(current.data()) + " was deleted in the CRM", e);
			}
			throw sync(e, "updating " + map.describe(data) + " in the CRM failed");
		}
	}

	@Override
	public void delete(String href, String version) throws SyncException {
		try {
			client.write(CrmWrite.delete(map.set, UUID.fromString(href), version), null);
		} catch (CrmException e) {
			if (e.kind() == CrmException.Kind.NOT_FOUND) {
				return;
			}
			if (e.kind() == CrmException.Kind.PRECONDITION_FAILED) {
				throw new PreconditionFailedException("412: the " + map.logical + " " + href
						+ " was changed in the CRM since the last sync; not deleted", e);
			}
			throw sync(e, "deleting the " + map.logical + " " + href + " in the CRM failed");
		}
	}

	@Override
	public Map<String, Removal> whyGone(List<String> hrefs) throws SyncException {
		Map<String, Removal> out = new LinkedHashMap<>();
		try {
			for (int from = 0; from < hrefs.size(); from += CHUNK) {
				List<UUID> chunk = new ArrayList<>();
				for (String h : hrefs.subList(from, Math.min(hrefs.size(), from + CHUNK))) {
					chunk.add(UUID.fromString(h));
				}
				Set<UUID> exist = new LinkedHashSet<>();
				client.queryAll(map.set, CrmQuery.select(map.key).filter(idFilter(chunk)), r -> exist.add(r.id()), null);
				for (UUID id : chunk) {
					Removal why = Removal.DELETED;
					if (exist.contains(id)) {
						why = Removal.LEFT_SCOPE;
					} else {
						try {
							client.retrieve(map.set, id, CrmQuery.select(map.key));
							why = Removal.LEFT_SCOPE;
						} catch (CrmException e) {
							if (e.kind() == CrmException.Kind.FORBIDDEN) {
								why = Removal.LEFT_SCOPE; // it exists, the user may no longer read it
							} else if (e.kind() != CrmException.Kind.NOT_FOUND) {
								throw e;
							}
						}
					}
					out.put(id.toString(), why);
				}
			}
		} catch (CrmException e) {
			throw sync(e, null);
		}
		return out;
	}
}
