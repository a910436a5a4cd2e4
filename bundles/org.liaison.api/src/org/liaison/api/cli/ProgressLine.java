package org.liaison.api.cli;

import java.io.PrintStream;

import org.eclipse.core.runtime.NullProgressMonitor;

/**
 * A progress monitor that shows itself as one line: {@code [task] 42% subtask}, rewritten in place
 * on a terminal, printed at most every few seconds otherwise (logs stay short).
 */
public class ProgressLine extends NullProgressMonitor {

	private final PrintStream out;
	private final boolean terminal;
	private final long minGapMillis;
	private String task = "";
	private String subTask = "";
	private double total = -1;
	private double worked;
	private long lastPrint;
	private int lastLength;

	public ProgressLine(PrintStream out, boolean terminal) {
		this.out = out;
		this.terminal = terminal;
		this.minGapMillis = terminal ? 200 : 5000;
	}

	@Override
	public void beginTask(String name, int totalWork) {
		task = name == null ? "" : name;
		total = totalWork;
		worked = 0;
		print(true);
	}

	@Override
	public void setTaskName(String name) {
		task = name == null ? "" : name;
		print(true);
	}

	@Override
	public void subTask(String name) {
		subTask = name == null ? "" : name;
		print(false);
	}

	@Override
	public void internalWorked(double work) {
		worked += work;
		print(false);
	}

	@Override
	public void worked(int work) {
		internalWorked(work);
	}

	@Override
	public void done() {
		if (terminal && lastLength > 0) {
			out.print("\r" + " ".repeat(lastLength) + "\r");
			out.flush();
			lastLength = 0;
		}
	}

	private synchronized void print(boolean force) {
		long now = System.currentTimeMillis();
		if (!force && now - lastPrint < minGapMillis) {
			return;
		}
		lastPrint = now;
		StringBuilder b = new StringBuilder();
		b.append('[').append(task).append(']');
		if (total > 0) {
			b.append(' ').append((int) Math.min(100, 100 * worked / total)).append('%');
		}
		if (!subTask.isEmpty()) {
			b.append(' ').append(subTask);
		}
		String line = b.toString();
		if (terminal) {
			String pad = line.length() < lastLength ? " ".repeat(lastLength - line.length()) : "";
			out.print("\r" + line + pad);
			lastLength = line.length();
		} else {
			out.println(line);
		}
		out.flush();
	}
}
