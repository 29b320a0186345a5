package org.jsgx.kernel;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One group of the proposed {@code sgx_epc} misc cgroup (Kai Huang / Haitao Huang's series):
 * every EPC page an enclave uses — its pages, its SECS, its VA pages — is charged to the group
 * of the task that opened /dev/sgx_enclave. {@code sgx_epc.max} caps the group; when a charge
 * would exceed it, pages are reclaimed from this group's own LRU (never another group's) and,
 * when nothing in the group is reclaimable, an enclave of the group is OOM-killed. The readable
 * files are {@link #max}, {@link #current} and {@link #events} ("max" and "oom_kill" counts).
 * The root group has no limit.
 */
public final class SgxEpcCgroup {
    public static final long MAX = Long.MAX_VALUE;

    private final String name;
    private volatile long max = MAX;
    private final AtomicLong current = new AtomicLong();
    private final AtomicLong maxEvents = new AtomicLong();
    private final AtomicLong oomKills = new AtomicLong();
    /** This group's reclaimable pages (the proposal's per-cgroup sgx_epc_lru_list). */
    final SgxEpcLru lru = new SgxEpcLru();
    final Set<SgxEnclave> enclaves = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    SgxEpcCgroup(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** sgx_epc.max in pages. */
    public long max() {
        return max;
    }

    /** Writes sgx_epc.max (pages); a group already above it is shrunk by the next charges. */
    public void max(long pages) {
        if (pages < 0) {
            throw new ErrnoException(Errno.EINVAL, "sgx_epc.max must not be negative");
        }
        max = pages;
    }

    /** sgx_epc.current in pages. */
    public long current() {
        return current.get();
    }

    /** sgx_epc.events: charges refused at the limit ("max") and enclaves killed ("oom_kill"). */
    public record Events(long max, long oomKill) {
    }

    public Events events() {
        return new Events(maxEvents.get(), oomKills.get());
    }

    public int lruSize() {
        synchronized (lru) {
            return lru.size();
        }
    }

    public List<SgxEnclave> enclaves() {
        synchronized (enclaves) {
            return List.copyOf(enclaves);
        }
    }

    /** sgx_epc_cgroup_try_charge of one page: false (and an event) when it would exceed max. */
    boolean tryCharge() {
        while (true) {
            long c = current.get();
            if (c + 1 > max) {
                maxEvents.incrementAndGet();
                return false;
            }
            if (current.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    void uncharge() {
        current.decrementAndGet();
    }

    void oomKilled() {
        oomKills.incrementAndGet();
    }

    /** True when the group is at or above its limit (a charge would have to reclaim first). */
    boolean atLimit() {
        return current.get() >= max;
    }

    @Override
    public String toString() {
        return "sgx_epc cgroup " + name;
    }
}
