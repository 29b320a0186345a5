package org.jsgx.kernel;

import java.util.ArrayList;
import java.util.List;
import org.jsgx.cpu.SgxStatus;

/**
 * The EPC reclaimer of main.c: one global LRU of reclaimable enclave pages (REG, TCS, TRIM —
 * never SECS or VA pages), and {@link #reclaimPages} — one batch of up to 16 pages: detach,
 * age (a page touched since the last scan gets a second chance), block (zap PTEs, EBLOCK),
 * write (EWB with the ETRACK escalation; the SECS follows when its last child is gone and the
 * enclave is initialised). [MODEL] ksgxd is not a thread: when the kernel would wake it, the
 * next fault or allocation runs its loop synchronously ({@link #ksgxd}).
 */
public final class SgxReclaimer {
    /** SGX_NR_TO_SCAN. */
    static final int NR_TO_SCAN = 16;

    private final SgxDriver drv;
    /** sgx_active_page_list: insertion-ordered, O(1) removal of any page (list_del). */
    private final java.util.LinkedHashSet<SgxEpcPage> lru = new java.util.LinkedHashSet<>();
    private volatile boolean wakeRequested;
    private long pagesWritten;
    private long pagesLost;

    SgxReclaimer(SgxDriver drv) {
        this.drv = drv;
    }

    /** sgx_mark_page_reclaimable. */
    void markReclaimable(SgxEpcPage p) {
        synchronized (lru) {
            p.reclaimerTracked = true;
            p.onLru = true;
            lru.addLast(p);
        }
    }

    /** sgx_unmark_page_reclaimable: EBUSY while the reclaimer holds the page. */
    void unmarkReclaimable(SgxEpcPage p) {
        synchronized (lru) {
            if (p.reclaimerTracked && !p.onLru) {
                throw new ErrnoException(Errno.EBUSY, "page is held by the reclaimer");
            }
            if (p.onLru) {
                lru.remove(p);
            }
            p.onLru = false;
            p.reclaimerTracked = false;
        }
    }

    /** Drops a page from the LRU on enclave release. */
    void forget(SgxEpcPage p) {
        synchronized (lru) {
            if (p.onLru) {
                lru.remove(p);
            }
            p.onLru = false;
            p.reclaimerTracked = false;
        }
    }

    boolean lruEmpty() {
        synchronized (lru) {
            return lru.isEmpty();
        }
    }

    public long pagesWritten() {
        return pagesWritten;
    }

    public long pagesLost() {
        return pagesLost;
    }

    /** sgx_should_reclaim. */
    boolean shouldReclaim(int watermark) {
        return drv.allocator.freePages() < watermark && !lruEmpty();
    }

    void wake() {
        wakeRequested = true;
    }

    /** ksgxd's loop, run when it was woken: reclaim while fewer than SGX_NR_HIGH_PAGES are free. */
    void ksgxd(Task task) {
        if (!wakeRequested) {
            return;
        }
        wakeRequested = false;
        int idle = 0;
        while (shouldReclaim(SgxEpcAllocator.NR_HIGH_PAGES) && idle < 4) {
            long before = drv.allocator.freePages();
            reclaimPages(task);
            idle = drv.allocator.freePages() == before ? idle + 1 : 0;
        }
    }

    /** sgx_reclaim_direct: one batch when fewer than SGX_NR_LOW_PAGES are free. */
    void reclaimDirect(Task task) {
        if (shouldReclaim(SgxEpcAllocator.NR_LOW_PAGES)) {
            reclaimPages(task);
        }
    }

