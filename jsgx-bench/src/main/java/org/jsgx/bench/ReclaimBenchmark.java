package org.jsgx.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import org.jsgx.harness.EpcOversubscription;
import org.jsgx.kernel.SgxStats;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sustained EPC swap throughput through the whole driver model. One enclave (the kernel
 * selftests' test enclave with 512 heap pages) runs on a 256-page EPC, twice oversubscribed.
 * One operation is one EENTER through the vDSO model in which enclave code on the Java-logic
 * engine reads 8 bytes of each of the {@link #PAGES} heap pages in order. A sequential scan over
 * twice the EPC defeats any LRU, so every access faults: #PF in enclave mode → AEX (SSA frame)
 * → the kernel's fault path (do_user_addr_fault → sgx_vma_fault: encl->lock, an EPC page from
 * the allocator without direct reclaim, ELDU of the page — the SECS or a VA page first if they
 * were evicted — PTE insert) → the vDSO's AEP → ERESUME → the access retried. Meanwhile
 * ksgxswapd, on its own CPU, keeps the free pages between the 32/64 watermarks in batches of 16:
 * second chance on the accessed bits, PTE zap + EBLOCK, ETRACK, EWB (NOT_TRACKED → ETRACK →
 * IPI and retry). A fault that finds no free page waits for ksgxswapd (VM_FAULT_NOPAGE) and is
 * retried. The teardown checks that each sweep really reloaded (≥ 0.95 ELDU per page per sweep).
 *
 * <p>`jsgx bench reclaim` multiplies sweeps/s by {@link #PAGES} (each page one EWB and one ELDU)
 * and compares the page rate with PagingBenchmark.ewbEldu, the raw EBLOCK+ETRACK+EWB+ELDU round
 * trip of the bare cpu layer, measured in the same run.
 *
 * <p>{@link Pipeline} reports where the time goes, read outside the timed work: the CPU time
 * ksgxswapd used per swapped page and its share of the wall time. When that share is near 1,
 * the reclaimer is the bottleneck and every fault past the watermarks waits for it. Run with
 * {@code JAVA_TOOL_OPTIONS=-Djsgx.kernel.timing=true}, it also reports per page how long
 * encl->lock was held and how long the ENCLS leaves ran: the fault path's ELDU and the
 * reclaimer's EBLOCK/EWB of one enclave are serialised by that lock (as in the kernel), so one
 * enclave cannot swap faster than one page per lock-held time, nor, even with no kernel work
 * at all, faster than one page per leaf time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@org.openjdk.jmh.annotations.Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReclaimBenchmark {
    public static final int EPC_PAGES = 256;
    public static final int PAGES = 512;

    private EpcOversubscription w;
    private EpcOversubscription.Thread t;
    private long ewb0, eldu0, sweeps;

    @Setup(Level.Trial)
    public void setUp() {
        w = new EpcOversubscription(EPC_PAGES, 1, PAGES, 1, null);
        t = w.enclaves.getFirst().threads.getFirst();
        for (int i = 0; i < 3; i++) {
            w.call(t, EpcOversubscription.TOUCH, 0, PAGES, 1, 0);
        }
        var s = w.kernel.sgxStats();
        ewb0 = s.ewb();
        eldu0 = s.eldu();
        sweeps = 0;
    }

    /** One sequential sweep: every page of a 2x-EPC enclave faults in once. */
    @Benchmark
    public long sweep(Pipeline p) {
        sweeps++;
        p.sweeps++;
        return w.call(t, EpcOversubscription.TOUCH, 0, PAGES, 1, 0);
    }

    /**
     * ksgxswapd's CPU time, the wall time and the pages swapped (PAGES per sweep, as in the
     * headline figure; the teardown checks each sweep really reloads them) over one iteration
     * (JMH secondary results "sweep:ksgxswapdCpuNanos" and so on), read at its start and end
     * only, outside the timed sweeps. Their ratios are what count: CPU per page, and the
     * reclaimer's busy share (CPU / wall). All zero when ksgxswapd was replaced during the
     * iteration (it ends after 2 s idle), so no mixed figure is reported.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Pipeline {
        private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
        public long ksgxswapdCpuNanos;
        public long wallNanos;
        public long swappedPages;
        /** encl->lock held and ENCLS time; only with -Djsgx.kernel.timing=true (two clock reads per section). */
        public long enclLockHeldNanos;
        public long enclsNanos;
        private Thread ksgxswapd;
        private long cpu0, wall0, held0, encls0;
        /** Sweeps in this iteration (a state of its own: naming the benchmark here would make JMH build another one). */
        long sweeps;

        @Setup(Level.Iteration)
        public void start() {
            held0 = SgxStats.enclLockHeldNanos();
            encls0 = SgxStats.enclsNanos();
            ksgxswapd = Thread.getAllStackTraces().keySet().stream()
                    .filter(th -> th.getName().equals("ksgxswapd")).findFirst().orElse(null);
            cpu0 = ksgxswapd == null ? -1 : MX.getThreadCpuTime(ksgxswapd.threadId());
            wall0 = System.nanoTime();
            sweeps = 0;
        }

        @TearDown(Level.Iteration)
        public void stop() {
            long cpu = ksgxswapd == null || !ksgxswapd.isAlive() ? -1 : MX.getThreadCpuTime(ksgxswapd.threadId());
            if (cpu0 < 0 || cpu < 0) {
                ksgxswapdCpuNanos = wallNanos = swappedPages = enclLockHeldNanos = enclsNanos = 0;
                return;
            }
            if (held0 >= 0) {
                enclLockHeldNanos = SgxStats.enclLockHeldNanos() - held0;
                enclsNanos = SgxStats.enclsNanos() - encls0;
            }
            ksgxswapdCpuNanos = cpu - cpu0;
            wallNanos = System.nanoTime() - wall0;
            swappedPages = sweeps * PAGES;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        var s = w.kernel.sgxStats();
        double elduPerSweep = (double) (s.eldu() - eldu0) / Math.max(1, sweeps);
        // a sequential scan over 2x the EPC defeats any LRU: each sweep reloads (almost) every page
        if (sweeps > 0 && elduPerSweep < 0.95 * PAGES) {
            throw new IllegalStateException("only " + elduPerSweep + " ELDU per sweep of " + PAGES + " pages");
        }
        System.out.printf("reclaim: %.1f ELDU and %.1f EWB per sweep; %d faults waited for a free page (mean %.0f us)%n",
                elduPerSweep, (double) (s.ewb() - ewb0) / Math.max(1, sweeps), s.busyFaults(), s.busyMeanMicros());
        w.close();
    }
}
