package org.liaison.messaging.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.env.LiaisonHome;
import org.liaison.api.messaging.InstanceStatus;
import org.liaison.api.model.Idents;
import org.liaison.api.profile.Profile;

/**
 * The reference product's rules of the synchronizing client, kept in the CRM: each user has one
 * synchronizing client instance (a {@code liaison_clientinstances} record), and one mailbox record
 * whose address no other user's mailbox has, and whose delivery methods say this client syncs it.
 */
final class InstanceRules {

	static final String INSTANCES = "liaison_clientinstances";
	static final String MAILBOXES = "mailboxes";

	private InstanceRules() {
	}

	/** This installation's id, made once and kept in Liaison's home (it is not a secret). */
	static synchronized UUID installationId() throws IOException {
		Path file = LiaisonHome.resolve("installation-id");
		if (Files.exists(file)) {
			return UUID.fromString(Files.readString(file, StandardCharsets.US_ASCII).trim());
		}
		UUID id = UUID.randomUUID();
		Files.createDirectories(file.getParent());
		Path tmp = file.resolveSibling("installation-id.tmp");
		Files.writeString(tmp, id.toString(), StandardCharsets.US_ASCII);
		Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
		return id;
	}

	/** The id of this installation's instance record for one user (one record per user and installation). */
	static UUID instanceId(UUID installation, UUID user) {
		return Idents.nameBased("client-instance:" + installation + ":" + user);
	}

	static String machine() {
		try {
			return InetAddress.getLocalHost().getHostName();
		} catch (IOException e) {
			return "unknown";
		}
	}

	/**
	 * Decides whether this installation syncs the user's messaging data, registering it in the CRM
	 * (unless {@code dryRun}): the first instance becomes the synchronizing one; another instance takes
	 * over only when the user said so ({@code takeOver}), in one atomic change set.
	 */
	/**
	 * The verdict for a profile that says {@code sync.enabled=false}: the user kept another computer as
	 * the synchronizing client (the wizard's question), so this one syncs nothing and does not ask.
	 */
	static InstanceStatus disabled(Profile profile) {
		return new InstanceStatus(null, false, null, "Messaging sync is off on this computer: profile " + profile.name()
				+ " has sync.enabled=false (another computer is your synchronizing client). Nothing was synced; the CRM"
				+ " and Go Offline still work here. To sync on this computer, make it the synchronizing client in"
				+ " File > Configure Liaison... or set sync.enabled=true in the profile.");
	}

	static InstanceStatus check(CrmClient crm, UUID user, String profile, boolean takeOver, boolean dryRun)
			throws CrmException, IOException {
		UUID mine = instanceId(installationId(), user);
		CrmRecord other = null;
		boolean iAmSynchronizing = false;
		for (CrmRecord r : crm.query(INSTANCES, CrmQuery
				.select("liaison_clientinstanceid", "liaison_name", "liaison_machine", "liaison_issynchronizing")
				.filter("_ownerid_value eq " + user)).records()) {
			if (Boolean.TRUE.equals(r.bool("liaison_issynchronizing"))) {
				if (r.id().equals(mine)) {
					iAmSynchronizing = true;
				} else {
					other = r;
				}
			}
		}
		Map<String, Object> me = new LinkedHashMap<>();
		me.put("liaison_name", machine() + " (" + profile + ")");
		me.put("liaison_machine", machine());
		me.put("liaison_clientversion", "Liaison 0.1");
		me.put("liaison_lastseen", Instant.now().toString());
		String id = mine.toString();
		if (other != null && !takeOver) {
			if (!dryRun) {
				me.put("liaison_issynchronizing", false);
				crm.write(CrmWrite.upsert(INSTANCES, mine, me), List.of());
			}
			String name = other.string("liaison_name");
			return new InstanceStatus(id, false, name, "This computer is not the synchronizing client: '" + name
					+ "' is. It still works with the CRM but syncs no messaging data; say yes to the take-over question"
					+ " (./liaison sync --take-over) to make this computer the synchronizing client.");
		}
		if (!dryRun) {
			me.put("liaison_issynchronizing", true);
			List<CrmWrite> writes = new ArrayList<>();
			if (other != null) {
				writes.add(CrmWrite.update(INSTANCES, other.id(), Map.of("liaison_issynchronizing", false), "*"));
			}
			writes.add(CrmWrite.upsert(INSTANCES, mine, me));
			if (writes.size() == 1) {
				crm.write(writes.get(0), List.of());
			} else {
				for (CrmClient.BatchResult r : crm.batch(writes, true)) {
					if (!r.ok()) {
						throw r.error();
					}
				}
			}
		}
		String msg = other != null ? "This computer took over as the synchronizing client from '"
				+ other.string("liaison_name") + "'."
				: iAmSynchronizing ? "This computer is the synchronizing client." : "This computer is now the synchronizing client.";
		return new InstanceStatus(id, true, other == null ? null : other.string("liaison_name"), msg);
	}

	/**
	 * Makes the user's mailbox record say that this client syncs it, with the profile's address. The
	 * CRM refuses an address that another user's mailbox has; that refusal reaches the user as is.
	 */
	static void claimMailbox(CrmClient crm, UUID user, String address, UUID instance) throws CrmException {
		Map<String, Object> f = new LinkedHashMap<>();
		f.put("emailaddress", address.toLowerCase(Locale.ROOT));
		f.put("incomingemaildeliverymethod", 1);
		f.put("outgoingemaildeliverymethod", 1);
		f.put("actdeliverymethod", 0);
		f.put("liaison_clientinstanceid@odata.bind", "/" + INSTANCES + "(" + instance + ")");
		List<CrmRecord> mine = crm.query(MAILBOXES, CrmQuery.select("mailboxid", "emailaddress",
				"incomingemaildeliverymethod", "outgoingemaildeliverymethod", "actdeliverymethod", "_liaison_clientinstanceid_value")
				.filter("_regardingobjectid_value eq " + user)).records();
		if (mine.isEmpty()) {
			f.put("name", address);
			f.put("regardingobjectid@odata.bind", "/systemusers(" + user + ")");
			crm.write(CrmWrite.create(MAILBOXES, f), List.of());
			return;
		}
		CrmRecord m = mine.get(0);
		boolean same = address.equalsIgnoreCase(String.valueOf(m.string("emailaddress")))
				&& Integer.valueOf(1).equals(m.integer("incomingemaildeliverymethod"))
				&& Integer.valueOf(1).equals(m.integer("outgoingemaildeliverymethod"))
				&& Integer.valueOf(0).equals(m.integer("actdeliverymethod"))
				&& instance.equals(m.lookup("liaison_clientinstanceid"));
		if (!same) {
			crm.write(CrmWrite.update(MAILBOXES, m.id(), f, m.etag()), List.of());
		}
	}
}
