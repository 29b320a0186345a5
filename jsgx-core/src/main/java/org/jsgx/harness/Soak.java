package org.jsgx.harness;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jsgx.host.RsaKeys;

/**
 * `jsgx soak`: the model-based workload on every core with fresh seeds, interleaved with
 * concurrency-stress rounds and rounds of the EPC oversubscription workload (four enclaves at
 * four times the EPC, two threads each, ksgxswapd reclaiming), for a given time. A failure is reported with the seed that
 * replays it; the run goes on so one bug does not hide another.
 */
public final class Soak {
    /** What a soak run did. */
    public record Figures(double minutes, long workloadRuns, long steps, long invariantChecks, long stressRounds,
                          long stressOperations, long busyRetries, long oversubscriptionRuns, List<String> failures,
                          long peakHeapBytes) {
        public long operations() {
            return steps + stressOperations;
        }
    }

    private Soak() {
    }

    public static Figures run(long millis, int threads, long seed, Consumer<String> progress)
            throws InterruptedException {
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000;
        AtomicLong runs = new AtomicLong();
        AtomicLong steps = new AtomicLong();
        AtomicLong checks = new AtomicLong();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        SplittableRandom seeds = new SplittableRandom(seed);
        long stressRounds = 0;
        long stressOps = 0;
        long busy = 0;
        long oversub = 0;
        while (System.nanoTime() < deadline) {
            // phase 1: independent workloads, one per thread, ~4 s
            long phaseEnd = Math.min(deadline, System.nanoTime() + 4_000_000_000L);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long s = seeds.nextLong();
                Thread th = new Thread(() -> {
                    long workloadSeed = s;
                    while (System.nanoTime() < phaseEnd) {
                        CpuWorkload w = new CpuWorkload(Choices.random(workloadSeed), workloadSeed, key);
                        try {
                            w.run(1500);
                        } catch (AssertionError | RuntimeException e) {
                            failures.add("workload seed " + workloadSeed + ": " + e.getMessage());
                        }
                        runs.incrementAndGet();
                        steps.addAndGet(w.steps());
                        checks.addAndGet(w.invariantChecks());
                        workloadSeed = new SplittableRandom(workloadSeed).nextLong();
                    }
                }, "soak-" + t);
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
            // phase 2: a concurrency-stress round, ~2 s
            if (System.nanoTime() < deadline) {
                long s = seeds.nextLong();
                long ms = Math.max(200, Math.min(2000, (deadline - System.nanoTime()) / 1_000_000));
                try {
                    ConcurrencyStress.Result r = ConcurrencyStress.run(s, Math.max(2, threads * 2), 8, ms, 0, 30_000);
                    stressOps += r.operations();
                    busy += r.busyRetries();
                    checks.addAndGet(r.pagesChecked());
                } catch (AssertionError | RuntimeException e) {
                    failures.add("stress seed " + s + ": " + e.getMessage());
                }
                stressRounds++;
            }
            // phase 3: oversubscription runs, at least one and ~2 s: every byte read back, no
            // page lost, no warning
            long overEnd = Math.min(deadline, System.nanoTime() + 2_000_000_000L);
            do {
                String f = oversubscriptionRun();
                if (f != null) {
                    failures.add("oversubscription run " + oversub + ": " + f);
                }
                oversub++;
            } while (System.nanoTime() < overEnd);
            progress.accept(String.format("%.1f min: %d steps, %d stress ops, %d oversubscription runs, %d failures",
                    (System.nanoTime() - start) / 6e10, steps.get(), stressOps, oversub, failures.size()));
        }
        return new Figures((System.nanoTime() - start) / 6e10, runs.get(), steps.get(), checks.get(), stressRounds,
                stressOps, busy, oversub, List.copyOf(failures), peakHeap());
    }

    /**
     * One run of SgxReclaimerTest's oversubscription workload (192 EPC pages, four enclaves of
     * 175 heap pages, two threads each, two write+verify passes); null when it held.
     */
    static String oversubscriptionRun() {
        EpcOversubscription w = new EpcOversubscription(192, 4, 175, 2, null);
        try {
            long bad = w.runAll(2, 60);
            var s = w.kernel.sgxStats();
            if (bad != 0) {
                return bad + " pages read back different from what was written";
            }
            if (s.pagesLost() != 0) {
                return s.pagesLost() + " pages lost by EWB; kernel warnings " + w.kernel.warnings();
            }
            if (!w.kernel.warnings().isEmpty()) {
                return "kernel warnings " + w.kernel.warnings();
            }
            return null;
        } catch (Exception e) {
            // what the kernel said first is usually the cause (a lost page, an ENCLS fault)
            return e + "; pages lost " + w.kernel.sgxStats().pagesLost() + ", kernel warnings "
                    + w.kernel.warnings();
        } finally {
            w.close();
        }
    }

    /** The sum of the heap pools' peak usage since the JVM started. */
    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
