package org.liaison.api.cli;

import java.io.PrintStream;

import org.eclipse.core.runtime.IProgressMonitor;
import org.osgi.annotation.versioning.ProviderType;

/** What a headless command works with: its output, and a progress monitor shown as one line. */
@ProviderType
public interface CommandContext {

	/** Results and summaries. */
	PrintStream out();

	/** Errors, and the progress line (on a terminal it rewrites itself in place). */
	PrintStream err();

	/** Progress shown as a line; cancelled when the user presses Ctrl-C. */
	IProgressMonitor monitor();
}
