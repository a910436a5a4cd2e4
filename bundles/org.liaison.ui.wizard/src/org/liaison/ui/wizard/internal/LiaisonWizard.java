package org.liaison.ui.wizard.internal;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.ProgressMonitorWrapper;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.wizard.IWizardPage;
import org.eclipse.jface.wizard.Wizard;
import org.eclipse.swt.widgets.Shell;
import org.liaison.api.profile.Profile;
import org.liaison.api.security.SecretStore;
import org.liaison.api.security.SecretStoreException;
import org.liaison.ui.wizard.ConfigurationWizard;
import org.liaison.ui.wizard.SettingsContext;
import org.liaison.ui.wizard.SettingsPageProvider;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The configuration wizard: one page per {@link SettingsPageProvider} service, in their order. Pages
 * save into one settings map as the user moves on; typed secrets are kept in memory and put in secure
 * storage under the profile's keys when a page needs to sign in (then taken back out on Cancel) and
 * on Finish, which writes the profile file.
 */
final class LiaisonWizard extends Wizard {

	private final BundleContext bundle;
	private final Path existing;
	private final Map<String, String> initial;
	private final Map<String, String> settings;
	private final Map<String, char[]> typed = new HashMap<>();
	/** Secret keys this wizard wrote, with what was there before (null: nothing), for Cancel. */
	private final Map<String, char[]> written = new LinkedHashMap<>();
	private final Map<String, Object> shared = new HashMap<>();
	private final List<SettingsPageProvider> providers;
	private ConfigurationWizard.Result result;
	private ProviderPage shownPage;

