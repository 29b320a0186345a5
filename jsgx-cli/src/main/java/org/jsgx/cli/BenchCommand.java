package org.jsgx.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.annotations.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `jsgx bench NAME`: runs a registered JMH benchmark in one forked JVM and reports one figure
 * against its baseline. JMH's progress goes to stderr so that `--json` leaves exactly one JSON
 * object on stdout.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark (JMH, one fork) and report its figure against its baseline.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the benchmark: ${COMPLETION-CANDIDATES}",
            completionCandidates = Names.class)
    private String name;

    @Option(names = "--json", description = "print one JSON object")
    private boolean json;

    @Option(names = "--quick", description = "fewer, shorter iterations (a rough figure in a few seconds)")
    private boolean quick;

    @Option(names = "--file", description = "measure: a 1 GiB SGXS file from disk instead of JMH in memory")
    private boolean file;

    @Option(names = "--threads", split = ",", paramLabel = "N[,N...]",
            description = "run the benchmark once per thread count (JMH threads), e.g. 1,2,4,8; scores are keyed name@N")
    private java.util.List<Integer> threads;

    /** The registered names, for help and completion. */
    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return BenchRegistry.names().iterator();
        }
    }

    @Override
    public Integer call() {
        if (file) {
            if (!"measure".equals(name)) {
                throw CliException.badInput("--file applies to the measure benchmark only");
            }
            return MeasureFileBench.run(spec.commandLine().getOut(), json);
        }
        BenchDefinition def = BenchRegistry.get(name);
        if (def == null) {
            throw CliException.badInput("unknown benchmark '" + name + "' (known: "
                    + String.join(", ", BenchRegistry.names()) + ")");
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        if (threads == null || threads.isEmpty()) {
            scores.putAll(run(options(def), ""));
        } else {
            for (int n : threads) {
                if (n < 1) {
                    throw CliException.badInput("--threads: " + n + " is not a thread count");
                }
                scores.putAll(run(new OptionsBuilder().parent(options(def)).threads(n).build(), "@" + n));
            }
        }
        BenchDefinition.Figures f = def.evaluator().evaluate(scores);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Json j = Json.object()
                    .put("metric", def.metric())
                    .put("value", round(f.value(), 1))
                    .put("unit", def.unit())
                    .put("baseline", round(f.baseline(), 1))
                    .put("ratio", round(f.ratio(), 3))
                    .put("target", def.target())
                    .put("better", def.lowerIsBetter() ? "lower" : "higher")
                    .put("met", def.met(f))
                    .put("bench", def.name());
            f.details().forEach((k, v) -> j.put(k, round(v, 3)));
            j.put("quick", quick)
                    .put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
                    .put("cpus", Runtime.getRuntime().availableProcessors());
            out.println(j);
        } else {
            out.printf("%s: %s%n", def.name(), def.description());
            scores.forEach((k, v) -> out.printf("  %-20s %14.3f%s%n", k, v, k.contains(":") ? "" : " ops/s"));
            f.details().forEach((k, v) -> out.printf("  %-20s %14.3f%n", k, v));
            out.printf("  %-20s %14.1f %s%n", def.metric(), f.value(), def.unit());
            out.printf("  %-20s %14.1f %s%n", "baseline", f.baseline(), def.unit());
            out.printf("  %-20s %14.3f (target %s %.2f: %s)%n", "ratio", f.ratio(), def.lowerIsBetter() ? "<=" : ">=",
                    def.target(), def.met(f) ? "met" : "NOT met");
        }
        return Main.EXIT_OK;
    }

    Options options(BenchDefinition def) {
        return new OptionsBuilder()
                .include(def.include())
                .forks(1)
                .warmupIterations(quick ? 2 : 5)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 2 : 5)
                .measurementTime(TimeValue.seconds(1))
                .mode(Mode.Throughput)
                .timeUnit(TimeUnit.SECONDS)
                .shouldFailOnError(true)
                .build();
    }

    /**
     * Runs JMH; returns the primary score (ops/s) per benchmark method, keyed by the method's
     * name, then its parameters as [k=v,...] when it has any, then {@code suffix}; secondary
     * results follow under that key + ":" + their name.
     */
    private static Map<String, Double> run(Options options, String suffix) {
        PrintStream stdout = System.out;
        // JMH writes to the console in places; keep stdout for the command's own result
        System.setOut(System.err);
        try {
            Collection<RunResult> results = new Runner(options,
                    OutputFormatFactory.createFormatInstance(System.err, VerboseMode.NORMAL)).run();
            Map<String, Double> scores = new LinkedHashMap<>();
            for (RunResult r : results) {
                String full = r.getParams().getBenchmark();
                StringBuilder key = new StringBuilder(full.substring(full.lastIndexOf('.') + 1));
                java.util.Collection<String> params = r.getParams().getParamsKeys();
                if (!params.isEmpty()) {
                    java.util.StringJoiner j = new java.util.StringJoiner(",", "[", "]");
                    params.forEach(k -> j.add(k + "=" + r.getParams().getParam(k)));
                    key.append(j);
                }
                String name = key.append(suffix).toString();
                scores.put(name, r.getPrimaryResult().getScore());
                // @AuxCounters and other secondary results, as "method:counter"
                r.getSecondaryResults().forEach((k, v) -> scores.put(name + ":" + k, v.getScore()));
            }
            return scores;
        } catch (RunnerException e) {
            throw CliException.failed("benchmark run failed: " + e.getMessage());
        } finally {
            System.setOut(stdout);
        }
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
