package org.jsgx.harness;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Encls;
import org.jsgx.cpu.GeneralProtectionFault;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.PageInfo;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.Platform;
import org.jsgx.cpu.SecInfo;
import org.jsgx.cpu.SgxStatus;
import org.jsgx.kernel.EnclaveBuilder;

/**
 * Many logical processors evicting and reloading pages of shared enclaves at once (EBLOCK,
 * ETRACK on the shared SECS, EWB, ELDU), as concurrent reclaim and faults do. The only
 * outcomes allowed besides success are the architectural ones for contention: #GP for a busy
 * SECS or page (the driver retries). At the end every page must hold what it held at the
 * start, resident or evicted with exactly one live VA slot.
 */
public final class ConcurrencyStress {
    private static final long BASE = 0x40_0000_0000L;

    /** Outcome of one run. */
    public record Result(long operations, long busyRetries, long pagesChecked) {
    }

    private ConcurrencyStress() {
    }

    /**
     * @param threads     logical processors working at once
     * @param pagesEach   pages each thread owns (in one of two shared enclaves)
     * @param millis      how long the threads run at least
     * @param minOps      operations (leaves) the threads complete at least, however long that
     *                    takes: on a loaded machine a fixed time may see little contention work
     * @param stallMillis no operation completing for this long is reported as a deadlock
     */
    public static Result run(long seed, int threads, int pagesEach, long millis, long minOps, long stallMillis)
            throws InterruptedException {
        int total = threads * pagesEach;
        Platform pf = Platform.builder().seed(seed).cpus(threads + 1).epcSize((4L * total + 64) * 4096).build();
        LogicalProcessor builder = pf.cpu(threads);
        List<EnclaveBuilder> enclaves = new ArrayList<>();
        List<long[]> pages = new ArrayList<>(); // {enclave index, offset, epcPa}
        List<byte[]> contents = new ArrayList<>();
        for (int e = 0; e < 2; e++) {
            EnclaveBuilder b = new EnclaveBuilder(pf, builder);
            b.ecreate(BASE + ((long) e << 32), 1L << 30, 1, new Attributes(Attributes.MODE64BIT, 0x3), 0);
            enclaves.add(b);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < total; i++) {
            int e = i % 2;
            byte[] c = new byte[4096];
            rnd.nextBytes(c);
            long off = (long) (i / 2) * 4096;
            long pa = enclaves.get(e).eadd(off, SecInfo.flags(PageType.PT_REG, SecInfo.R | SecInfo.W), c);
            pages.add(new long[] {e, off, pa});
            contents.add(c);
        }
        AtomicLong ops = new AtomicLong();
        AtomicLong busy = new AtomicLong();
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        long deadline = System.nanoTime() + millis * 1_000_000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    work(pf.cpu(id), id, pagesEach, pages, enclaves, deadline, minOps, ops, busy, lastProgress, seed);
                } catch (Throwable x) {
                    failures.add(x);
                }
            }, "stress-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            while (w.isAlive()) {
                w.join(200);
                if (System.nanoTime() - lastProgress.get() > stallMillis * 1_000_000) {
                    throw new AssertionError("no operation completed for " + stallMillis + " ms: deadlock?\n"
                            + threadDump());
                }
            }
        }
        if (!failures.isEmpty()) {
            AssertionError a = new AssertionError("stress thread failed: " + failures.getFirst());
            failures.forEach(a::addSuppressed);
            throw a;
        }
        // every page is resident again (each worker reloads before it stops): check contents
        for (int i = 0; i < total; i++) {
            long pa = pages.get(i)[2];
            byte[] now = pf.epc().page(pa).data().toArray(ValueLayout.JAVA_BYTE);
            if (!Arrays.equals(now, contents.get(i))) {
                throw new AssertionError("page " + i + " lost its contents");
            }
            if (pf.epc().page(pa).epcm().blocked()) {
                throw new AssertionError("page " + i + " left blocked");
            }
        }
        for (EnclaveBuilder b : enclaves) {
            long children = pf.epc().page(b.secs()).secsState().children();
            if (children != total / 2) {
                throw new AssertionError("SECS counts " + children + " children, expected " + total / 2);
            }
        }
        return new Result(ops.get(), busy.get(), total);
    }

    private static void work(LogicalProcessor lp, int id, int pagesEach, List<long[]> pages,
                             List<EnclaveBuilder> enclaves, long deadline, long minOps, AtomicLong ops,
                             AtomicLong busy, AtomicLong progress, long seed) {
        Encls encls = lp.encls();
        SplittableRandom rnd = new SplittableRandom(seed * 31 + id);
        long stage = 0x5000_0000L + id * 0x10_0000L;
        long va = -1;
        // each thread owns its own VA page, allocated from a frame range no one else uses
        long vaFrame = lp.platform().epc().sections().getFirst().base()
                + lp.platform().epc().sections().getFirst().size() - (long) (id + 1) * 4096;
        retry(busy, () -> encls.epa(vaFrame));
        va = vaFrame;
        while (System.nanoTime() < deadline || ops.get() < minOps) {
            int mine = rnd.nextInt(pagesEach);
            long[] p = pages.get(id * pagesEach + mine);
            EnclaveBuilder e = enclaves.get((int) p[0]);
            long pa = p[2];
            long slot = va + mine * 8L;
            SgxStatus b;
            do { // a SECS or page held by another leaf: the driver retries
                b = retry(busy, () -> encls.eblock(pa));
            } while ((b == SgxStatus.SGX_ENTRYEPOCH_LOCKED || b == SgxStatus.SGX_EPC_PAGE_CONFLICT)
                    && busy.incrementAndGet() > 0);
            expect(b, SgxStatus.SGX_SUCCESS, "EBLOCK");
            SgxStatus t = retry(busy, () -> encls.etrack(e.secs()));
            if (t != SgxStatus.SGX_SUCCESS) {
                throw new AssertionError("ETRACK: " + t);
            }
            long backing = stage + 0x1000 + mine * 4096L;
            long pcmd = stage + 0x8_0000 + mine * 128L;
            lp.store(stage, PageInfo.of(0, backing, pcmd, 0).toByteArray());
            expect(retry(busy, () -> encls.ewb(stage, pa, slot)), SgxStatus.SGX_SUCCESS, "EWB");
            lp.store(stage, PageInfo.of(e.base() + p[1], backing, pcmd, e.secs()).toByteArray());
            expect(retry(busy, () -> encls.eldu(stage, pa, slot)), SgxStatus.SGX_SUCCESS, "ELDU");
            ops.addAndGet(4);
            progress.set(System.nanoTime());
        }
    }

    /** Retries a leaf that found its page or SECS busy, as the driver does. */
    private static <T> T retry(AtomicLong busy, java.util.function.Supplier<T> leaf) {
        for (int i = 0; ; i++) {
            try {
                return leaf.get();
            } catch (GeneralProtectionFault f) {
                if (!f.getMessage().contains("busy") || i > 1_000_000) {
                    throw f;
                }
                busy.incrementAndGet();
                Thread.onSpinWait();
            }
        }
    }

    private static void retry(AtomicLong busy, Runnable leaf) {
        retry(busy, () -> {
            leaf.run();
            return null;
        });
    }

    private static void expect(SgxStatus got, SgxStatus want, String what) {
        if (got != want) {
            throw new AssertionError(what + ": " + got);
        }
    }

    static String threadDump() {
        StringBuilder sb = new StringBuilder();
        for (java.lang.management.ThreadInfo ti : java.lang.management.ManagementFactory.getThreadMXBean()
                .dumpAllThreads(true, true)) {
            sb.append(ti);
        }
        return sb.toString();
    }
}
