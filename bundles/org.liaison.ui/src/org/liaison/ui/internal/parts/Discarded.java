package org.liaison.ui.internal.parts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.liaison.api.env.LiaisonHome;
import org.liaison.api.profile.Profile;
import org.liaison.api.store.QuarantineEntry;

/**
 * Quarantined items the user discarded: no longer shown. The entry and its raw text stay in the
 * store (nothing is lost) and the item stays out of sync at that version; when it changes on its
 * side it is tried again, as any quarantined item is. One line per entry in
 * {@code profiles/NAME/ui/discarded-quarantine}.
 */
final class Discarded {

	private Discarded() {
	}

	private static Path file(Profile p) {
		return LiaisonHome.resolve("profiles", p.name(), "ui", "discarded-quarantine");
	}

	private static String key(QuarantineEntry q) {
		return q.pairId() + "\t" + q.side() + "\t" + q.href() + "\t" + q.version();
	}

	static synchronized void add(Profile p, QuarantineEntry q) throws IOException {
		Path f = file(p);
		Files.createDirectories(f.getParent());
		Files.writeString(f, key(q) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
				StandardOpenOption.APPEND);
	}

	static synchronized boolean contains(Profile p, QuarantineEntry q) throws IOException {
		Path f = file(p);
		return Files.isRegularFile(f) && Files.readAllLines(f, StandardCharsets.UTF_8).contains(key(q));
	}
}