	LiaisonWizard(BundleContext bundle, List<SettingsPageProvider> providers, Path existing) throws IOException {
		this.bundle = bundle;
		this.providers = order(providers);
		this.existing = existing;
		this.initial = existing == null ? new TreeMap<>() : ProfileFiles.read(existing);
		if (existing != null && !initial.containsKey("name")) {
			initial.put("name", existing.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
		}
		this.settings = new TreeMap<>(initial);
		setWindowTitle(existing == null ? "Set up Liaison" : "Liaison settings: " + initial.get("name"));
		setNeedsProgressMonitor(true);
		setHelpAvailable(false);
	}

	/** Providers by order, each moved after the page it depends on. */
	static List<SettingsPageProvider> order(List<SettingsPageProvider> in) {
		List<SettingsPageProvider> sorted = new ArrayList<>(in);
		sorted.sort((a, b) -> a.order() != b.order() ? Integer.compare(a.order(), b.order()) : a.id().compareTo(b.id()));
		List<SettingsPageProvider> out = new ArrayList<>();
		Set<String> placed = new LinkedHashSet<>();
		List<SettingsPageProvider> waiting = new ArrayList<>();
		for (SettingsPageProvider p : sorted) {
			if (p.dependsOn() == null || placed.contains(p.dependsOn())
					|| sorted.stream().noneMatch(q -> q.id().equals(p.dependsOn()))) {
				out.add(p);
				placed.add(p.id());
				// pages that waited for this one follow it
				for (boolean moved = true; moved;) {
					moved = false;
					for (SettingsPageProvider w : List.copyOf(waiting)) {
						if (placed.contains(w.dependsOn())) {
							out.add(w);
							placed.add(w.id());
							waiting.remove(w);
							moved = true;
						}
					}
				}
			} else {
				waiting.add(p);
			}
		}
		out.addAll(waiting);
		return out;
	}

	@Override
	public void addPages() {
		for (SettingsPageProvider p : providers) {
			addPage(new ProviderPage(p, this));
		}
	}

	Path existing() {
		return existing;
	}

	Map<String, String> initialSettings() {
		return Collections.unmodifiableMap(new TreeMap<>(initial));
	}

	Map<String, String> settings() {
		return Collections.unmodifiableMap(settings);
	}

	/** The map pages save into: empty values remove keys. */
	Map<String, String> settingsForSave() {
		return new java.util.AbstractMap<>() {
			@Override
			public String put(String key, String value) {
				return value == null || value.isBlank() ? settings.remove(key) : settings.put(key, value.trim());
			}

			@Override
			public String remove(Object key) {
				return settings.remove(key);
			}

			@Override
			public Set<Entry<String, String>> entrySet() {
				return settings.entrySet();
			}
		};
	}

	/** A page is about to be shown: the one shown so far saves its input into the settings. */
	void entering(ProviderPage page) {
		if (shownPage != null && shownPage != page) {
			shownPage.page.save(settingsForSave());
		}
		shownPage = page;
	}

	ConfigurationWizard.Result result() {
		return result;
	}

	SettingsContext contextFor(ProviderPage page) {
		return new SettingsContext() {
			@Override
			public void changed() {
				page.update();
				if (getContainer() != null && getContainer().getCurrentPage() != null) {
					getContainer().updateButtons();
					getContainer().updateMessage();
				}
			}

			@Override
			public Map<String, String> settings() {
				return LiaisonWizard.this.settings();
			}

			@Override
			public void secret(String which, char[] value) {
				char[] old = value == null || value.length == 0 ? typed.remove(which) : typed.put(which, value.clone());
				if (old != null) {
					Arrays.fill(old, '\0');
				}
			}

			@Override
			public boolean hasSecret(String which) {
				if (typed.containsKey(which)) {
					return true;
				}
				String name = settings.get("name");
				if (existing == null || name == null) {
					return false;
				}
				SecretStore store = service(SecretStore.class);
				try {
					return store != null && store.get(secretKey(name, target(which, settings))).isPresent();
				} catch (SecretStoreException e) {
					return false;
				}
			}

			@Override
			public Profile profile(Map<String, String> pending) throws IOException {
				Map<String, String> s = new TreeMap<>(settings);
				pending.forEach((k, v) -> {
					if (v == null || v.isBlank()) {
						s.remove(k);
					} else {
						s.put(k, v.trim());
					}
				});
				Profile p;
				try {
					p = ProfileFiles.parse(s);
				} catch (IllegalArgumentException e) {
					throw new IOException(e.getMessage(), e);
				}
				try {
					storeTyped(p.name(), s);
				} catch (SecretStoreException e) {
					throw new IOException("secure storage: " + e.getMessage(), e);
				}
				return p;
			}

			@Override
			public <T> T run(String task, Work<T> work) throws InvocationTargetException, InterruptedException {
				return runAsJob(task, work);
			}

			@Override
			public <S> S service(Class<S> type) {
				return LiaisonWizard.this.service(type);
			}

			@Override
			public Shell shell() {
				return getShell();
			}

			@Override
			public Map<String, Object> shared() {
				return shared;
			}
		};
	}

	/**
	 * Runs remote work as an Eclipse Job (so it shows in the workbench's progress as well), while the
	 * wizard shows its progress and Cancel button and keeps the UI thread free; Cancel cancels the job.
	 */
	<T> T runAsJob(String task, SettingsContext.Work<T> work) throws InvocationTargetException, InterruptedException {
		AtomicReference<T> out = new AtomicReference<>();
		AtomicReference<Exception> failed = new AtomicReference<>();
		getContainer().run(true, true, monitor -> {
			monitor.beginTask(task, IProgressMonitor.UNKNOWN);
			Job job = Job.create(task, jobMonitor -> {
				try {
					out.set(work.run(new ProgressMonitorWrapper(monitor) {
						@Override
						public boolean isCanceled() {
							return super.isCanceled() || jobMonitor.isCanceled();
						}
					}));
				} catch (Exception e) {
					failed.set(e);
				}
				return Status.OK_STATUS;
			});
			job.setSystem(false);
			job.schedule();
			try {
				while (!job.join(100, null)) {
					if (monitor.isCanceled()) {
						job.cancel();
					}
				}
			} catch (OperationCanceledException e) {
				throw new InterruptedException(task + ": cancelled");
			} finally {
				monitor.done();
			}
			Exception e = failed.get();
			if (e instanceof InterruptedException || e != null && monitor.isCanceled()) {
				throw new InterruptedException(task + ": cancelled");
			}
			if (e != null) {
				throw new InvocationTargetException(e);
			}
		});
		return out.get();
	}

	<S> S service(Class<S> type) {
		ServiceReference<S> r = bundle.getServiceReference(type);
		return r == null ? null : bundle.getService(r);
	}

	/** The secure-storage key of a secret: the synchronizing organization's is {@code crm}. */
	static String secretKey(String profile, String which) {
		return "profiles/" + profile + "/" + which + "/password";
	}

	/** Where a typed secret goes: the synchronizing organization's ({@code org-ID} of {@code crm.org}) is {@code crm}. */
	private static String target(String which, Map<String, String> s) {
		return which.equals("org-" + s.getOrDefault("crm.org", "main")) ? "crm" : which;
	}

	/** Puts the typed secrets into secure storage under the profile's keys, remembering what was there. */
	private void storeTyped(String profile, Map<String, String> s) throws SecretStoreException {
		SecretStore store = service(SecretStore.class);
		if (store == null) {
			throw new SecretStoreException("no secure storage service", null);
		}
		for (Map.Entry<String, char[]> e : typed.entrySet()) {
			put(store, secretKey(profile, target(e.getKey(), s)), e.getValue());
		}
	}

	private void put(SecretStore store, String key, char[] value) throws SecretStoreException {
		if (!written.containsKey(key)) {
			written.put(key, store.get(key).orElse(null));
		}
		store.put(key, value);
	}

	/**
	 * When another organization became the synchronizing one, its saved password moves to the
	 * {@code crm} key and the old one's to its {@code org-ID} key (typed passwords then go on top).
	 */
	private void swapOrganizations(String profile, Map<String, String> s) throws SecretStoreException {
		String before = initial.containsKey("crm.url") ? initial.getOrDefault("crm.org", "main") : null;
		String now = s.get("crm.org");
		SecretStore store = service(SecretStore.class);
		if (existing == null || before == null || now == null || before.equals(now) || store == null) {
			return;
		}
		char[] oldCrm = store.get(secretKey(profile, "crm")).orElse(null);
		char[] newCrm = store.get(secretKey(profile, "org-" + now)).orElse(null);
		if (oldCrm != null) {
			put(store, secretKey(profile, "org-" + before), oldCrm);
		}
		if (newCrm != null) {
			put(store, secretKey(profile, "crm"), newCrm);
		}
	}

	@Override
	public boolean canFinish() {
		for (IWizardPage p : getPages()) {
			if (!p.isPageComplete()) {
				return false;
			}
		}
		// a new profile is finished from the summary (its dry run); a changed one from any page
		return existing != null || getContainer().getCurrentPage() == getPages()[getPageCount() - 1];
	}

	@Override
	public boolean performFinish() {
		for (IWizardPage p : getPages()) {
			ProviderPage page = (ProviderPage) p;
			if (page.created()) {
				page.page.save(settingsForSave());
			}
		}
		boolean reconnect = false;
		for (IWizardPage p : getPages()) {
			reconnect |= ((ProviderPage) p).page.isReconnectionRequired();
		}
		Map<String, String> s = new TreeMap<>(settings);
		Path file;
		try {
			Profile p = ProfileFiles.parse(s);
			file = existing != null ? existing : ProfileFiles.fileOf(p.name());
			if (existing == null && Files.exists(file)) {
				throw new IOException("a profile called " + p.name() + " exists already: " + file);
			}
			swapOrganizations(p.name(), s);
			storeTyped(p.name(), s);
			// secrets written under another name on the way (the name changed later) are taken back
			for (String key : List.copyOf(written.keySet())) {
				if (!key.startsWith("profiles/" + p.name() + "/")) {
					restore(key);
				}
			}
			ProfileFiles.write(file, s);
		} catch (IOException | SecretStoreException | IllegalArgumentException e) {
			MessageDialog.openError(getShell(), "Cannot save the profile", e.getMessage());
			return false;
		}
		written.clear();
		wipeTyped();
		result = new ConfigurationWizard.Result(file, Boolean.TRUE.equals(shared.get(ConfigurationWizard.TAKE_OVER)),
				reconnect);
		return true;
	}

	@Override
	public boolean performCancel() {
		for (String key : List.copyOf(written.keySet())) {
			restore(key);
		}
		wipeTyped();
		return true;
	}

	private void restore(String key) {
		char[] before = written.remove(key);
		SecretStore store = service(SecretStore.class);
		if (store == null) {
			return;
		}
		try {
			if (before == null) {
				store.remove(key);
			} else {
				store.put(key, before);
			}
		} catch (SecretStoreException e) {
			// nothing better to do on the way out
		}
	}

	private void wipeTyped() {
		typed.values().forEach(v -> Arrays.fill(v, '\0'));
		typed.clear();
	}
}
