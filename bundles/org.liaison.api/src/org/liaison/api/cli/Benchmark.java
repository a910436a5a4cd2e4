package org.liaison.api.cli;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One benchmark of {@code ./liaison bench NAME}, registered as a service with the property
 * {@value #NAME}. {@code ./liaison bench store} runs the benchmark named {@code store} and every
 * one named {@code store-...}. A benchmark prints its figures as a table, beside the peers its
 * issue names, measured in the same run.
 */
@ConsumerType
public interface Benchmark {

	/** Service property: the benchmark's name. */
	String NAME = "liaison.benchmark";

	/** One line saying what it measures. */
	String description();

	/** Runs it and prints the table to {@code context.out()}; returns 0 on success. */
	int run(List<String> args, CommandContext context) throws Exception;
}