    /** sgx_reclaim_pages: one batch. */
    void reclaimPages(Task task) {
        List<SgxEpcPage> chunk = new ArrayList<>();
        synchronized (lru) {
            while (chunk.size() < NR_TO_SCAN && !lru.isEmpty()) {
                SgxEpcPage p = lru.removeFirst();
                p.onLru = false;
                SgxEnclPage owner = p.owner;
                if (owner == null || owner.encl.released) {
                    p.reclaimerTracked = false;
                    continue;
                }
                chunk.add(p);
            }
        }
        List<SgxEpcPage> victims = new ArrayList<>();
        List<SgxBacking.Backing> backings = new ArrayList<>();
        for (SgxEpcPage p : chunk) {
            SgxEnclPage ep = p.owner;
            SgxEnclave encl = ep.encl;
            boolean skip = encl.young(ep.address);
            if (!skip) {
                encl.lock.lock();
                try {
                    backings.add(encl.backing.get((ep.address - encl.base) >>> 12));
                    ep.beingReclaimed = true;
                    victims.add(p);
                } finally {
                    encl.lock.unlock();
                }
            } else {
                synchronized (lru) {
                    p.onLru = true;
                    lru.addLast(p);
                }
            }
        }
        for (SgxEpcPage p : victims) {
            block(p.owner, task);
        }
        for (int i = 0; i < victims.size(); i++) {
            SgxEpcPage p = victims.get(i);
            write(p.owner, p, backings.get(i), task);
            synchronized (lru) {
                p.reclaimerTracked = false;
            }
            drv.allocator.free(p);
        }
    }

    /** sgx_reclaimer_block: no mapping may remain, then EBLOCK. */
    private void block(SgxEnclPage ep, Task task) {
        SgxEnclave encl = ep.encl;
        encl.zapPtes(ep.address);
        encl.lock.lock();
        try {
            int ret = drv.encls.eblock(task.cpu(), ep.epcPage.pa);
            if (SgxEncls.failed(ret)) {
                drv.kernel.warn("EBLOCK returned " + ret);
            }
        } finally {
            encl.lock.unlock();
        }
    }

    /** sgx_reclaimer_write: EWB the page; the SECS too once it has no resident child. */
    private void write(SgxEnclPage ep, SgxEpcPage p, SgxBacking.Backing b, Task task) {
        SgxEnclave encl = ep.encl;
        encl.lock.lock();
        try {
            ewb(ep, p, b, task);
            ep.epcPage = null;
            encl.secsChildCnt--;
            if (encl.secsChildCnt == 0 && encl.initialized && encl.secs.epcPage != null) {
                SgxEpcPage secsEpc = encl.secs.epcPage;
                ewb(encl.secs, secsEpc, encl.backing.get(encl.size >>> 12), task);
                encl.secs.epcPage = null;
                encl.freeEpcPage(secsEpc, task);
            }
        } finally {
            encl.lock.unlock();
        }
    }

    /** sgx_encl_ewb: EWB into the first VA page's free slot, escalating ETRACK then IPIs. */
    private void ewb(SgxEnclPage ep, SgxEpcPage p, SgxBacking.Backing b, Task task) {
        SgxEnclave encl = ep.encl;
        ep.beingReclaimed = false;
        SgxVaPage va = encl.vaPages.peekFirst();
        int offset = va.allocSlot();
        if (va.full()) {
            encl.vaPages.remove(va);
            encl.vaPages.addLast(va);
        }
        long slot = va.epcPage.pa + offset;
        int ret = drv.encls.ewb(task.cpu(), p.pa, b.contents(), b.pcmd(), slot);
        if (ret == SgxStatus.SGX_NOT_TRACKED.code()) {
            int t = drv.encls.etrack(task.cpu(), encl.secs.epcPage.pa);
            if (SgxEncls.failed(t)) {
                drv.kernel.warn("ETRACK returned " + t);
            }
            ret = drv.encls.ewb(task.cpu(), p.pa, b.contents(), b.pcmd(), slot);
            if (ret == SgxStatus.SGX_NOT_TRACKED.code()) {
                // IPI every CPU of the enclave's mms: [MODEL] nothing to interrupt
                ret = drv.encls.ewb(task.cpu(), p.pa, b.contents(), b.pcmd(), slot);
            }
        }
        if (ret != 0) {
            drv.kernel.warn("EWB of " + ep + " returned 0x" + Integer.toHexString(ret) + ": contents lost");
            va.freeSlot(offset);
            pagesLost++;
        } else {
            ep.vaPage = va;
            ep.vaOffset = offset;
            pagesWritten++;
        }
    }
}
