package org.jsgx.kernel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jsgx.cpu.EpcSection;
import org.jsgx.cpu.Platform;

/**
 * The EPC page allocator of main.c: one free list per section (each section is its own NUMA
 * node here), taken from the head and refilled at the tail; a section's never-used frames are
 * handed out lazily so a large EPC costs nothing up front. {@link #alloc} is
 * sgx_alloc_epc_page: with {@code reclaim} it runs the reclaimer directly until a page frees
 * up; without it an empty EPC is -EBUSY (the caller retries once ksgxd made room).
 */
public final class SgxEpcAllocator {
    /** SGX_NR_LOW_PAGES: below this ksgxd is woken and SGX2 ioctls reclaim directly. */
    static final int NR_LOW_PAGES = 32;
    /** SGX_NR_HIGH_PAGES: ksgxd reclaims until this many are free. */
    static final int NR_HIGH_PAGES = 64;

    private final List<Node> nodes = new ArrayList<>();
    private final AtomicLong nrFreePages = new AtomicLong();
    private final long totalPages;
    private SgxReclaimer reclaimer;

    /** One section's free list (a node's free_page_list with its lock). */
    private static final class Node {
        final EpcSection section;
        final int index;
        final ArrayDeque<SgxEpcPage> free = new ArrayDeque<>();
        long neverUsed;

        Node(EpcSection section, int index) {
            this.section = section;
            this.index = index;
        }
    }

    SgxEpcAllocator(Platform platform) {
        long total = 0;
        List<EpcSection> sections = platform.epc().sections();
        for (int i = 0; i < sections.size(); i++) {
            nodes.add(new Node(sections.get(i), i));
            total += sections.get(i).pageCount();
        }
        totalPages = total;
        // boot-time sanitization (EREMOVE of every page) finds a fresh platform's EPC all free
        nrFreePages.set(total);
    }

    void reclaimer(SgxReclaimer r) {
        reclaimer = r;
    }

    public long freePages() {
        return nrFreePages.get();
    }

    public long totalPages() {
        return totalPages;
    }

    /** __sgx_alloc_epc_page: the local node first, then the others round-robin; null if none. */
    SgxEpcPage allocRaw(int cpu) {
        int n = nodes.size();
        int start = cpu % n;
        for (int k = 0; k < n; k++) {
            Node node = nodes.get((start + k) % n);
            synchronized (node) {
                SgxEpcPage p = node.free.pollFirst();
                if (p == null && node.neverUsed < node.section.pageCount()) {
                    p = new SgxEpcPage(node.section.base() + (node.neverUsed++ << 12), node.index);
                }
                if (p != null) {
                    p.free = false;
                    p.reclaimerTracked = false;
                    nrFreePages.decrementAndGet();
                    return p;
                }
            }
        }
        return null;
    }

    /**
     * sgx_alloc_epc_page: a page owned by {@code owner}. Errors: ENOMEM (nothing free and nothing
     * reclaimable), EBUSY (nothing free and {@code reclaim} is false), ERESTARTSYS (signal
     * while reclaiming).
     */
    SgxEpcPage alloc(SgxEnclPage owner, boolean reclaim, Task task) {
        int cpu = task == null ? 0 : task.cpu().id();
        SgxEpcPage page;
        while (true) {
            page = allocRaw(cpu);
            if (page != null) {
                page.owner = owner;
                break;
            }
            if (reclaimer.lruEmpty()) {
                throw new ErrnoException(Errno.ENOMEM, "EPC exhausted and nothing is reclaimable");
            }
            if (!reclaim) {
                reclaimer.wake();
                throw new ErrnoException(Errno.EBUSY, "no free EPC page (ksgxd woken)");
            }
            if (task != null && task.signalPending()) {
                throw new ErrnoException(Errno.ERESTARTSYS, "signal while reclaiming EPC");
            }
            reclaimer.reclaimPages(task);
        }
        if (reclaimer.shouldReclaim(NR_LOW_PAGES)) {
            reclaimer.wake();
        }
        return page;
    }

    /** sgx_free_epc_page: back to the tail of its node's free list (no EREMOVE). */
    void free(SgxEpcPage page) {
        Node node = nodes.get(page.section);
        synchronized (node) {
            page.owner = null;
            page.free = true;
            node.free.addLast(page);
        }
        nrFreePages.incrementAndGet();
    }
}
