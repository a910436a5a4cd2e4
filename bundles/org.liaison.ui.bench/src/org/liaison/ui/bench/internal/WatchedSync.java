package org.liaison.ui.bench.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.e4.ui.internal.workbench.E4Workbench;
import org.eclipse.e4.ui.internal.workbench.swt.E4Application;
import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.liaison.api.messaging.MessagingReport;
import org.liaison.ui.internal.Session;
import org.osgi.framework.Bundle;

/**
 * Runs Liaison's workbench in this process on the demo profile, starts a sync from it (the scheduler's
 * Job, as F9 does), opens every view in turn while the sync runs, and meanwhile a watchdog thread
 * posts an empty runnable to the UI thread every 5 ms and records how long each waited to run.
 */
final class WatchedSync {

	static final String[] PARTS = { "mail", "contacts", "calendar", "tasks", "crm", "sync" };

	record Result(double syncSeconds, int pings, double median, double p99, double max, int over,
			MessagingReport report, String problem, long gcMillis, List<String> culprits,
			Map<String, Double> firstOpen) {
	}

	private WatchedSync() {
	}

	/** Where the UI thread is: the first frame and the first Liaison frames. */
	static String where(Thread ui) {
		StringBuilder b = new StringBuilder();
		int n = 0;
		for (StackTraceElement e : ui.getStackTrace()) {
			String c = e.getClassName();
			if (n == 0 || c.startsWith("org.liaison")) {
				b.append(b.length() == 0 ? "" : " < ").append(c.substring(c.lastIndexOf('.') + 1)).append('.')
						.append(e.getMethodName());
				if (++n == 3) {
					break;
				}
			}
		}
		return b.toString();
	}

