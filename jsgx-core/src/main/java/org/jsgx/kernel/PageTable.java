package org.jsgx.kernel;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A process's PTEs by virtual page number, laid out like x86-64 4-level paging (PML4, PDPT, PD,
 * PT; 512 entries each): a lookup is four array loads, with no hashing or boxing, which matters
 * because every user access and every ENCLS operand the kernel hands the cpu layer is
 * translated here. Lookups are lock-free; installs and removals may race with each other (the
 * fault handler runs under the mmap read lock), so levels are published with compare-and-set.
 * Page numbers beyond 48-bit addresses (never canonical user addresses) go to a side map.
 */
final class PageTable {
    private static final int BITS = 9;
    private static final int FANOUT = 1 << BITS;
    private static final int MASK = FANOUT - 1;
    private static final long LIMIT = 1L << (4 * BITS); // page numbers of 48-bit addresses

    private final AtomicReferenceArray<AtomicReferenceArray<AtomicReferenceArray<AtomicReferenceArray<Pte>>>> pml4 =
            new AtomicReferenceArray<>(FANOUT);
    private final ConcurrentHashMap<Long, Pte> beyond = new ConcurrentHashMap<>();

    /** The PTE of virtual page {@code vpn}, or null. */
    Pte get(long vpn) {
        if (Long.compareUnsigned(vpn, LIMIT) >= 0) {
            return beyond.get(vpn);
        }
        var pdpt = pml4.get(index(vpn, 3));
        if (pdpt == null) {
            return null;
        }
        var pd = pdpt.get(index(vpn, 2));
        if (pd == null) {
            return null;
        }
        var pt = pd.get(index(vpn, 1));
        return pt == null ? null : pt.get(index(vpn, 0));
    }

    /** Installs {@code pte} for {@code vpn} (replacing any). */
    void put(long vpn, Pte pte) {
        if (Long.compareUnsigned(vpn, LIMIT) >= 0) {
            beyond.put(vpn, pte);
            return;
        }
        var pdpt = level(pml4, index(vpn, 3));
        var pd = level(pdpt, index(vpn, 2));
        var pt = level(pd, index(vpn, 1));
        pt.set(index(vpn, 0), pte);
    }

    /** Removes the PTE of {@code vpn}; returns it, or null when there was none. */
    Pte remove(long vpn) {
        if (Long.compareUnsigned(vpn, LIMIT) >= 0) {
            return beyond.remove(vpn);
        }
        var pdpt = pml4.get(index(vpn, 3));
        var pd = pdpt == null ? null : pdpt.get(index(vpn, 2));
        var pt = pd == null ? null : pd.get(index(vpn, 1));
        return pt == null ? null : pt.getAndSet(index(vpn, 0), null);
    }

    private static int index(long vpn, int level) {
        return (int) (vpn >>> (BITS * level)) & MASK;
    }

    /** The next level at {@code i}, created (and published once) when missing. */
    private static <T> AtomicReferenceArray<T> level(AtomicReferenceArray<AtomicReferenceArray<T>> table, int i) {
        AtomicReferenceArray<T> next = table.get(i);
        if (next == null) {
            table.compareAndSet(i, null, new AtomicReferenceArray<>(FANOUT));
            next = table.get(i);
        }
        return next;
    }
}
