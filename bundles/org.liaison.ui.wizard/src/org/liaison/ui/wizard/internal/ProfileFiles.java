package org.liaison.ui.wizard.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.liaison.api.env.LiaisonHome;
import org.liaison.api.profile.Profile;

/**
 * Reads and writes profile files (docs/profile.md): sorted keys, no secret ever (a key naming a
 * password or secret is refused, as {@link Profile#parse} refuses it), written atomically.
 */
public final class ProfileFiles {

	private ProfileFiles() {
	}

	/** Where the wizard keeps the profiles it makes: {@code $LIAISON_HOME/profiles}. */
	public static Path folder() {
		return LiaisonHome.resolve("profiles");
	}

	/** The system property naming the desktop's profile file (the desktop's Session reads the same). */
	public static final String PROFILE_PROPERTY = "liaison.profile";

	/**
	 * The desktop's profile file: the one given by {@value #PROFILE_PROPERTY} ({@code ./liaison demo}
	 * passes it), else the first in {@link #folder()}, else null.
	 */
	public static Path current() {
		String given = System.getProperty(PROFILE_PROPERTY);
		if (given != null && !given.isBlank()) {
			return Path.of(given.trim());
		}
		Path dir = folder();
		if (!Files.isDirectory(dir)) {
			return null;
		}
		try (java.util.stream.Stream<Path> files = Files.list(dir)) {
			return files.filter(f -> f.getFileName().toString().endsWith(".properties")).sorted().findFirst()
					.orElse(null);
		} catch (IOException e) {
			return null;
		}
	}

	/**
	 * Whether the desktop should open the wizard at start: no profile was given, and the desktop's
	 * profile is missing or has no CRM organization. {@code -Dliaison.wizard.first-start=false} turns it off.
	 */
	public static boolean firstStart() {
		if ("false".equals(System.getProperty("liaison.wizard.first-start"))) {
			return false;
		}
		String given = System.getProperty(PROFILE_PROPERTY);
		if (given != null && !given.isBlank()) {
			return false;
		}
		Path file = current();
		try {
			return file == null || !Files.exists(file) || read(file).get("crm.url") == null;
		} catch (IOException e) {
			return false; // a profile that cannot be read is reported by the desktop, not papered over
		}
	}

	/** The file of a new profile called {@code name}. */
	public static Path fileOf(String name) {
		return folder().resolve(name + ".properties");
	}

	public static Map<String, String> read(Path file) throws IOException {
		Properties p = new Properties();
		try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			p.load(r);
		}
		Map<String, String> out = new TreeMap<>();
		for (String k : p.stringPropertyNames()) {
			out.put(k, p.getProperty(k).trim());
		}
		return out;
	}

	/** The profile the settings make (checked exactly as a profile file is when it is read). */
	public static Profile parse(Map<String, String> settings) {
		Properties p = new Properties();
		clean(settings).forEach(p::setProperty);
		return Profile.parse(p, settings.getOrDefault("name", "profile"));
	}

	/** Writes the settings as a profile file, atomically; empty values are left out. */
	public static void write(Path file, Map<String, String> settings) throws IOException {
		Map<String, String> clean = clean(settings);
		parse(clean); // refuses secrets and what is not a profile before anything is written
		StringWriter text = new StringWriter();
		text.write("# Liaison profile, written by the configuration wizard (docs/profile.md). No secrets here:\n");
		text.write("# passwords are in Eclipse secure storage.\n");
		for (Map.Entry<String, String> e : clean.entrySet()) {
			text.write(escape(e.getKey(), true) + " = " + escape(e.getValue(), false) + "\n");
		}
		Files.createDirectories(file.toAbsolutePath().getParent());
		Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
		try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
			w.write(text.toString());
		}
		Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	static Map<String, String> clean(Map<String, String> settings) {
		Map<String, String> out = new TreeMap<>();
		settings.forEach((k, v) -> {
			if (v != null && !v.isBlank()) {
				String lk = k.toLowerCase(Locale.ROOT);
				if (lk.endsWith("password") || lk.endsWith("secret")) {
					throw new IllegalArgumentException("a profile file holds no secret (" + k + ")");
				}
				out.put(k, v.trim());
			}
		});
		return out;
	}

	/** Properties-file escaping of a key or value (as {@link Properties#store} does, without its date line). */
	static String escape(String s, boolean key) {
		StringBuilder b = new StringBuilder();
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '\\' -> b.append("\\\\");
				case '\n' -> b.append("\\n");
				case '\r' -> b.append("\\r");
				case '\t' -> b.append("\\t");
				case '=', ':', '#', '!' -> b.append(key ? "\\" + c : String.valueOf(c));
				case ' ' -> b.append(key || i == 0 ? "\\ " : " ");
				default -> {
					if (c < 0x20 || c > 0x7e) {
						b.append(String.format("\\u%04x", (int) c));
					} else {
						b.append(c);
					}
				}
			}
		}
		return b.toString();
	}
}
