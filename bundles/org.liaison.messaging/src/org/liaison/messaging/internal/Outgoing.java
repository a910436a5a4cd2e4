package org.liaison.messaging.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.core.runtime.IProgressMonitor;
import org.liaison.api.crm.CrmClient;
import org.liaison.api.crm.CrmException;
import org.liaison.api.crm.CrmPage;
import org.liaison.api.crm.CrmQuery;
import org.liaison.api.crm.CrmRecord;
import org.liaison.api.crm.CrmWrite;
import org.liaison.api.mail.MailException;
import org.liaison.api.mail.Mailbox;
import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.ParticipationType;
import org.liaison.api.model.TrackingState;

/**
 * Outgoing CRM email: emails the user owns and marked to send (status "Pending Send") go out through
 * the user's own SMTP from the synchronizing client, then their CRM status becomes "Sent".
 *
 * <p>Handing a message to an SMTP server cannot be repeated safely, so it is sent at most once:
 * before the hand-over the CRM email gets its Message-ID and the status "Sending" (conditional on its
 * ETag, so two runs never both send it); after it, the copy is filed in Sent and the status becomes
 * "Sent". A run that finds an email still "Sending" (the run before stopped in between) looks for the
 * copy in Sent: found, the email went out and is marked Sent; not found, nobody can tell whether the
 * server took it, and rather than risk sending it twice the email is marked "Failed" with a reason
 * that says so, for the user to check and send again.
 */
final class Outgoing {

	static final int PENDING_SEND = 6;
	static final int SENDING = 7;
	static final int SENT = 3;
	static final int FAILED = 8;

	private Outgoing() {
	}

	/** Sends what is pending; returns {sent, failed}; problems are added to {@code problems}. */
	static int[] send(CrmClient crm, Mailbox mailbox, UUID user, boolean dryRun, List<String> problems,
			IProgressMonitor monitor) throws CrmException {
		// statuscode tells an email a run stopped handing over (Sending) from one marked to send
		CrmPage page = crm.query("emails", CrmQuery.select("activityid", "subject", "description", "liaison_bodyhtml",
				"messageid", "inreplyto", "statuscode").expand("email_activity_parties").filter("_ownerid_value eq " + user
						+ " and (statuscode eq " + PENDING_SEND + " or statuscode eq " + SENDING + ") and directioncode eq true"));
		List<CrmRecord> pending = new ArrayList<>(page.records());
		while (page.nextLink() != null) {
			page = crm.next(page);
			pending.addAll(page.records());
		}
		int sent = 0;
		int failed = 0;
		String sentFolder = mailbox.account().sentFolder();
		if (!pending.isEmpty() && !dryRun && sentFolder != null) {
			ensureFolder(mailbox, sentFolder, problems);
		}
		for (CrmRecord r : pending) {
			if (monitor.isCanceled()) {
				break;
			}
			monitor.subTask("Sending '" + r.string("subject") + "'");
			boolean interrupted = Integer.valueOf(SENDING).equals(r.integer("statuscode"));
			if (dryRun) {
				if (!interrupted) {
					sent++;
				}
				continue;
			}
			String messageId = r.string("messageid");
			try {
				boolean already = messageId != null && sentFolder != null
						&& !mailbox.findByMessageId(sentFolder, messageId).isEmpty();
				if (interrupted && !already) {
					failed++;
					String why = "Liaison stopped while handing '" + r.string("subject") + "' to the SMTP server, and"
							+ " no copy is in " + (sentFolder == null ? "a Sent folder" : sentFolder)
							+ ": it may or may not have gone out. It is marked Failed so that it is not sent twice;"
							+ " check with the recipients and mark it to send again if it did not arrive.";
					problems.add(why);
					crm.write(CrmWrite.update("emails", r.id(), Map.of("statecode", 0, "statuscode", FAILED), r.etag()),
							List.of());
					continue;
				}
				if (!already) {
					if (messageId == null) {
						messageId = "<" + r.id() + "@liaison.invalid>";
					}
					Map<String, Object> sending = new LinkedHashMap<>();
					sending.put("messageid", messageId);
					sending.put("statecode", 1);
					sending.put("statuscode", SENDING);
					// If-Match: a run on another computer, or an edit in the CRM, since the query wins
					crm.write(CrmWrite.update("emails", r.id(), sending, r.etag()), List.of());
					mailbox.send(message(r, messageId, mailbox.account().address()), r.id());
				}
				Map<String, Object> done = new LinkedHashMap<>();
				done.put("statecode", 1);
				done.put("statuscode", SENT);
				done.put("senton", Instant.now().toString());
				crm.write(CrmWrite.update("emails", r.id(), done, "*"), List.of());
				sent++;
			} catch (CrmException e) {
				failed++;
				problems.add("the CRM email '" + r.string("subject") + "' was not sent: " + e.getMessage());
				// still Pending Send (or Sending, when only the last write failed): the next run sees to it
			} catch (MailException e) {
				failed++;
				problems.add("the CRM email '" + r.string("subject") + "' could not be sent: " + e.getMessage());
				try {
					crm.write(CrmWrite.update("emails", r.id(), Map.of("statecode", 0, "statuscode", FAILED), "*"),
							List.of());
				} catch (CrmException ignored) {
					// it stays pending and is tried again next run
				}
			}
		}
		return new int[] { sent, failed };
	}

	/** Makes the Sent folder when the mailbox has none yet (a new account). */
	private static void ensureFolder(Mailbox mailbox, String folder, List<String> problems) {
		try {
			if (mailbox.folders().stream().noneMatch(f -> f.name().equalsIgnoreCase(folder))) {
				mailbox.createFolder(folder);
			}
		} catch (MailException e) {
			problems.add("the folder " + folder + " for sent copies could not be made: " + e.getMessage());
		}
	}

	static EmailMessage message(CrmRecord r, String messageId, String from) {
		List<ActivityParty> parties = new ArrayList<>();
		parties.add(ActivityParty.of(ParticipationType.SENDER, from));
		for (Map<String, Object> p : r.list("email_activity_parties")) {
			Object mask = p.get("participationtypemask");
			Object address = p.get("addressused");
			if (!(mask instanceof Number n) || address == null) {
				continue;
			}
			ParticipationType t = ParticipationType.ofMask(n.intValue());
			if (t == ParticipationType.TO || t == ParticipationType.CC || t == ParticipationType.BCC) {
				parties.add(ActivityParty.of(t, address.toString()));
			}
		}
		return new EmailMessage(messageId, r.string("inreplyto"), List.of(), r.string("subject"), parties,
				Instant.now(), r.string("description"), r.string("liaison_bodyhtml"), null, null, null, true,
				TrackingState.TRACKED, null, null);
	}
}