	static long gcMillis() {
		long t = 0;
		for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			t += Math.max(0, gc.getCollectionTime());
		}
		return t;
	}

	static Result run(IProgressMonitor monitor) throws Exception {
		Display display = Display.getDefault();
		E4Workbench workbench = new E4Application().createE4Workbench(new Context(), display);
		MApplication app = workbench.getApplication();
		List<Double> waits = Collections.synchronizedList(new ArrayList<>());
		Map<String, Integer> culprits = new ConcurrentHashMap<>();
		Map<String, Double> firstOpen = Collections.synchronizedMap(new LinkedHashMap<>());
		AtomicBoolean watching = new AtomicBoolean();
		AtomicReference<Result> result = new AtomicReference<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch synced = new CountDownLatch(1);
		long[] times = new long[3]; // sync start, sync end, GC millis before
		Thread watchdog = new Thread(() -> {
			while (watching.get()) {
				CountDownLatch ran = new CountDownLatch(1);
				long t0 = System.nanoTime();
				display.asyncExec(ran::countDown);
				try {
					if (!ran.await((long) UiBenchmark.BLOCK_GOAL_MS, TimeUnit.MILLISECONDS)) {
						culprits.merge(where(display.getThread()), 1, Integer::sum);
					}
					if (!ran.await(30, TimeUnit.SECONDS)) {
						waits.add(30_000.0);
						return;
					}
					waits.add((System.nanoTime() - t0) / 1e6);
					Thread.sleep(5);
				} catch (InterruptedException e) {
					return;
				}
			}
		}, "liaison-ui-watchdog");
		Runnable[] poll = new Runnable[1];
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
		poll[0] = () -> {
			Shell main = null;
			for (Shell s : display.getShells()) {
				if (s.isVisible() && "Liaison".equals(s.getText())) {
					main = s;
				}
			}
			if (main == null) {
				if (System.nanoTime() > deadline) {
					failure.set(new IllegalStateException("the main window did not open within a minute"));
					workbench.close();
				} else {
					display.timerExec(50, poll[0]);
				}
				return;
			}
			MWindow window = app.getChildren().get(0);
			EPartService parts = window.getContext().get(EPartService.class);
			Session session = app.getContext().get(Session.class);
			session.addListener(c -> {
				if (c == Session.Change.SYNCED) {
					times[1] = System.nanoTime();
					synced.countDown();
				}
			});
			// switching between the views while the sync runs, as a user would
			int[] next = { 0 };
			Runnable[] cycle = new Runnable[1];
			cycle[0] = () -> {
				if (synced.getCount() == 0 || monitor.isCanceled()) {
					// let the views take the sync's results, then stop
					display.timerExec(1500, () -> {
						watching.set(false);
						result.set(summary(waits, (times[1] - times[0]) / 1e9, session.lastReport(),
								session.lastProblem(), gcMillis() - times[2], culprits, firstOpen));
						workbench.close();
					});
					return;
				}
				parts.showPart("org.liaison.ui.part." + PARTS[next[0]++ % PARTS.length], EPartService.PartState.ACTIVATE);
				display.timerExec(700, cycle[0]);
			};
			Runnable startSync = () -> {
				parts.showPart("org.liaison.ui.part.mail", EPartService.PartState.ACTIVATE);
				watching.set(true);
				times[2] = gcMillis();
				watchdog.start();
				times[0] = System.nanoTime();
				session.syncNow();
				display.timerExec(200, cycle[0]);
			};
			// first, every view is opened once (its widgets are made then), each timed on the UI thread
			int[] opened = { 0 };
			Runnable[] open = new Runnable[1];
			open[0] = () -> {
				if (opened[0] == PARTS.length) {
					display.timerExec(1000, startSync);
					return;
				}
				String id = PARTS[opened[0]++];
				long t0 = System.nanoTime();
				parts.showPart("org.liaison.ui.part." + id, EPartService.PartState.ACTIVATE);
				firstOpen.put(id, (System.nanoTime() - t0) / 1e6);
				display.timerExec(400, open[0]);
			};
			display.timerExec(300, open[0]);
		};
		display.timerExec(50, poll[0]);
		workbench.createAndRunUI(app);
		watching.set(false);
		watchdog.join(5000);
		if (failure.get() != null) {
			throw new IllegalStateException(failure.get());
		}
		return result.get();
	}

	static Result summary(List<Double> waits, double seconds, MessagingReport r, String problem, long gc,
			Map<String, Integer> culprits, Map<String, Double> firstOpen) {
		List<Double> w;
		synchronized (waits) {
			w = new ArrayList<>(waits);
		}
		Collections.sort(w);
		int n = w.size();
		double median = n == 0 ? 0 : w.get(n / 2);
		double p99 = n == 0 ? 0 : w.get(Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1));
		double max = n == 0 ? 0 : w.get(n - 1);
		int over = (int) w.stream().filter(x -> x > UiBenchmark.BLOCK_GOAL_MS).count();
		List<String> where = culprits.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(6)
				.map(e -> e.getValue() + "x " + e.getKey()).toList();
		return new Result(seconds, n, median, p99, max, over, r, problem, gc, where, new LinkedHashMap<>(firstOpen));
	}

	/** The application context the product gives E4Application: Liaison's model and CSS, no saved state. */
	static final class Context implements IApplicationContext {
		private final Map<String, Object> arguments = new HashMap<>();

		Context() {
			arguments.put(IApplicationContext.APPLICATION_ARGS,
					new String[] { "-applicationXMI", "org.liaison.ui/Application.e4xmi", "-applicationCSS",
							"platform:/plugin/org.liaison.ui/css/liaison.css", "-clearPersistedState", "-persistState",
							"false" });
		}

		@Override
		public Map<String, Object> getArguments() {
			return arguments;
		}

		@Override
		public void applicationRunning() {
		}

		@Override
		public String getBrandingApplication() {
			return "org.eclipse.e4.ui.workbench.swt.E4Application";
		}

		@Override
		public String getBrandingName() {
			return "Liaison";
		}

		@Override
		public String getBrandingDescription() {
			return "Liaison";
		}

		@Override
		public String getBrandingId() {
			return "org.liaison.ui.product";
		}

		@Override
		public String getBrandingProperty(String key) {
			return null;
		}

		@Override
		public Bundle getBrandingBundle() {
			return null;
		}

		@Override
		public void setResult(Object result, IApplication application) {
		}
	}
}
