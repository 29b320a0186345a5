package org.jsgx.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jsgx.cli.lab.BeladyPolicy;
import org.jsgx.cli.lab.FifoPolicy;
import org.jsgx.cli.lab.KernelPolicy;
import org.jsgx.cli.lab.LinePlot;
import org.jsgx.cli.lab.LruPolicy;
import org.jsgx.cli.lab.RandomPolicy;
import org.jsgx.cli.lab.ReplacementPolicy;
import org.jsgx.cli.lab.Trace;
import org.jsgx.harness.EpcOversubscription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jsgx reclaim-lab}: replays access traces against the kernel's reclaim policy, FIFO,
 * exact LRU, random and Belady's optimum, prints faults per policy and the ratio to optimal;
 * {@code --plot} draws faults against EPC size; {@code --epc-stats} also runs the real driver
 * (four enclaves oversubscribing a small EPC) and prints its EPC statistics.
 */
@Command(name = "reclaim-lab", mixinStandardHelpOptions = true,
        description = "EPC reclaim policies on access traces: faults per policy and ratio to Belady's optimum.")
public final class ReclaimLabCommand implements Callable<Integer> {
    @Option(names = "--epc-pages", defaultValue = "512", description = "EPC size in pages (default ${DEFAULT-VALUE})")
    int epcPages;

    @Option(names = "--length", defaultValue = "200000", description = "accesses per trace (default ${DEFAULT-VALUE})")
    int length;

    @Option(names = "--seed", defaultValue = "1", description = "trace and random-policy seed")
    long seed;

    @Option(names = "--trace", split = ",", description = "traces to run (default all): ${COMPLETION-CANDIDATES}")
    List<Trace> traces;

    @Option(names = "--json", description = "one JSON object")
    boolean json;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "faults vs. EPC size per policy (PNG)")
    Path plot;

    @Option(names = "--plot-trace", defaultValue = "ZIPF", description = "the trace plotted (default ${DEFAULT-VALUE})")
    Trace plotTrace;

    @Option(names = "--epc-stats", description = "also run the driver model oversubscribed and print its EPC statistics")
    boolean epcStats;

    @Spec
    CommandSpec spec;

    List<ReplacementPolicy> policies() {
        return List.of(new KernelPolicy(), new FifoPolicy(), new LruPolicy(), new RandomPolicy(seed),
                new BeladyPolicy());
    }

    @Override
    public Integer call() throws Exception {
        if (epcPages < 128 || length < 1) {
            throw CliException.badInput("--epc-pages must be at least 128 (the kernel keeps 64 free) and --length positive");
        }
        List<Trace> run = traces == null || traces.isEmpty() ? List.of(Trace.values()) : traces;
        List<ReplacementPolicy> ps = policies();
        var out = spec.commandLine().getOut();
        Json root = Json.object().put("epcPages", epcPages).put("length", length).put("seed", seed);
        List<Object> rows = Json.list();
        if (!json) {
            StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-8s", "trace"));
            for (ReplacementPolicy p : ps) {
                h.append(String.format(Locale.ROOT, " %9s", p.name()));
            }
            h.append("   ratio to belady: ");
            for (ReplacementPolicy p : ps) {
                if (!(p instanceof BeladyPolicy)) {
                    h.append(String.format(Locale.ROOT, " %7s", p.name()));
                }
            }
            out.println("EPC " + epcPages + " pages, " + length + " accesses per trace, seed " + seed);
            out.println(h);
        }
        for (Trace t : run) {
            int[] trace = t.generate(epcPages, length, seed);
            long[] f = new long[ps.size()];
            for (int i = 0; i < ps.size(); i++) {
                f[i] = ps.get(i).faults(trace, epcPages);
            }
            long opt = f[ps.size() - 1];
            Json row = Json.object().put("trace", t.name().toLowerCase(Locale.ROOT)).put("description", t.description);
            Json faults = Json.object();
            Json ratios = Json.object();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-8s", t.name().toLowerCase(Locale.ROOT)));
            StringBuilder rat = new StringBuilder("                    ");
            for (int i = 0; i < ps.size(); i++) {
                faults.put(ps.get(i).name(), f[i]);
                line.append(String.format(Locale.ROOT, " %9d", f[i]));
                if (i < ps.size() - 1) {
                    double r = (double) f[i] / opt;
                    ratios.put(ps.get(i).name(), r);
                    rat.append(String.format(Locale.ROOT, " %7.3f", r));
                }
            }
            rows.add(row.put("faults", faults).put("ratioToBelady", ratios));
            if (!json) {
                out.println(line.append(rat));
            }
        }
        root.put("traces", rows);
        if (plot != null) {
            writePlot(ps);
            root.put("plot", plot.toString());
            if (!json) {
                out.println("wrote " + plot);
            }
        }
        if (epcStats) {
            String stats = driverStats();
            root.put("epcStats", stats);
            if (!json) {
                out.print(stats);
            }
        }
        if (json) {
            out.println(root);
        }
        return Main.EXIT_OK;
    }

    private void writePlot(List<ReplacementPolicy> ps) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (int s = 128; s <= 4096; s *= 2) {
            sizes.add(s);
        }
        LinePlot p = new LinePlot("reclaim-lab: " + plotTrace.description + " (trace sized for " + epcPages
                + " pages), faults vs EPC size");
        int[] trace = plotTrace.generate(epcPages, length, seed);
        for (ReplacementPolicy pol : ps) {
            double[] x = new double[sizes.size()], y = new double[sizes.size()];
            for (int i = 0; i < sizes.size(); i++) {
                x[i] = sizes.get(i);
                y[i] = pol.faults(trace, sizes.get(i));
            }
            p.series(pol.name(), x, y);
        }
        p.write(plot);
    }

    /** The driver model itself: 4 enclaves at 4x a 256-page EPC, two threads each, two passes. */
    private static String driverStats() throws Exception {
        try (EpcOversubscription w = new EpcOversubscription(256, 4, 240, 2, null)) {
            long bad = w.runAll(2, 120);
            return "driver model: 4 enclaves x 2 threads on a 256-page EPC, " + bad + " mismatching pages\n"
                    + w.kernel.sgxStats().format();
        }
    }
}
