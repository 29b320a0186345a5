package org.jsgx.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jsgx.cpu.EpcPage;
import org.jsgx.cpu.LogicalProcessor;
import org.jsgx.cpu.SgxStatus;

/**
 * The EPC reclaimer of main.c. Reclaimable pages (REG, TCS, TRIM — never SECS or VA pages) sit
 * on the LRU of the EPC cgroup they are charged to. Beyond upstream, after a batch the
 * enclave's full VA pages that were not used since the last look are written out too
 * ({@link SgxEnclave#reclaimVaPages}); the fault path loads one back before a page whose
 * version it holds. {@link #reclaimPages} is sgx_reclaim_pages:
 * isolate a batch of up to SGX_NR_TO_SCAN (16), age it (a page accessed since the last scan —
 * PTE young bit or the CPU's accessed bit on the frame — goes back to the tail: second chance),
 * block the rest (zap PTEs, EBLOCK), then write them (EWB, with ETRACK and then an IPI to
 * every CPU of the enclave's mms when EWB says SGX_NOT_TRACKED; the SECS follows once its last
 * child is gone). Global reclaim takes batches from the groups in turn; a group at its
 * sgx_epc.max reclaims from its own LRU only.
 *
 * <p>ksgxswapd is a real thread ({@link #ksgxswapd}), started on first wake-up and bound to the
 * platform's reserved CPU: sgx_alloc_epc_page wakes it when fewer than SGX_NR_LOW_PAGES pages
 * are free, and it reclaims until SGX_NR_HIGH_PAGES are.
 */
public final class SgxReclaimer {
    /** SGX_NR_TO_SCAN. */
    static final int NR_TO_SCAN = 16;
    /** How long one IPI may take to be served before the last EWB is tried anyway. */
    static final long IPI_TIMEOUT_NANOS = 2_000_000_000L;

    private final SgxDriver drv;
    private final CopyOnWriteArrayList<SgxEpcCgroup> groups = new CopyOnWriteArrayList<>();
    private int nextGroup;
    /** Guards starting and ending the ksgxswapd thread (wake-ups themselves are park/unpark). */
    private final Object waitq = new Object();
    private volatile boolean wakeRequested;
    private volatile boolean stop;
    private volatile Thread thread;
    /** How long ksgxswapd sleeps between looks at the watermark when nobody wakes it. */
    private static final long IDLE_TICK_NANOS = 100_000_000L;
    final AtomicLong pagesWritten = new AtomicLong();
    final AtomicLong pagesLost = new AtomicLong();
    final AtomicLong wakeups = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    /** Extra ETRACK + IPI rounds before an EWB is given up (see {@link #ewb}). */
    static final int EXTRA_TRACK_ROUNDS = 8;
    /** Reclaim batches running now (their pages are off the LRUs). */
    private final java.util.concurrent.atomic.AtomicInteger batchesInFlight = new java.util.concurrent.atomic.AtomicInteger();
    final AtomicLong secondChances = new AtomicLong();
    final AtomicLong etracks = new AtomicLong();
    final AtomicLong ipis = new AtomicLong();
    final AtomicLong oomKills = new AtomicLong();

    SgxReclaimer(SgxDriver drv) {
        this.drv = drv;
    }

    SgxEncls encls() {
        return drv.encls;
    }

    void addGroup(SgxEpcCgroup g) {
        groups.add(g);
    }

    List<SgxEpcCgroup> groups() {
        return List.copyOf(groups);
    }

    /** sgx_mark_page_reclaimable: onto the LRU of the page's cgroup. */
    void markReclaimable(SgxEpcPage p) {
        SgxEpcLru lru = p.cgroup.lru;
        synchronized (lru) {
            p.reclaimerTracked = true;
            p.onLru = true;
            lru.addLast(p);
        }
    }

