package org.jsgx.kernel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jsgx.cpu.EpcSection;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.Platform;

/**
 * The EPC page allocator of main.c: one free list per section (each section is its own NUMA
 * node here), taken from the head and refilled at the tail. {@link #alloc} is
 * sgx_alloc_epc_page: it first charges the page to the enclave's EPC cgroup (reclaiming within
 * that group, or OOM-killing one of its enclaves, when the group is at its limit), then takes a
 * free page; with {@code reclaim} it runs sgx_reclaim_pages directly until one frees up, without
 * it an empty EPC is -EBUSY (the fault handler retries once ksgxswapd made room). Whenever fewer
 * than SGX_NR_LOW_PAGES are left, ksgxswapd is woken.
 *
 * <p>Boot-time sanitisation (sgx_sanitize_section: EREMOVE of every page, so a kexec'd kernel
 * finds no stale enclave) is done lazily: a section's never-used frames are handed out in
 * order, and each is EREMOVEd on the reserved CPU first if its EPCM entry is still valid; a
 * frame EREMOVE refuses (a SECS whose children are not gone yet) waits on a dirty list and is
 * retried, as the kernel's second sanitisation pass does.
 */
public final class SgxEpcAllocator {
    /** SGX_NR_LOW_PAGES: below this ksgxswapd is woken and SGX2 ioctls reclaim directly. */
    static final int NR_LOW_PAGES = 32;
    /** SGX_NR_HIGH_PAGES: ksgxswapd reclaims until this many are free. */
    static final int NR_HIGH_PAGES = 64;

    private final Platform platform;
    private final List<Node> nodes = new ArrayList<>();
    private final AtomicLong nrFreePages = new AtomicLong();
    private final long totalPages;
    private final AtomicLong sanitized = new AtomicLong();
    private SgxReclaimer reclaimer;
    private SgxEpcCgroup root;
    /**
     * Threads waiting for a free page (the fault path's reschedule while ksgxswapd works). They
     * park rather than wait on a monitor: a notified virtual thread would be handed to the JDK's
     * unblocker thread first, unpark schedules it directly.
     */
    private final ConcurrentLinkedQueue<Thread> freeWaiters = new ConcurrentLinkedQueue<>();

    /** One section's free list (a node's free_page_list with its lock). */
    private static final class Node {
        final EpcSection section;
        final int index;
        final ArrayDeque<SgxEpcPage> free = new ArrayDeque<>();
        final ArrayDeque<SgxEpcPage> dirty = new ArrayDeque<>();
        long neverUsed;

        Node(EpcSection section, int index) {
            this.section = section;
            this.index = index;
        }
    }

    SgxEpcAllocator(Platform platform) {
        this.platform = platform;
        long total = 0;
        List<EpcSection> sections = platform.epc().sections();
        for (int i = 0; i < sections.size(); i++) {
            nodes.add(new Node(sections.get(i), i));
            total += sections.get(i).pageCount();
        }
        totalPages = total;
        nrFreePages.set(total);
    }

    void reclaimer(SgxReclaimer r, SgxEpcCgroup rootGroup) {
        reclaimer = r;
        root = rootGroup;
    }

    public long freePages() {
        return nrFreePages.get();
    }

    public long totalPages() {
        return totalPages;
    }

    /** Frames found still valid at first use and EREMOVEd (the sanitisation's work). */
    public long sanitizedPages() {
        return sanitized.get();
    }

