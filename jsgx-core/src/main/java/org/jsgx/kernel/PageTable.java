package org.jsgx.kernel;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A process's PTEs by virtual page number, laid out like x86-64 4-level paging (PML4, PDPT, PD,
 * PT; 512 entries each): a lookup is four array loads, with no hashing or boxing, which matters
 * because every user access and every ENCLS operand the kernel hands the cpu layer is
 * translated here. Lookups are lock-free; installs and removals may race with each other (the
 * fault handler runs under the mmap read lock), so levels are published with compare-and-set.
 * Page numbers beyond 48-bit addresses (never canonical user addresses) go to a side map.
 * The table counts its own changes ({@link #generation}) for engines that cache translations.
 */
final class PageTable {
    private static final int BITS = 9;
    private static final int FANOUT = 1 << BITS;
    private static final int MASK = FANOUT - 1;
    private static final long LIMIT = 1L << (4 * BITS); // page numbers of 48-bit addresses

    private final AtomicReferenceArray<AtomicReferenceArray<AtomicReferenceArray<AtomicReferenceArray<Pte>>>> pml4 =
            new AtomicReferenceArray<>(FANOUT);
    private final ConcurrentHashMap<Long, Pte> beyond = new ConcurrentHashMap<>();
    /** Moves after every install, removal and {@link #changed} (a PTE re-protected in place). */
    private final AtomicLong generation = new AtomicLong();

    /** [MODEL] The change count a TLB-like cache compares (see AddressSpace.generation). */
    long generation() {
        return generation.get();
    }

    /** A PTE held in this table was changed in place (its rights re-protected). */
    void changed() {
        generation.incrementAndGet();
    }

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
        } else {
            var pdpt = level(pml4, index(vpn, 3));
            var pd = level(pdpt, index(vpn, 2));
            var pt = level(pd, index(vpn, 1));
            pt.set(index(vpn, 0), pte);
        }
        generation.incrementAndGet();
    }

    /** Removes the PTE of {@code vpn}; returns it, or null when there was none. */
    Pte remove(long vpn) {
        Pte old;
        if (Long.compareUnsigned(vpn, LIMIT) >= 0) {
            old = beyond.remove(vpn);
        } else {
            var pdpt = pml4.get(index(vpn, 3));
            var pd = pdpt == null ? null : pdpt.get(index(vpn, 2));
            var pt = pd == null ? null : pd.get(index(vpn, 1));
            old = pt == null ? null : pt.getAndSet(index(vpn, 0), null);
        }
        if (old != null) {
            generation.incrementAndGet();
        }
        return old;
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
