package org.liaison.testing;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/** Service lookups for tests running inside the OSGi framework. */
public final class Osgi {

	private Osgi() {
	}

	public static BundleContext context() {
		Bundle b = FrameworkUtil.getBundle(Osgi.class);
		if (b == null) {
			throw new IllegalStateException("not running inside OSGi");
		}
		if (b.getBundleContext() == null) {
			try {
				b.start();
			} catch (org.osgi.framework.BundleException e) {
				throw new IllegalStateException(e);
			}
		}
		return b.getBundleContext();
	}

	/** The highest-ranked service of a type, waiting up to 10 s for DS to register it. */
	public static <T> T service(Class<T> type) {
		return service(type, Duration.ofSeconds(10));
	}

	public static <T> T service(Class<T> type, Duration timeout) {
		ServiceTracker<T, T> tracker = new ServiceTracker<>(context(), type, null);
		tracker.open();
		try {
			T s = tracker.waitForService(timeout.toMillis());
			if (s == null) {
				throw new AssertionError("no " + type.getName() + " service within " + timeout
						+ "; is its bundle in the test runtime and started (Bundle-ActivationPolicy: lazy)?");
			}
			return s;
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new AssertionError(e);
		} finally {
			tracker.close();
		}
	}

	/** Registers a service with a ranking; close the registration to take it away again. */
	public static <T> ServiceRegistration<T> register(Class<T> type, T service, int ranking) {
		Dictionary<String, Object> props = new Hashtable<>();
		props.put(org.osgi.framework.Constants.SERVICE_RANKING, ranking);
		return context().registerService(type, service, props);
	}

	/** The installed bundle with this symbolic name, or null. */
	public static Bundle bundle(String symbolicName) {
		for (Bundle b : context().getBundles()) {
			if (symbolicName.equals(b.getSymbolicName())) {
				return b;
			}
		}
		return null;
	}
}
