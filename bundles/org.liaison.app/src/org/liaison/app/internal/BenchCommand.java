package org.liaison.app.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.liaison.api.cli.Benchmark;
import org.liaison.api.cli.Command;
import org.liaison.api.cli.CommandContext;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;

/**
 * {@code ./liaison bench NAME}: runs the {@link Benchmark} services named NAME or NAME-..., each
 * printing its figures beside its peers'.
 */
@Component(service = Command.class, property = Command.NAME + "=bench")
public class BenchCommand implements Command {

	@Override
	public String usage() {
		StringBuilder b = new StringBuilder("Usage: ./liaison bench NAME [ARGS]\n\n"
				+ "Runs benchmarks and prints their figures beside those of the peers they are measured against.\n\n"
				+ "Benchmarks installed:\n");
		Map<String, String> all = installed();
		if (all.isEmpty()) {
			b.append("  (none yet)\n");
		}
		all.forEach((k, v) -> b.append(String.format("  %-16s %s%n", k, v)));
		return b.toString();
	}

	@Override
	public int run(List<String> args, CommandContext context) throws Exception {
		if (args.isEmpty()) {
			context.err().println(usage());
			return USAGE;
		}
		String name = args.get(0);
		List<String> rest = args.subList(1, args.size());
		BundleContext ctx = FrameworkUtil.getBundle(BenchCommand.class).getBundleContext();
		List<ServiceReference<Benchmark>> matching = new ArrayList<>();
		for (ServiceReference<Benchmark> r : refs(ctx)) {
			String n = String.valueOf(r.getProperty(Benchmark.NAME));
			if (n.equals(name) || n.startsWith(name + "-")) {
				matching.add(r);
			}
		}
		if (matching.isEmpty()) {
			context.err().println("liaison bench: no benchmark named '" + name + "' in this version of Liaison.");
			return USAGE;
		}
		matching.sort((a, b) -> String.valueOf(a.getProperty(Benchmark.NAME))
				.compareTo(String.valueOf(b.getProperty(Benchmark.NAME))));
		int worst = 0;
		for (ServiceReference<Benchmark> r : matching) {
			Benchmark bench = ctx.getService(r);
			try {
				context.out().println("== " + r.getProperty(Benchmark.NAME) + ": " + bench.description());
				worst = Math.max(worst, bench.run(rest, context));
			} finally {
				ctx.ungetService(r);
			}
		}
		return worst;
	}

	private static Map<String, String> installed() {
		Map<String, String> out = new TreeMap<>();
		BundleContext ctx = FrameworkUtil.getBundle(BenchCommand.class).getBundleContext();
		try {
			for (ServiceReference<Benchmark> r : refs(ctx)) {
				Benchmark b = ctx.getService(r);
				if (b != null) {
					out.put(String.valueOf(r.getProperty(Benchmark.NAME)), b.description());
					ctx.ungetService(r);
				}
			}
		} catch (InvalidSyntaxException e) {
			throw new IllegalStateException(e);
		}
		return out;
	}

	private static Collection<ServiceReference<Benchmark>> refs(BundleContext ctx) throws InvalidSyntaxException {
		return ctx.getServiceReferences(Benchmark.class, null);
	}
}
