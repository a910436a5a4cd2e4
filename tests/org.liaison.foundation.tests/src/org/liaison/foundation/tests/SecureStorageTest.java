package org.liaison.foundation.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liaison.api.security.SecretStore;
import org.liaison.testing.Osgi;
import org.liaison.testing.TestHome;
import org.liaison.testing.TestPasswords;

/** Secrets go to Eclipse secure storage, encrypted: the file never holds them in clear. */
class SecureStorageTest {

	@BeforeAll
	static void unlock() {
		TestPasswords.unlockSecureStorage();
	}

	@Test
	void secretRoundTripsAndIsNotInTheFileInClear() throws Exception {
		SecretStore secrets = Osgi.service(SecretStore.class);
		char[] value = TestPasswords.random().toCharArray();
		secrets.put("profiles/foundation/imap/password", value);
		assertArrayEquals(value, secrets.get("profiles/foundation/imap/password").orElseThrow());

		Path file = TestHome.get().resolve("secure_storage");
		assertTrue(Files.exists(file));
		String raw = Files.readString(file, StandardCharsets.ISO_8859_1);
		assertFalse(raw.contains(new String(value)), "the secret is encrypted on disk");

		secrets.remove("profiles/foundation/imap/password");
		assertTrue(secrets.get("profiles/foundation/imap/password").isEmpty());
	}

	@Test
	void generatedSecretIsMadeOnceAndKept() throws Exception {
		SecretStore secrets = Osgi.service(SecretStore.class);
		char[] first = secrets.getOrCreate("profiles/foundation/db/bootPassword", 32);
		assertEquals(32, first.length);
		assertArrayEquals(first, secrets.getOrCreate("profiles/foundation/db/bootPassword", 32));
	}
}