    /** sgx_unmark_page_reclaimable: EBUSY while the reclaimer holds the page. */
    void unmarkReclaimable(SgxEpcPage p) {
        SgxEpcLru lru = p.cgroup.lru;
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

    /**
     * Drops a page from its LRU on enclave release; false when the reclaimer holds it (it then
     * finishes the page itself, see {@link SgxEnclave#release}).
     */
    boolean forget(SgxEpcPage p) {
        SgxEpcLru lru = p.cgroup.lru;
        synchronized (lru) {
            if (p.reclaimerTracked && !p.onLru) {
                return false;
            }
            if (p.onLru) {
                lru.remove(p);
            }
            p.onLru = false;
            p.reclaimerTracked = false;
            return true;
        }
    }

    /**
     * Nothing on any LRU and no batch running. A running batch has taken pages off the LRUs and
     * will free some: the kernel's list_empty() test reports ENOMEM in that window; the model's
     * tiny EPCs hit it all the time, so the allocator answers EBUSY (retry) instead.
     */
    boolean nothingReclaimable() {
        return batchesInFlight.get() == 0 && lruEmpty();
    }

    boolean lruEmpty() {
        for (SgxEpcCgroup g : groups) {
            if (!g.lru.emptyLockless()) {
                return false;
            }
        }
        return true;
    }

    public long pagesWritten() {
        return pagesWritten.get();
    }

    public long pagesLost() {
        return pagesLost.get();
    }

    public long wakeups() {
        return wakeups.get();
    }

    /** sgx_should_reclaim. */
    boolean shouldReclaim(int watermark) {
        return drv.allocator.freePages() < watermark && !lruEmpty();
    }

    // ---- ksgxswapd ----

    /**
     * wake_up(&ksgxd_waitq); the thread is started on first use. A running ksgxswapd is
     * unparked directly (no monitor: the waker is usually the enclave's virtual thread, and a
     * monitor hand-off would go through the JDK's unblocker thread).
     */
    void wake() {
        if (wakeRequested) {
            return; // a wake-up is pending already: ksgxswapd will see it (waitqueue_active)
        }
        wakeRequested = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t); // it re-reads wakeRequested; see the idle exit for the race
            return;
        }
        synchronized (waitq) {
            if (stop) {
                return;
            }
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("ksgxswapd").start(this::ksgxswapd);
            } else {
                LockSupport.unpark(thread);
            }
        }
    }

    /**
     * The end of sgx_alloc_epc_page: wake ksgxswapd below SGX_NR_LOW_PAGES. The pending-wake-up
     * flag is read first: while ksgxswapd already has one, the LRU's list_empty (a cache line
     * ksgxswapd writes all the time) need not be looked at on every allocation.
     */
    void wakeIfLow() {
        if (!wakeRequested && shouldReclaim(SgxEpcAllocator.NR_LOW_PAGES)) {
            wake();
        }
    }

    boolean stopped() {
        return stop;
    }

    /** kthread_stop. */
    void stop() {
        Thread t;
        synchronized (waitq) {
            stop = true;
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
        }
        drv.allocator.wakeWaiters();
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * ksgxd(): sleep until woken, then reclaim batches while fewer than SGX_NR_HIGH_PAGES are
     * free. A run of batches that frees nothing (everything young) goes back to sleep for a tick
     * instead of spinning; the next scan finds those pages old.
     */
    private void ksgxswapd() {
        try {
            ksgxd();
        } catch (Throwable t) {
            // [MODEL] a dead ksgxswapd would leave faulting tasks parked in awaitFree for good:
            // forget the thread so the next wake() starts another, and let the waiters retry
            synchronized (waitq) {
                if (thread == Thread.currentThread()) {
                    thread = null;
                }
                wakeRequested = false;
            }
            drv.allocator.wakeWaiters();
            throw t;
        }
    }

    private void ksgxd() {
        LogicalProcessor cpu = drv.kernel.platform().reservedCpu();
        while (true) {
            int idleTicks = 0;
            while (!wakeRequested && !stop && !shouldReclaim(SgxEpcAllocator.NR_LOW_PAGES)) {
                LockSupport.parkNanos(this, IDLE_TICK_NANOS);
                drv.allocator.wakeWaiters(); // a backstop: waiters retry at least every tick
                if (Thread.currentThread().isInterrupted()
                        || !wakeRequested && !shouldReclaim(SgxEpcAllocator.NR_LOW_PAGES) && ++idleTicks == 20) {
                    // [MODEL] idle for 2 s: the thread ends and the next wake() starts a new
                    // one, so kernels a test abandons do not keep polling threads alive
                    synchronized (waitq) {
                        thread = null;
                        // wake() sets the flag before it reads thread: one of us sees the other
                        if (!wakeRequested || stop) {
                            drv.allocator.wakeWaiters();
                            return;
                        }
                        thread = Thread.currentThread();
                    }
                }
            }
            if (stop) {
                synchronized (waitq) {
                    thread = null;
                }
                drv.allocator.wakeWaiters();
                return;
            }
            wakeRequested = false;
            wakeups.incrementAndGet();
            int idle = 0;
            while (!stop && shouldReclaim(SgxEpcAllocator.NR_HIGH_PAGES) && idle < 4) {
                try {
                    idle = reclaimPages(null, cpu) == 0 ? idle + 1 : 0;
                } catch (RuntimeException e) {
                    drv.kernel.warn("ksgxswapd: " + e);
                    idle++;
                }
            }
            // a run that freed nothing still lets the faults waiting for a page retry
            drv.allocator.wakeWaiters();
        }
    }

    /** sgx_reclaim_direct: one batch when fewer than SGX_NR_LOW_PAGES are free. */
    void reclaimDirect(Task task) {
        if (shouldReclaim(SgxEpcAllocator.NR_LOW_PAGES)) {
            reclaimPages(null, task.cpu());
        }
    }

    /** sgx_reclaim_pages on the task's CPU (global). */
    void reclaimPages(Task task) {
        reclaimPages(null, task.cpu());
    }

    // ---- sgx_reclaim_pages ----

    /** The LRU the next global batch comes from: the groups in turn, skipping empty ones. */
    private SgxEpcCgroup nextGroup() {
        int n = groups.size();
        synchronized (groups) {
            for (int k = 0; k < n; k++) {
                SgxEpcCgroup g = groups.get((nextGroup + k) % n);
                synchronized (g.lru) {
                    if (!g.lru.isEmpty()) {
                        nextGroup = (nextGroup + k + 1) % n;
                        return g;
                    }
                }
            }
        }
        return null;
    }

    /**
     * One batch from {@code only}'s LRU (null: global reclaim); returns the number of EPC pages
     * freed (the SECS included when it followed its last child).
     */
    int reclaimPages(SgxEpcCgroup only, LogicalProcessor cpu) {
        batchesInFlight.incrementAndGet();
        try {
            return reclaimBatch(only, cpu);
        } finally {
            batchesInFlight.decrementAndGet();
        }
    }

    private int reclaimBatch(SgxEpcCgroup only, LogicalProcessor cpu) {
        SgxEpcCgroup g = only != null ? only : nextGroup();
        if (g == null) {
            return 0;
        }
        batches.incrementAndGet();
        List<SgxEpcPage> chunk = new ArrayList<>(NR_TO_SCAN);
        synchronized (g.lru) {
            while (chunk.size() < NR_TO_SCAN && !g.lru.isEmpty()) {
                SgxEpcPage p = g.lru.pollFirst();
                p.onLru = false;
                SgxEnclPage owner = p.owner;
                if (owner == null || owner.encl.released) {
                    p.reclaimerTracked = false;
                    continue;
                }
                owner.encl.reclaimerHeld.incrementAndGet(); // kref_get_unless_zero(&encl->refcount)
                chunk.add(p);
            }
        }
        List<SgxEpcPage> victims = new ArrayList<>(chunk.size());
        List<SgxBacking.Backing> backings = new ArrayList<>(chunk.size());
        int freed = 0;
        for (SgxEpcPage p : chunk) {
            SgxEnclPage ep = p.owner;
            SgxEnclave encl = ep.encl;
            if (!encl.released && age(encl, ep, p)) {
                secondChances.incrementAndGet();
                synchronized (g.lru) {
                    p.onLru = true;
                    g.lru.addLast(p);
                }
                encl.reclaimerPut(cpu); // kref_put: the lock only if this was the last reference
                continue;
            }
            encl.lock.lock();
            try {
                backings.add(encl.released ? null : encl.backing.getForEwb((ep.address - encl.base) >>> 12));
                ep.beingReclaimed = true;
                victims.add(p);
            } finally {
                encl.lock.unlock();
            }
        }
        for (SgxEpcPage p : victims) {
            block(p.owner, cpu);
        }
        for (int i = 0; i < victims.size(); i++) {
            SgxEpcPage p = victims.get(i);
            SgxEnclave encl = p.owner.encl;
            boolean last = true; // the batch's last page of this enclave
            for (int k = i + 1; k < victims.size() && last; k++) {
                last = victims.get(k).owner.encl != encl;
            }
            freed += write(p.owner, p, backings.get(i), last, cpu);
        }
        return freed;
    }

    /**
     * sgx_reclaimer_age: true (young: keep it) when any mm's PTE or the CPU's accessed bit says
     * the page was used since the last scan; both are cleared.
     */
    private boolean age(SgxEnclave encl, SgxEnclPage ep, SgxEpcPage p) {
        boolean young = encl.young(ep.address);
        EpcPage frame = drv.kernel.platform().epc().page(p.pa);
        return frame.testAndClearAccessed() | young;
    }

    /** sgx_reclaimer_block: no mapping may remain, then EBLOCK. */
    private void block(SgxEnclPage ep, LogicalProcessor cpu) {
        SgxEnclave encl = ep.encl;
        encl.zapPtes(ep.address);
        encl.lock.lock();
        try {
            if (encl.released) {
                return;
            }
            // [MODEL] the cpu model's per-page lock is also held by ENCLU leaves on that page (an
            // EENTER through a TCS), which hardware does not serialise against EBLOCK: wait the
            // conflict out instead of writing back an unblocked page
            long pa = ep.epcPage.pa;
            int ret = retryWhile(SgxStatus.SGX_EPC_PAGE_CONFLICT.code(), () -> drv.encls.eblock(cpu, pa));
            if (SgxEncls.failed(ret)) {
                drv.kernel.warn("EBLOCK returned " + ret);
            }
        } finally {
            encl.lock.unlock();
        }
    }

    /**
     * sgx_reclaimer_write: EWB the page; the SECS too once it has no resident child and the
     * enclave is initialised. A page of an enclave released meanwhile is just freed (EREMOVE).
     * Then, as in sgx_reclaim_pages, with encl->lock dropped: the enclave reference goes, the
     * page loses RECLAIMER_TRACKED and returns to the free list. The page is nobody's once EWB
     * took it (the encl page points at its VA slot now), so nothing needs the lock for that;
     * holding it would only lengthen the section the fault path waits on. Returns the EPC
     * pages freed.
     */
    private int write(SgxEnclPage ep, SgxEpcPage p, SgxBacking.Backing b, boolean last, LogicalProcessor cpu) {
        SgxEnclave encl = ep.encl;
        int freed = 1;
        encl.lock.lock();
        try {
            ep.beingReclaimed = false;
            if (encl.released) {
                encl.freeEpcPage(p, cpu);
                ep.epcPage = null;
                encl.secsChildCnt--;
                clearTracked(p);
                encl.reclaimerDone(cpu);
                return 1;
            }
            ewb(ep, p, b, cpu);
            ep.epcPage = null;
            encl.secsChildCnt--;
            if (encl.secsChildCnt == 0 && encl.initialized && encl.secs.epcPage != null) {
                SgxEpcPage secsEpc = encl.secs.epcPage;
                ewb(encl.secs, secsEpc, encl.backing.getForEwb(encl.size >>> 12), cpu);
                encl.secs.epcPage = null;
                encl.freeEpcPage(secsEpc, cpu);
                freed++;
            }
            if (last) {
                // beyond upstream: the enclave's idle full VA pages follow its pages out
                freed += encl.reclaimVaPages(cpu);
            }
        } finally {
            encl.lock.unlock();
        }
        encl.reclaimerPut(cpu); // kref_put: the lock again only for the last reference
        clearTracked(p);
        drv.allocator.free(p);
        return freed;
    }

    private void clearTracked(SgxEpcPage p) {
        synchronized (p.cgroup.lru) {
            p.reclaimerTracked = false;
        }
    }

    /** sgx_encl_ewb: EWB into the first VA page's free slot, escalating ETRACK then IPIs. */
    private void ewb(SgxEnclPage ep, SgxEpcPage p, SgxBacking.Backing b, LogicalProcessor cpu) {
        SgxEnclave encl = ep.encl;
        SgxVaPage va = encl.vaPages.peekFirst();
        int offset = va.allocSlot();
        if (va.full()) {
            encl.vaPages.remove(va);
            encl.vaPages.addLast(va);
        }
        long slot = va.epcPage.pa + offset;
        int ret = ewbLeaf(cpu, p, b, slot);
        if (ret == SgxStatus.SGX_NOT_TRACKED.code()) {
            etracks.incrementAndGet();
            int t = drv.encls.etrack(cpu, encl.secs.epcPage.pa);
            if (SgxEncls.failed(t) && t != SgxStatus.SGX_PREV_TRK_INCMPL.code()) {
                drv.kernel.warn("ETRACK returned " + t);
            }
            ret = ewbLeaf(cpu, p, b, slot);
            if (ret == SgxStatus.SGX_NOT_TRACKED.code()) {
                ipiEnclaveCpus(encl);
                ret = ewbLeaf(cpu, p, b, slot);
            }
            // [MODEL] The kernel's one IPI round suffices on hardware. In the model an enclave
            // thread can re-enter within microseconds of its AEX, and when the ETRACK above found
            // the previous cycle incomplete, the page's epoch is only closed by a later ETRACK:
            // repeat ETRACK + IPI a few times rather than lose the page.
            for (int round = 0; round < EXTRA_TRACK_ROUNDS && ret == SgxStatus.SGX_NOT_TRACKED.code(); round++) {
                etracks.incrementAndGet();
                drv.encls.etrack(cpu, encl.secs.epcPage.pa);
                ipiEnclaveCpus(encl);
                ret = ewbLeaf(cpu, p, b, slot);
            }
        }
        if (ret != 0) {
            drv.kernel.warn("EWB of " + ep + " returned 0x" + Integer.toHexString(ret) + ": contents lost");
            va.freeSlot(offset);
            encl.vaSlotFreed(va);
            encl.backing.clear(b.contents()); // the page getForEwb did not zero stays unread
            pagesLost.incrementAndGet();
            return;
        }
        ep.vaPage = va;
        ep.vaOffset = offset;
        pagesWritten.incrementAndGet();
    }

    /**
     * One EWB. [MODEL] The cpu model's per-page lock is also taken by EENTER/ERESUME on a TCS,
     * which hardware does not serialise against EWB: an EWB that meets one gets the #GP of a
     * busy page. Nothing changed then, so the EWB is tried again once the entry is through.
     */
    private int ewbLeaf(LogicalProcessor cpu, SgxEpcPage p, SgxBacking.Backing b, long slot) {
        return retryWhile(SgxEncls.ENCLS_FAULT_FLAG | GP_VECTOR,
                () -> drv.encls.ewb(cpu, p.pa, b.contents(), b.pcmd(), slot));
    }

    /**
     * Runs {@code leaf} again while it returns {@code busy}: a conflict with an ENCLU leaf on the
     * same page (the model's page lock). It is momentary unless that leaf's thread lost its CPU
     * (its carrier descheduled, or the virtual thread waiting for a carrier), so spin briefly,
     * then sleep between tries; an ENCLU leaf never waits for encl->lock, so the wait ends. The
     * IPI timeout bounds it all the same. Returns the last result.
     */
    private static int retryWhile(int busy, java.util.function.IntSupplier leaf) {
        int ret = leaf.getAsInt();
        long deadline = 0;
        for (int spin = 0; ret == busy; spin++) {
            if (spin < 1_000) {
                Thread.onSpinWait();
            } else {
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + IPI_TIMEOUT_NANOS;
                } else if (now > deadline) {
                    break;
                }
                LockSupport.parkNanos(10_000);
            }
            ret = leaf.getAsInt();
        }
        return ret;
    }

    private static final int GP_VECTOR = 13;

    /**
     * on_each_cpu_mask(sgx_encl_cpumask(encl), sgx_ipi_cb, NULL, true): every CPU any of the
     * enclave's mms ran on gets an IPI, and the call returns once each has handled it. [MODEL]
     * A processor in enclave mode handles it by an AEX at its next enclave access (the engine
     * checks {@link LogicalProcessor#ipiPending} between accesses, as an interrupt is taken
     * between instructions); we wait until every such processor has left enclave mode once, so
     * no thread that entered before the ETRACK is still inside. One that does not leave within
     * {@link #IPI_TIMEOUT_NANOS} (enclave code that never touches memory) is given up on, and
     * the EWB that follows then fails the way hardware would.
     */
    void ipiEnclaveCpus(SgxEnclave encl) {
        ipis.incrementAndGet();
        List<LogicalProcessor> pending = new ArrayList<>();
        java.util.Set<Integer> mask = new java.util.HashSet<>();
        for (Mm mm : encl.mmList) {
            mask.addAll(mm.cpumask);
        }
        for (int id : mask) {
            LogicalProcessor lp = drv.kernel.platform().cpu(id);
            if (lp.sendIpi()) {
                pending.add(lp);
            }
        }
        // csd_lock_wait: the sender spins until every target ran the callback; past a
        // millisecond the model sleeps between looks (a target may be descheduled)
        long start = System.nanoTime();
        long deadline = start + IPI_TIMEOUT_NANOS;
        for (LogicalProcessor lp : pending) {
            while (lp.ipiPending()) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    break;
                }
                if (now - start < 1_000_000) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(20_000);
                }
            }
        }
    }

    /**
     * What a fault that got EBUSY does once it dropped the enclave lock: a group at its limit
     * reclaims from its own LRU (or OOM-kills, possibly the faulting enclave itself); otherwise
     * the task waits for ksgxswapd to free a page.
     */
    void relieve(SgxEnclave encl, Task task) {
        SgxEpcCgroup g = encl.cgroup;
        if (g != null && g.atLimit()) {
            // two full rotations of the group's LRU that free nothing: every page is in use
            // right now (the faulting thread keeps its TCS and SSA young), nothing reclaimable
            int rounds = 2 * (g.lruSize() / NR_TO_SCAN + 1);
            for (int i = 0; i < rounds; i++) {
                if (reclaimPages(g, task.cpu()) > 0) {
                    return;
                }
                synchronized (g.lru) {
                    if (g.lru.isEmpty()) {
                        break;
                    }
                }
            }
            oomKill(g, encl, true, task.cpu());
        } else {
            drv.allocator.awaitFree();
        }
    }

    // ---- EPC cgroup OOM ----

    /**
     * sgx_epc_oom: the group is at its limit and nothing on its LRU could be reclaimed: kill the
     * group's enclave that holds the most EPC, other than {@code requester} when another exists
     * (a loader adding pages should fail with ENOMEM rather than kill itself). False when there
     * is no victim.
     */
    boolean oomKill(SgxEpcCgroup g, SgxEnclave requester, LogicalProcessor cpu) {
        return oomKill(g, requester, false, cpu);
    }

    /** As above; with {@code allowSelf} the requester is the victim when it is the only one. */
    boolean oomKill(SgxEpcCgroup g, SgxEnclave requester, boolean allowSelf, LogicalProcessor cpu) {
        SgxEnclave victim = null;
        long most = -1;
        for (SgxEnclave e : g.enclaves()) {
            if (e == requester || e.released) {
                continue;
            }
            long n = e.epcPagesHeld();
            if (n > most) {
                most = n;
                victim = e;
            }
        }
        if (victim == null && allowSelf && requester != null && !requester.released) {
            victim = requester;
        }
        if (victim == null) {
            return false;
        }
        victim.oomKill(cpu);
        g.oomKilled();
        oomKills.incrementAndGet();
        drv.kernel.warn("sgx_epc: OOM in " + g.name() + ", killed " + victim);
        return true;
    }
}
