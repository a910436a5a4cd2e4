package org.liaison.store.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.api.model.Contact;
import org.liaison.api.model.ItemKind;
import org.liaison.api.security.SecretStore;
import org.liaison.api.store.LocalItem;
import org.liaison.api.store.OfflineStore;
import org.liaison.api.store.ProfileStore;
import org.liaison.api.store.StoreException;
import org.liaison.store.derby.DerbyProfileStore;
import org.liaison.store.derby.Schema;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestHome;
import org.liaison.testing.TestPasswords;

/**
 * Each profile's database is encrypted with Derby data encryption; the boot password lives only
 * in secure storage; nothing the user stores is readable in the database files.
 */
class EncryptionAtRestTest {

	@BeforeAll
	static void unlock() {
		TestPasswords.unlockSecureStorage();
	}

	private static boolean anyFileContains(Path dir, String needle) throws IOException {
		byte[] n = needle.getBytes(StandardCharsets.UTF_8);
		try (Stream<Path> files = Files.walk(dir)) {
			for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
				byte[] b = Files.readAllBytes(f);
				String hay = new String(b, StandardCharsets.ISO_8859_1);
				if (hay.contains(new String(n, StandardCharsets.ISO_8859_1))) {
					return true;
				}
				// Derby keeps strings in modified UTF-8 and also in UTF-16 in some pages
				if (hay.contains(String.join("\0", needle.split("")))) {
					return true;
				}
			}
		}
		return false;
	}

	@Test
	void profileDatabase_isEncrypted_withTheBootPasswordOnlyInSecureStorage() throws Exception {
		String profile = "enc" + System.nanoTime();
		String marker = "Zebulon" + UUID.randomUUID().toString().replace("-", "");
		OfflineStore service = Osgi.service(OfflineStore.class);
		try (ProfileStore store = service.open(profile)) {
			store.localPim().ensureCollection("contacts", ItemKind.CONTACT, "Contacts");
			for (int i = 0; i < 50; i++) {
				store.localPim().create("contacts", UUID.randomUUID(), Contact.of(marker, "Last" + i, marker + "@example.org").toData());
			}
		}
		Path dir = TestHome.get().resolve("profiles").resolve(profile).resolve("db");
		assertTrue(DerbyProfileStore.encrypted(dir), "service.properties says dataEncryption=true");
		assertFalse(anyFileContains(dir, marker), "the stored names are not readable in the database files");

		char[] boot = Osgi.service(SecretStore.class).get("profiles/" + profile + "/db/bootPassword").orElseThrow();
		assertEquals(32, boot.length, "a generated boot password is kept in secure storage");
		assertFalse(anyFileContains(TestHome.get(), new String(boot)), "the boot password is in no file in clear");

		try (ProfileStore again = service.open(profile)) {
			assertEquals(50, again.localPim().count("contacts"), "reopening with the kept password finds the data");
		}
	}

	@Test
	void wrongBootPassword_isRefusedWithAClearMessage(@TempDir Path tmp) throws Exception {
		Path dir = tmp.resolve("db");
		try (DerbyProfileStore s = DerbyProfileStore.open("p", dir, TestPasswords.random().toCharArray())) {
			assertEquals(Schema.CURRENT, s.schemaVersion());
		}
		StoreException e = assertThrows(StoreException.class,
				() -> DerbyProfileStore.open("p", dir, TestPasswords.random().toCharArray()));
		assertTrue(e.getMessage().contains("boot password"), e.getMessage());
	}

	@Test
	void unencryptedDatabaseOfAnEarlierLiaison_isEncryptedWhenOpened(@TempDir Path tmp) throws Exception {
		Path dir = tmp.resolve("db");
		// the foundation's store made unencrypted databases at schema version 1
		java.util.Properties p = new java.util.Properties();
		p.setProperty("create", "true");
		try (java.sql.Connection c = org.liaison.store.jdbc.Derby.connect("jdbc:derby:" + dir, p);
				java.sql.Statement s = c.createStatement()) {
			s.executeUpdate("CREATE TABLE LIAISON_SCHEMA (VERSION INT NOT NULL)");
			s.executeUpdate("INSERT INTO LIAISON_SCHEMA VALUES (1)");
		}
		org.liaison.store.jdbc.Derby.shutdown("jdbc:derby:" + dir);
		assertFalse(DerbyProfileStore.encrypted(dir));

		char[] password = TestPasswords.random().toCharArray();
		String marker = "Quintilian" + System.nanoTime();
		try (DerbyProfileStore s = DerbyProfileStore.open("old", dir, password)) {
			assertEquals(Schema.CURRENT, s.schemaVersion(), "migrated from version 1");
			s.localPim().ensureCollection("c", ItemKind.CONTACT, null);
			LocalItem it = s.localPim().create("c", UUID.randomUUID(), Contact.of(marker, "X", null).toData());
			assertEquals(List.of(it), s.localPim().get("c", List.of(it.href())));
		}
		assertTrue(DerbyProfileStore.encrypted(dir), "encrypted on first open");
		assertFalse(anyFileContains(dir, marker));
		assertTrue(Instant.now() != null);
	}
}
