package org.liaison.testing.contract;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

import org.liaison.api.model.ActivityParty;
import org.liaison.api.model.Appointment;
import org.liaison.api.model.Contact;
import org.liaison.api.model.EmailMessage;
import org.liaison.api.model.ItemData;
import org.liaison.api.model.ItemKind;
import org.liaison.api.model.ParticipationType;
import org.liaison.api.model.Task;

/** Plain sample content per item kind, built through the domain records. */
public final class Samples {

	private Samples() {
	}

	public static ItemData of(ItemKind kind, int n) {
		return switch (kind) {
			case CONTACT -> Contact.of("First" + n, "Last" + n, "person" + n + "@example.org").toData();
			case APPOINTMENT -> Appointment.single("uid-" + n + "@liaison.test", "Meeting " + n,
					LocalDateTime.of(2026, 3, 1 + n % 28, 9, 0), LocalDateTime.of(2026, 3, 1 + n % 28, 10, 0),
					ZoneId.of("Europe/Berlin")).toData();
			case TASK -> Task.of("task-" + n + "@liaison.test", "Task " + n, LocalDateTime.of(2026, 4, 1 + n % 28, 17, 0))
					.toData();
			case EMAIL -> new EmailMessage("<m" + n + "@liaison.test>", null, List.of(), "Message " + n,
					List.of(ActivityParty.of(ParticipationType.SENDER, "from" + n + "@example.org"),
							ActivityParty.of(ParticipationType.TO, "to" + n + "@example.org")),
					java.time.Instant.parse("2026-01-01T10:00:00Z").plusSeconds(n), "Body " + n, null, null, null,
					null, false, null, null, null).toData();
		};
	}

	/** Changes the subject (or, for a contact, the job title) to a value naming {@code n}. */
	public static ItemData edited(ItemData data, int n) {
		String field = data.kind() == ItemKind.CONTACT ? Contact.JOB_TITLE : "subject";
		return data.with(field, "edited " + n);
	}
}