    /** __sgx_alloc_epc_page: the local node first, then the others round-robin; null if none. */
    SgxEpcPage allocRaw(int cpu) {
        int n = nodes.size();
        int start = cpu % n;
        for (int k = 0; k < n; k++) {
            Node node = nodes.get((start + k) % n);
            synchronized (node) {
                SgxEpcPage p = node.free.pollFirst();
                while (p == null && node.neverUsed < node.section.pageCount()) {
                    p = sanitize(node, new SgxEpcPage(node.section.base() + (node.neverUsed++ << 12), node.index));
                }
                if (p == null && !node.dirty.isEmpty()) {
                    p = sanitize(node, node.dirty.pollFirst());
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

    /** sgx_sanitize_section for one frame: EREMOVE it if the EPCM still holds a page. */
    private SgxEpcPage sanitize(Node node, SgxEpcPage p) {
        if (!node.section.page(p.pa).epcm().valid()) {
            return p;
        }
        LogicalProcessor cpu = platform.reservedCpu();
        int ret = reclaimer.encls().eremove(cpu, p.pa);
        if (ret != 0) {
            node.dirty.addLast(p);
            return null;
        }
        sanitized.incrementAndGet();
        return p;
    }

    /**
     * sgx_alloc_epc_page for a page of {@code encl} (null: charged to the root group) held by
     * {@code owner} (null for VA pages). Errors: ENOMEM (nothing free and nothing reclaimable, or
     * the cgroup is at its limit with nothing left to reclaim or kill), EBUSY (nothing free, or
     * the cgroup at its limit, and {@code reclaim} is false), ERESTARTSYS (signal while
     * reclaiming).
     */
    SgxEpcPage alloc(SgxEnclPage owner, SgxEnclave encl, boolean reclaim, Task task) {
        SgxEpcCgroup cg = encl == null || encl.cgroup == null ? root : encl.cgroup;
        LogicalProcessor lp = task == null ? platform.reservedCpu() : task.cpu();
        while (!cg.tryCharge()) {
            if (!reclaim) {
                throw new ErrnoException(Errno.EBUSY, "EPC cgroup " + cg.name() + " at sgx_epc.max");
            }
            if (task != null && task.signalPending()) {
                throw new ErrnoException(Errno.ERESTARTSYS, "signal while reclaiming EPC");
            }
            if (reclaimer.reclaimPages(cg, lp) == 0 && !reclaimer.oomKill(cg, encl, lp)) {
                throw new ErrnoException(Errno.ENOMEM, "EPC cgroup " + cg.name() + " at sgx_epc.max and nothing to reclaim");
            }
        }
        SgxEpcPage page;
        try {
            while (true) {
                page = allocRaw(lp.id());
                if (page != null) {
                    page.owner = owner;
                    page.cgroup = cg;
                    break;
                }
                if (reclaimer.nothingReclaimable()) {
                    throw new ErrnoException(Errno.ENOMEM, "EPC exhausted and nothing is reclaimable");
                }
                if (!reclaim) {
                    reclaimer.wake();
                    throw new ErrnoException(Errno.EBUSY, "no free EPC page (ksgxswapd woken)");
                }
                if (task != null && task.signalPending()) {
                    throw new ErrnoException(Errno.ERESTARTSYS, "signal while reclaiming EPC");
                }
                reclaimer.reclaimPages(null, lp);
            }
        } catch (RuntimeException e) {
            cg.uncharge();
            throw e;
        }
        reclaimer.wakeIfLow();
        return page;
    }

    /** Allocation charged to the owner's enclave. */
    SgxEpcPage alloc(SgxEnclPage owner, boolean reclaim, Task task) {
        return alloc(owner, owner == null ? null : owner.encl, reclaim, task);
    }

    /** sgx_free_epc_page: uncharged, back to the tail of its node's free list (no EREMOVE). */
    void free(SgxEpcPage page) {
        Node node = nodes.get(page.section);
        SgxEpcCgroup cg;
        synchronized (node) {
            cg = page.cgroup;
            page.cgroup = null;
            page.owner = null;
            page.free = true;
            node.free.addLast(page);
        }
        if (cg != null) {
            cg.uncharge();
        }
        nrFreePages.incrementAndGet();
        wakeWaiters();
    }

    /**
     * Wakes the tasks waiting in {@link #awaitFree} (they retry their fault). Each is taken off
     * the queue, so the frees that follow in the same batch cost a read of an empty queue.
     */
    void wakeWaiters() {
        if (!freeWaiters.isEmpty()) {
            for (Thread t; (t = freeWaiters.poll()) != null; ) {
                LockSupport.unpark(t);
            }
        }
    }

    /**
     * [MODEL] The faulting task is rescheduled after VM_FAULT_NOPAGE: wake ksgxswapd and wait
     * until a page is freed, or ksgxswapd ends a run (freeing nothing), before the access is
     * retried, instead of spinning through AEX and ERESUME. The wait has no timeout: a timed
     * park of the enclave's virtual thread costs a delayed task (two more futex wake-ups) per
     * fault; ksgxswapd wakes the waiters at the end of every run and every idle tick instead.
     *
     * <p>When pages are free, the EBUSY was about the page itself (ksgxswapd holds it between
     * EBLOCK and EWB) and the task retries at once, as the kernel's does. The kernel's task is
     * preemptible while it retries; an enclave's virtual thread is not, so it yields its
     * carrier. Without that, threads spinning here could hold every carrier while the thread
     * that must take ksgxswapd's IPI waited for one: the IPI timed out, the EWB failed and the
     * page's contents were lost (a rare hang and SIGBUS in the oversubscription test).
     */
    void awaitFree() {
        reclaimer.wake();
        Thread me = Thread.currentThread();
        freeWaiters.add(me);
        boolean parked = false;
        try {
            // queued before these reads: free() and stop() see us, or we see them
            if (nrFreePages.get() == 0 && !reclaimer.stopped()) {
                LockSupport.park(this); // a spurious return just retries the fault
                parked = true;
            }
        } finally {
            freeWaiters.remove(me); // usually taken off already by the waker
        }
        if (!parked) {
            Thread.yield();
        }
    }
}
