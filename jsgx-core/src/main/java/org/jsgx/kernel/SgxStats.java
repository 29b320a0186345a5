package org.jsgx.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a user can read about the EPC (the model's /sys/kernel/debug/sgx and the sgx_epc cgroup
 * files in one place): free and total pages, EWB/ELDU counts, VA pages evicted and reloaded,
 * ksgxswapd wake-ups and batches, second chances, ETRACK and IPI escalations, OOM kills,
 * enclave page faults and their latency, the faults that found no free page and how long they
 * waited, and per enclave the pages resident and evicted (VA pages apart). {@link #snapshot}
 * reads it all at once.
 */
public final class SgxStats {
    final LongAdder eldu = new LongAdder();
    final LongAdder faults = new LongAdder();
    final LongAdder faultNanos = new LongAdder();
    final LongAccumulator faultMaxNanos = new LongAccumulator(Math::max, 0);
    final LongAdder busyFaults = new LongAdder();
    final LongAdder busyNanos = new LongAdder();
    /** VA pages written out with EWB (into a slot of another VA page) and loaded back. */
    final LongAdder vaEvicted = new LongAdder();
    final LongAdder vaReloaded = new LongAdder();

    /**
     * Nanoseconds any enclave's encl->lock has been held, JVM-wide, when the JVM runs with
     * -Djsgx.kernel.timing=true; -1 otherwise (see KernelTiming).
     */
    public static long enclLockHeldNanos() {
        return KernelTiming.lockHeldNanos();
    }

    /** Nanoseconds ENCLS leaves have run, JVM-wide, with -Djsgx.kernel.timing=true; -1 otherwise. */
    public static long enclsNanos() {
        return KernelTiming.enclsNanos();
    }

    /** A fault found no free EPC page and waited {@code nanos} for room before its retry. */
    void busy(long nanos) {
        busyFaults.increment();
        busyNanos.add(nanos);
    }

    /** One sgx_vma_fault took {@code nanos}. */
    void fault(long nanos) {
        faults.increment();
        faultNanos.add(nanos);
        faultMaxNanos.accumulate(nanos);
    }

    /** Per enclave. */
    public record Enclave(long base, long size, String cgroup, long resident, long evicted, long vaPages,
            long vaEvicted, boolean secsResident, boolean oomKilled) {
    }

    /** Per EPC cgroup. */
    public record Group(String name, long max, long current, long maxEvents, long oomKills, int lru) {
    }

    /** Everything at one moment. */
    public record Snapshot(long totalPages, long freePages, long ewb, long eldu, long pagesLost, long vaEvicted,
            long vaReloaded, long wakeups, long batches, long secondChances, long etracks, long ipis, long oomKills,
            long faults, double faultMeanMicros, double faultMaxMicros, long busyFaults, double busyMeanMicros,
            List<Group> groups, List<Enclave> enclaves) {

        /** The lab's `epc-stats` text. */
        public String format() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "EPC: %d pages, %d free%n", totalPages, freePages));
            b.append(String.format(Locale.ROOT,
                    "reclaim: EWB %d  ELDU %d  lost %d  ksgxswapd wake-ups %d  batches %d  second chances %d"
                            + "  ETRACK retries %d  IPIs %d  OOM kills %d%n",
                    ewb, eldu, pagesLost, wakeups, batches, secondChances, etracks, ipis, oomKills));
            b.append(String.format(Locale.ROOT, "VA pages: evicted %d  reloaded %d%n", vaEvicted, vaReloaded));
            b.append(String.format(Locale.ROOT, "faults: %d  mean %.1f us  max %.1f us  no free page %d (mean wait %.1f us)%n",
                    faults, faultMeanMicros, faultMaxMicros, busyFaults, busyMeanMicros));
            for (Group g : groups) {
                b.append(String.format(Locale.ROOT, "cgroup %-10s max %s  current %d  events max %d oom_kill %d%n",
                        g.name(), g.max() == SgxEpcCgroup.MAX ? "max" : Long.toString(g.max()), g.current(),
                        g.maxEvents(), g.oomKills()));
            }
            for (Enclave e : enclaves) {
                b.append(String.format(Locale.ROOT,
                        "enclave 0x%x+0x%x  cgroup %s  resident %d  evicted %d  VA %d (%d evicted)  SECS %s%s%n", e.base(),
                        e.size(), e.cgroup(), e.resident(), e.evicted(), e.vaPages(), e.vaEvicted(),
                        e.secsResident() ? "in EPC" : "evicted",
                        e.oomKilled() ? "  OOM-killed" : ""));
            }
            return b.toString();
        }
    }

    static Snapshot snapshot(SgxDriver drv) {
        SgxReclaimer r = drv.reclaimer;
        List<Group> groups = new ArrayList<>();
        for (SgxEpcCgroup g : r.groups()) {
            SgxEpcCgroup.Events ev = g.events();
            groups.add(new Group(g.name(), g.max(), g.current(), ev.max(), ev.oomKill(), g.lruSize()));
        }
        List<Enclave> encls = new ArrayList<>();
        for (SgxEnclave e : drv.enclaves()) {
            if (!e.created || e.released && !e.oom) {
                continue;
            }
            long[] re = e.residentAndEvicted();
            encls.add(new Enclave(e.base, e.size, e.cgroup == null ? "-" : e.cgroup.name(), re[0], re[1],
                    e.vaPageCount(), e.vaPagesEvicted(), e.secs != null && e.secs.epcPage != null, e.oom));
        }
        SgxStats s = drv.stats;
        long n = s.faults.sum();
        long busy = s.busyFaults.sum();
        return new Snapshot(drv.allocator.totalPages(), drv.allocator.freePages(), r.pagesWritten(), s.eldu.sum(),
                r.pagesLost(), s.vaEvicted.sum(), s.vaReloaded.sum(), r.wakeups(), r.batches.get(),
                r.secondChances.get(), r.etracks.get(), r.ipis.get(), r.oomKills.get(), n,
                n == 0 ? 0 : s.faultNanos.sum() / 1e3 / n, s.faultMaxNanos.get() / 1e3, busy,
                busy == 0 ? 0 : s.busyNanos.sum() / 1e3 / busy, groups, encls);
    }
}
