package org.liaison.api.cli;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A headless command of {@code ./liaison} ({@code sync}, {@code crm-server}, {@code offline},
 * {@code demo}, ...), registered as a service with the property {@value #NAME} naming it. Each area
 * brings its own commands from its own bundle; the one {@code org.liaison.app.cli} application
 * dispatches to them.
 */
@ConsumerType
public interface Command {

	/** Service property: the command's name as typed after {@code ./liaison}. */
	String NAME = "liaison.command";

	/** Exit code of a usage error. */
	int USAGE = 2;

	/** The text {@code --help} prints. */
	String usage();

	/**
	 * Runs the command.
	 *
	 * @return the exit code: 0 success, 1 failure, 2 usage
	 */
	int run(List<String> args, CommandContext context) throws Exception;
}
