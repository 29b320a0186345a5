package org.jsgx.bench;

import java.util.concurrent.TimeUnit;
import org.jsgx.harness.EpcOversubscription;
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
 * Sustained EPC swap throughput through the whole driver model: one enclave of twice the EPC
 * is swept sequentially (8 bytes read per page) by enclave code on the Java-logic engine, so
 * every access faults — AEX, sgx_vma_fault, ELDU, ERESUME — while ksgxswapd evicts (EBLOCK,
 * ETRACK, EWB) on its own CPU. One op is one sweep of {@link #PAGES} pages; `jsgx bench reclaim`
 * multiplies by the ELDUs per sweep (checked in setup) and compares the page rate with
 * PagingBenchmark.ewbEldu, the raw EWB+ELDU round trip of the cpu layer.
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
            sweep();
        }
        var s = w.kernel.sgxStats();
        ewb0 = s.ewb();
        eldu0 = s.eldu();
        sweeps = 0;
    }

    /** One sequential sweep: every page of a 2x-EPC enclave faults in once. */
    @Benchmark
    public long sweep() {
        sweeps++;
        return w.call(t, EpcOversubscription.TOUCH, 0, PAGES, 1, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        var s = w.kernel.sgxStats();
        double elduPerSweep = (double) (s.eldu() - eldu0) / Math.max(1, sweeps);
        // a sequential scan over 2x the EPC defeats any LRU: each sweep reloads (almost) every page
        if (sweeps > 0 && elduPerSweep < 0.95 * PAGES) {
            throw new IllegalStateException("only " + elduPerSweep + " ELDU per sweep of " + PAGES + " pages");
        }
        System.out.printf("reclaim: %.1f ELDU and %.1f EWB per sweep%n", elduPerSweep,
                (double) (s.ewb() - ewb0) / Math.max(1, sweeps));
        w.close();
    }
}
