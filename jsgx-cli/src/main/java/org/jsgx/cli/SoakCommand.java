package org.jsgx.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jsgx.harness.Soak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `jsgx soak --minutes N`: property workloads and concurrency stress for N minutes. */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Run the model-based workloads and concurrency stress for a while and report the figures.")
public final class SoakCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--minutes", defaultValue = "1", description = "how long to run (default 1; fractions allowed)")
    private double minutes;

    @Option(names = "--threads", description = "worker threads (default: available processors)")
    private Integer threads;

    @Option(names = "--seed", description = "seed of the run (default: time-based)")
    private Long seed;

    @Option(names = "--json", description = "print one JSON object")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        if (!(minutes > 0) || minutes > 24 * 60) {
            throw CliException.badInput("--minutes " + minutes + ": must be > 0 and at most 1440");
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1 || n > 256) {
            throw CliException.badInput("--threads " + n + ": must be 1..256");
        }
        long s = seed != null ? seed : System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!json) {
            out.printf("soak: %.2f min on %d threads, seed %d%n", minutes, n, s);
            out.flush();
        }
        Soak.Figures f = Soak.run((long) (minutes * 60_000), n, s, line -> {
            if (!json) {
                err.println("  " + line);
                err.flush();
            }
        });
        if (json) {
            out.println(Json.object().put("minutes", f.minutes()).put("seed", s).put("threads", n)
                    .put("operations", f.operations()).put("workloadRuns", f.workloadRuns()).put("steps", f.steps())
                    .put("invariantChecks", f.invariantChecks()).put("stressRounds", f.stressRounds())
                    .put("stressOperations", f.stressOperations()).put("busyRetries", f.busyRetries())
                    .put("oversubscriptionRuns", f.oversubscriptionRuns())
                    .put("failures", f.failures().size()).put("peakHeapBytes", f.peakHeapBytes()));
        } else {
            out.printf("operations:       %d (%d workload steps in %d runs, %d stress operations in %d rounds)%n",
                    f.operations(), f.steps(), f.workloadRuns(), f.stressOperations(), f.stressRounds());
            out.printf("invariant checks: %d%n", f.invariantChecks());
            out.printf("busy retries:     %d%n", f.busyRetries());
            out.printf("oversubscription: %d runs (4 enclaves at 4x the EPC, ksgxswapd reclaiming)%n",
                    f.oversubscriptionRuns());
            out.printf("peak heap:        %.1f MiB%n", f.peakHeapBytes() / 1048576.0);
            out.printf("failures:         %d%n", f.failures().size());
            for (String fail : f.failures()) {
                out.println("  " + fail.lines().findFirst().orElse(fail));
            }
        }
        return f.failures().isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILED;
    }
}
