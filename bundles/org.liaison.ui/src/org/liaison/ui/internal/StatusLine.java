package org.liaison.ui.internal;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.IJobManager;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;
import org.eclipse.core.runtime.jobs.ProgressProvider;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.ProgressBar;

/**
 * The status line at the foot of the window (a tool control in the bottom trim): a message, the
 * running Job's name, task and progress (from a {@link ProgressProvider} given to the job manager,
 * so every Job's progress is shown, the scheduler's sync runs included). Updates reach the UI
 * thread at most every 100 ms.
 */
public class StatusLine {

	private static volatile StatusLine current;

	private Label message;
	private Label job;
	private ProgressBar bar;
	private Display display;
	private final Map<Job, int[]> running = new ConcurrentHashMap<>();
	private final Map<Job, String> tasks = new ConcurrentHashMap<>();
	private final AtomicBoolean pending = new AtomicBoolean();
	private volatile String text = "Ready";

	private final JobChangeAdapter jobs = new JobChangeAdapter() {
		@Override
		public void running(IJobChangeEvent event) {
			if (!event.getJob().isSystem()) {
				running.putIfAbsent(event.getJob(), new int[] { 0, 0 });
				refresh();
			}
		}

		@Override
		public void done(IJobChangeEvent event) {
			running.remove(event.getJob());
			tasks.remove(event.getJob());
			refresh();
		}
	};

	private final ProgressProvider progress = new ProgressProvider() {
		@Override
		public IProgressMonitor createMonitor(Job j) {
			return new NullProgressMonitor() {
				@Override
				public void beginTask(String name, int totalWork) {
					running.put(j, new int[] { 0, Math.max(totalWork, 0) });
					if (name != null && !name.isBlank()) {
						tasks.put(j, name);
					}
					refresh();
				}

				@Override
				public void subTask(String name) {
					if (name != null && !name.isBlank()) {
						tasks.put(j, name);
						refresh();
					}
				}

				@Override
				public void setTaskName(String name) {
					subTask(name);
				}

				@Override
				public void worked(int work) {
					int[] w = running.get(j);
					if (w != null) {
						w[0] += work;
						refresh();
					}
				}
			};
		}
	};

	@PostConstruct
	void create(Composite parent) {
		display = parent.getDisplay();
		Composite box = parent;
		GridLayout layout = new GridLayout(3, false);
		layout.marginHeight = 1;
		box.setLayout(layout);
		message = new Label(box, SWT.NONE);
		message.setData(Ids.KEY, "status.message");
		message.setLayoutData(new GridData(560, SWT.DEFAULT));
		message.setText(text);
		job = new Label(box, SWT.NONE);
		job.setData(Ids.KEY, "status.job");
		job.setLayoutData(new GridData(360, SWT.DEFAULT));
		bar = new ProgressBar(box, SWT.SMOOTH);
		bar.setLayoutData(new GridData(140, SWT.DEFAULT));
		bar.setVisible(false);
		IJobManager manager = Job.getJobManager();
		manager.addJobChangeListener(jobs);
		manager.setProgressProvider(progress);
		current = this;
	}

	@PreDestroy
	void dispose() {
		Job.getJobManager().removeJobChangeListener(jobs);
		Job.getJobManager().setProgressProvider(null);
		if (current == this) {
			current = null;
		}
	}

	/** Shows a message in the status line (from any thread). */
	public static void show(Display display, String text) {
		StatusLine s = current;
		if (s != null) {
			s.text = text;
			s.refresh();
		}
	}

	/** Shows a problem (from any thread); it is also what a test or the user reads first. */
	public static void problem(Display display, String text) {
		show(display, "\u26a0 " + text);
	}

	/** The message shown now (for tests). */
	public static String text() {
		StatusLine s = current;
		return s == null ? null : s.text;
	}

	private void refresh() {
		if (display == null || display.isDisposed() || !pending.compareAndSet(false, true)) {
			return;
		}
		display.asyncExec(() -> display.timerExec(100, this::update));
	}

	private void update() {
		{
			pending.set(false);
			if (message.isDisposed()) {
				return;
			}
			message.setText(text);
			message.setToolTipText(text);
			Job top = running.keySet().stream().findFirst().orElse(null);
			if (top == null) {
				job.setText("");
				bar.setVisible(false);
				return;
			}
			int[] w = running.getOrDefault(top, new int[] { 0, 0 });
			String task = tasks.get(top);
			job.setText(top.getName() + (task == null || task.equals(top.getName()) ? "" : ": " + task)
					+ (running.size() > 1 ? " (+" + (running.size() - 1) + ")" : ""));
			bar.setVisible(true);
			bar.setMaximum(Math.max(1, w[1]));
			bar.setSelection(Math.min(w[0], Math.max(1, w[1])));
		}
	}
}
