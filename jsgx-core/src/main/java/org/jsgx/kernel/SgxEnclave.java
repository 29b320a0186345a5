package org.jsgx.kernel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jsgx.cpu.PageType;

/**
 * struct sgx_encl and encl.c: one enclave as the driver knows it — ELRANGE, state flags,
 * attributes and the allowed-attributes mask, the page array (linear page number → encl page),
 * the SECS's encl page, VA pages, the backing store and the list of mms that map it.
 * {@link #lock} (encl->lock) serialises every ENCLS on the enclave's pages and every change to
 * this state; it is always taken after an mm's mmap lock.
 */
public final class SgxEnclave {
    final SgxDriver drv;
    /** SGX_ENCL_IOCTL: set while an ioctl runs; a second one gets EBUSY. */
    final AtomicBoolean ioctlBusy = new AtomicBoolean();
    volatile boolean created;
    volatile boolean initialized;
    volatile boolean debug;
    long base;
    long size;
    long attributes;
    /** SECS.ATTRIBUTES.XFRM, which a launch token must match as well. */
    long xfrm;
    long attributesMask = SgxDriver.SGX_ATTR_UNPRIV_MASK;
    final EnclMutex lock = new EnclMutex();
    final SgxPageArray pageArray = new SgxPageArray();
    SgxEnclPage secs;
    /** Resident children of the SECS (the SECS may be evicted only at 0). */
    int secsChildCnt;
    /** SECS + enclave pages: drives VA page allocation, one VA slot per page. */
    long pageCnt;
    /**
     * Every VA page, those with free slots first (EWB takes the head; a page that fills goes to
     * the tail, one whose slot is freed to the front). Evicted VA pages are full, so they sit
     * in the tail part and the head, when it has a free slot, is resident.
     */
    final ArrayDeque<SgxVaPage> vaPages = new ArrayDeque<>();
    /** VA pages created so far (each one's index into the backing store's VA area). */
    private int vaCreated;
    /** VA pages evicted now (changed under {@link #lock}; read without it by {@link #vaSlotsShort}). */
    volatile int vaEvictedCount;
    SgxBacking backing;
    final CopyOnWriteArrayList<Mm> mmList = new CopyOnWriteArrayList<>();
    volatile long mmListVersion;
    volatile boolean released;
    /** Killed by the EPC cgroup's OOM handling (SGX_ENCL_OOM): every later fault is SIGBUS. */
    volatile boolean oom;
    /** The EPC cgroup every EPC page of this enclave is charged to. */
    SgxEpcCgroup cgroup;
    /** Pages the reclaimer has isolated (its references on the enclave: encl->refcount). */
    final java.util.concurrent.atomic.AtomicInteger reclaimerHeld = new java.util.concurrent.atomic.AtomicInteger();
    /** SECS, VA pages and backing freed (the last reference went away). */
    private boolean tornDown;

    SgxEnclave(SgxDriver drv) {
        this.drv = drv;
    }

    // ---- read-only views for tools and tests ----

    public boolean created() {
        return created;
    }

    public boolean initialized() {
        return initialized;
    }

    public long base() {
        return base;
    }

    public long size() {
        return size;
    }

    public long attributesMask() {
        return attributesMask;
    }

    /** The encl page at linear address {@code addr}, or null. */
    public SgxEnclPage page(long addr) {
        return pageArray.get(addr >>> 12);
    }

    /** The SECS's encl page (null before CREATE). */
    public SgxEnclPage secsPage() {
        return secs;
    }

    public int pageCount() {
        return pageArray.size();
    }

    public int vaPageCount() {
        lock.lock();
        try {
            return vaPages.size();
        } finally {
            lock.unlock();
        }
    }

    /** VA pages written out to the backing store now. */
    public int vaPagesEvicted() {
        lock.lock();
        try {
            return vaEvictedCount;
        } finally {
            lock.unlock();
        }
    }

    public List<Mm> mms() {
        return List.copyOf(mmList);
    }

    // ---- VA capacity ----

    /**
     * sgx_encl_grow: a new VA page (EPC page + EPA) when page_cnt is a multiple of 512, so every
     * page, the SECS included, has a slot to be evicted into. The caller links it under the lock.
     */
    SgxVaPage grow(boolean reclaim, Task task) {
        SgxVaPage va = null;
        if (pageCnt % SgxVaPage.SLOT_COUNT == 0 || vaSlotsShort()) {
            SgxEpcPage epc = drv.allocator.alloc(null, this, reclaim, task);
            int ret = drv.encls.epa(task.cpu(), epc.pa);
            if (ret != 0) {
                drv.allocator.free(epc);
                throw new ErrnoException(Errno.EFAULT, "EPA failed: " + ret);
            }
            lock.lock();
            try {
                va = new SgxVaPage(epc, vaCreated++);
            } finally {
                lock.unlock();
            }
        }
        pageCnt++;
        return va;
    }

    // ---- the VA slot reserve (beyond upstream: evictable VA pages) ----

    /**
     * Free VA slots in resident VA pages. The reserve rule: this never drops below
     * {@link #residentPages()}, so every resident page (SECS included) has a slot to be evicted
     * into. Upstream's one VA page per 512 pages keeps it by counting alone; evicting a VA page
     * spends a slot of that slack, so {@link #evictVa} requires one to spare (two: an ADD_PAGES
     * may be between its grow and its EADD) and {@link #grow} adds a VA page early when evicted
     * VA pages have used the slack up.
     */
    int freeVaSlots() {
        int n = 0;
        for (SgxVaPage va : vaPages) {
            if (va.resident()) {
                n += va.freeSlots();
            }
        }
        return n;
    }

    /** Pages that may need a VA slot: resident children and the SECS when resident. */
    int residentPages() {
        return secsChildCnt + (secs != null && secs.epcPage != null ? 1 : 0);
    }

    private boolean vaSlotsShort() {
        if (vaEvictedCount == 0) {
            // per added page: with no VA page evicted upstream's counting keeps the reserve, so
            // the lock is not taken (an eviction right after this read is the same race as one
            // right after the locked check, which evictVa's spare slot covers)
            return false;
        }
        lock.lock();
        try {
            return vaEvictedCount > 0 && freeVaSlots() <= residentPages();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Beyond upstream: after a batch of this enclave's pages was written, the reclaimer looks at
     * its full VA pages (the tail of {@link #vaPages}); one that no EWB or ELDU used since the
     * last look is evicted, the others lose their "used" mark (a second chance, as pages get on
     * the LRU). Call with {@link #lock} held; returns the EPC pages freed.
     */
    int reclaimVaPages(org.jsgx.cpu.LogicalProcessor cpu) {
        if (!initialized || released) {
            return 0;
        }
        List<SgxVaPage> idle = new ArrayList<>();
        for (java.util.Iterator<SgxVaPage> it = vaPages.descendingIterator(); it.hasNext(); ) {
            SgxVaPage va = it.next();
            if (!va.full()) {
                break; // the full ones are at the tail
            }
            if (va.resident() && !va.testAndClearUsed()) {
                idle.add(va);
            }
        }
        int freed = 0;
        for (SgxVaPage va : idle) {
            if (!evictVa(va, cpu)) {
                break;
            }
            freed++;
        }
        return freed;
    }

    /**
     * EWB of the full VA page {@code va} into a free slot of the first VA page, which has one and
     * is resident unless every VA page is full (then nothing happens). Never the last page with
     * free slots, and only while the slot reserve keeps one to spare. True when it went.
     */
    private boolean evictVa(SgxVaPage va, org.jsgx.cpu.LogicalProcessor cpu) {
        SgxVaPage home = vaPages.peekFirst();
        if (home == null || home == va || home.full() || !home.resident()
                || freeVaSlots() <= residentPages() + 1) {
            return false;
        }
        int offset = home.allocSlot();
        if (home.full()) {
            vaPages.remove(home);
            vaPages.addLast(home);
        }
        SgxBacking.Backing b = backing.va(va.index);
        int ret = drv.encls.ewb(cpu, va.epcPage.pa, b.contents(), b.pcmd(), home.epcPage.pa + offset);
        if (ret != 0) {
            drv.kernel.warn("EWB of VA page " + va.index + " returned 0x" + Integer.toHexString(ret)
                    + ": it stays resident");
            home.freeSlot(offset);
            vaSlotFreed(home);
            return false;
        }
        drv.allocator.free(va.epcPage);
        va.epcPage = null;
        va.parent = home;
        va.parentOffset = offset;
        vaEvictedCount++;
        drv.stats.vaEvicted.increment();
        return true;
    }

    /**
     * A slot of {@code va} was freed, so it has room again. Upstream moves it to the front, so
     * the next EWB refills that very slot and the evictions of a sweep spread over every VA page.
     * [beyond upstream] it goes right behind the page being filled instead: the head fills up
     * completely before the next page is started, evictions made together share a VA page that
     * can then go idle as a whole, and free slots gather in few pages.
     */
    void vaSlotFreed(SgxVaPage va) {
        SgxVaPage head = vaPages.peekFirst();
        if (head == va) {
            return;
        }
        vaPages.remove(va);
        if (head != null && !head.full()) {
            vaPages.pollFirst();
            vaPages.addFirst(va);
            vaPages.addFirst(head);
        } else {
            vaPages.addFirst(va);
        }
    }

    /**
     * Loads an evicted VA page back (its parent first: the chain is walked from its resident
     * root down), so the version of a page about to be ELDU'd is in the EPC. ELDU refusing the
     * backing copy (MAC mismatch) is EFAULT, and the fault SIGBUS, every time it is tried.
     */
    void loadVa(SgxVaPage va, Task task) {
        if (va.resident()) {
            return;
        }
        loadVa(va.parent, task);
        SgxEpcPage epc = drv.allocator.alloc(null, this, false, task);
        SgxBacking.Backing b = backing.va(va.index);
        SgxVaPage parent = va.parent;
        int ret = drv.encls.eldu(task.cpu(), 0, b.contents(), b.pcmd(), 0, epc.pa,
                parent.epcPage.pa + va.parentOffset);
        if (ret != 0) {
            drv.allocator.free(epc);
            drv.kernel.warn("ELDU of VA page " + va.index + " returned " + Integer.toHexString(ret));
            throw new ErrnoException(Errno.EFAULT, String.format("ELDU of VA page %d failed (0x%x)", va.index, ret));
        }
        backing.clearPcmd(b.pcmd());
        backing.truncateVa(va.index);
        parent.freeSlot(va.parentOffset);
        vaSlotFreed(parent);
        va.parent = null;
        va.parentOffset = 0;
        va.epcPage = epc;
        va.touch();
        vaEvictedCount--;
        drv.stats.vaReloaded.increment();
    }

    /** sgx_encl_shrink: undoes one grow; a VA page allocated by it is removed and freed. */
    void shrink(SgxVaPage va, Task task) {
        pageCnt--;
        if (va != null) {
            vaPages.remove(va);
            freeEpcPage(va.epcPage, task);
        }
    }

    /** sgx_encl_free_epc_page: EREMOVE, then back to the free list (leaked if EREMOVE fails). */
    void freeEpcPage(SgxEpcPage page, Task task) {
        freeEpcPage(page, task.cpu());
    }

    void freeEpcPage(SgxEpcPage page, org.jsgx.cpu.LogicalProcessor cpu) {
        int ret = drv.encls.eremove(cpu, page.pa);
        if (ret != 0) {
            drv.kernel.warn("EREMOVE returned " + ret + " and an EPC page was leaked: " + page);
            return;
        }
        drv.allocator.free(page);
    }

    // ---- loading pages (faults and SGX2 ioctls) ----

    /** sgx_encl_load_page: the resident page at {@code addr}, ELDU'd if evicted; no VMA check. */
    SgxEnclPage loadPage(long addr, Task task) {
        SgxEnclPage entry = pageArray.get(addr >>> 12);
        ErrnoException.check(entry == null, Errno.EFAULT, "no enclave page at 0x%x", addr);
        return loadEntry(entry, task);
    }

    /** sgx_encl_load_page_in_vma: as {@link #loadPage} but the VMA's rights must be within the cap. */
    SgxEnclPage loadPageInVma(long addr, long vmFlags, Task task) {
        long vmProtBits = vmFlags & Mman.VM_ACCESS_FLAGS;
        SgxEnclPage entry = pageArray.get(addr >>> 12);
        // every fault passes here: the messages are built only when thrown
        if (entry == null) {
            throw new ErrnoException(Errno.EFAULT, String.format("no enclave page at 0x%x", addr));
        }
        if ((entry.vmMaxProtBits & vmProtBits) != vmProtBits) {
            throw new ErrnoException(Errno.EFAULT, String.format("VMA rights %s exceed the page's maximum %s at 0x%x",
                    Mman.protString(vmProtBits), Mman.protString(entry.vmMaxProtBits), addr));
        }
        return loadEntry(entry, task);
    }

    /** __sgx_encl_load_page: EBUSY while the reclaimer has it; SECS first, then ELDU without reclaim. */
    private SgxEnclPage loadEntry(SgxEnclPage entry, Task task) {
        if (entry.epcPage != null) {
            ErrnoException.check(entry.beingReclaimed, Errno.EBUSY, "page is being reclaimed");
            return entry;
        }
        loadSecs(task);
        if (entry.vaPage != null) {
            loadVa(entry.vaPage, task); // its version first, as the SECS before its children
        }
        SgxEpcPage epc = drv.allocator.alloc(entry, false, task);
        try {
            eldu(entry, epc, task);
        } catch (ErrnoException e) {
            drv.allocator.free(epc);
            throw e;
        }
        secsChildCnt++;
        drv.reclaimer.markReclaimable(epc);
        return entry;
    }

    /** sgx_encl_load_secs: the SECS back into the EPC if it was evicted. */
    void loadSecs(Task task) {
        if (secs.epcPage != null) {
            return;
        }
        if (secs.vaPage != null) {
            loadVa(secs.vaPage, task);
        }
        SgxEpcPage epc = drv.allocator.alloc(secs, false, task);
        try {
            eldu(secs, epc, task);
        } catch (ErrnoException e) {
            drv.allocator.free(epc);
            throw e;
        }
    }

    /** __sgx_encl_eldu: ELDU from the backing store and the VA slot, which is then freed. */
    private void eldu(SgxEnclPage page, SgxEpcPage epc, Task task) {
        boolean isSecs = page == secs;
        long index = isSecs ? size >>> 12 : (page.address - base) >>> 12;
        SgxBacking.Backing b = backing.get(index);
        SgxVaPage va = page.vaPage;
        ErrnoException.check(va == null, Errno.EFAULT,
                "0x%x: its contents were lost when EWB failed", page.address);
        int ret = drv.encls.eldu(task.cpu(), isSecs ? 0 : page.address, b.contents(), b.pcmd(),
                isSecs ? 0 : secs.epcPage.pa, epc.pa, va.epcPage.pa + page.vaOffset);
        drv.stats.eldu.increment();
        if (ret != 0) {
            drv.kernel.warn("ELDU of " + page + " returned " + Integer.toHexString(ret));
            throw new ErrnoException(Errno.EFAULT, String.format("ELDU of 0x%x failed (0x%x)", page.address, ret));
        }
        backing.clearPcmd(b.pcmd());
        backing.truncate(index);
        va.freeSlot(page.vaOffset);
        vaSlotFreed(va);
        page.vaPage = null;
        page.vaOffset = 0;
        page.epcPage = epc;
        epc.owner = page;
    }

    // ---- mms ----

    /** sgx_encl_mm_add: registers {@code mm} once (it then gets PTE zaps and aging). */
    void mmAdd(Mm mm) {
        if (mmList.addIfAbsent(mm)) {
            mmListVersion++;
        }
    }

    void mmRemove(Mm mm) {
        mmList.remove(mm);
    }

    /** sgx_zap_enclave_ptes: removes the PTE of {@code addr} in every mm; call without {@link #lock}. */
    void zapPtes(long addr) {
        long version;
        do {
            version = mmListVersion;
            for (Mm mm : mmList) {
                mm.mmapLock.readLock().lock();
                try {
                    Vma vma = mm.findVma(addr);
                    if (vma != null && vma.privateData == this) {
                        mm.zapPte(addr);
                    }
                } finally {
                    mm.mmapLock.readLock().unlock();
                }
            }
        } while (version != mmListVersion);
    }

    /** True when some mm's PTE for {@code addr} was accessed since the last check (clears it). */
    boolean young(long addr) {
        boolean young = false;
        for (Mm mm : mmList) {
            mm.mmapLock.readLock().lock();
            try {
                Vma vma = mm.findVma(addr);
                if (vma != null && vma.privateData == this && mm.testAndClearYoung(addr)) {
                    young = true;
                }
            } finally {
                mm.mmapLock.readLock().unlock();
            }
        }
        return young;
    }

    /**
     * sgx_encl_may_map: may [start, end) be mapped with {@code vmFlags}? EACCES outside ELRANGE
     * once initialised, for READ_IMPLIES_EXEC tasks, and when the rights exceed any existing
     * page's vm_max_prot_bits (addresses without a page impose no limit).
     */
    void mayMap(long start, long end, long vmFlags, Task task) {
        long vmProtBits = vmFlags & Mman.VM_ACCESS_FLAGS;
        ErrnoException.check(initialized && (Long.compareUnsigned(start, base) < 0
                        || Long.compareUnsigned(end, base + size) > 0), Errno.EACCES,
                "[0x%x, 0x%x) is not inside ELRANGE [0x%x, 0x%x)", start, end, base, base + size);
        ErrnoException.check((task.personality() & Mman.READ_IMPLIES_EXEC) != 0, Errno.EACCES,
                "READ_IMPLIES_EXEC tasks may not map enclaves");
        lock.lock();
        try {
            if (pageArray.isEmpty()) {
                return;
            }
            long first = start >>> 12;
            long last = (end - 1) >>> 12;
            if (last - first + 1 <= pageArray.size()) {
                for (long pfn = first; pfn <= last; pfn++) {
                    checkCap(pageArray.get(pfn), vmProtBits);
                }
            } else {
                for (SgxEnclPage p : pageArray.values()) {
                    long pfn = p.address >>> 12;
                    if (pfn >= first && pfn <= last) {
                        checkCap(p, vmProtBits);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static void checkCap(SgxEnclPage p, long vmProtBits) {
        if (p != null && (~p.vmMaxProtBits & vmProtBits) != 0) {
            throw new ErrnoException(Errno.EACCES, String.format(
                    "enclave page 0x%x may be mapped at most %s, not %s (vm_max_prot_bits)", p.address,
                    Mman.protString(p.vmMaxProtBits), Mman.protString(vmProtBits)));
        }
    }

    /**
     * sgx_enclave_etrack: ETRACK; if it fails, IPI the CPUs that may run the enclave and retry
     * once (second failure: EFAULT); then IPI again so every thread inside leaves the epoch.
     * [MODEL] an IPI forces no AEX here: threads of the model are inside only while they run.
     */
    void etrack(Task task) {
        int ret = drv.encls.etrack(task.cpu(), secs.epcPage.pa);
        if (ret != 0) {
            ret = drv.encls.etrack(task.cpu(), secs.epcPage.pa);
            ErrnoException.check(ret != 0, Errno.EFAULT, "ETRACK failed twice: " + ret);
        }
    }

    // ---- release ----

    /**
     * sgx_encl_release: EREMOVE every resident child, then the SECS and the VA pages; the
     * backing store is dropped. Pages the reclaimer holds are finished by it (it frees them
     * when it sees the enclave released), and the last one out tears down SECS, VA pages and
     * backing ({@link #reclaimerDone}) — the kernel's refcount on struct sgx_encl.
     */
    void release(Task task) {
        release(task.cpu());
    }

    void release(org.jsgx.cpu.LogicalProcessor cpu) {
        lock.lock();
        try {
            released = true;
            for (SgxEnclPage p : new ArrayList<>(pageArray.values())) {
                SgxEpcPage epc = p.epcPage;
                if (epc != null && drv.reclaimer.forget(epc)) {
                    freeEpcPage(epc, cpu);
                    p.epcPage = null;
                    secsChildCnt--;
                }
            }
            pageArray.clear();
            if (reclaimerHeld.get() == 0) {
                teardown(cpu);
            }
            mmList.clear();
        } finally {
            lock.unlock();
        }
    }

    /** The reclaimer is done with one page it had isolated; call with {@link #lock} held. */
    void reclaimerDone(org.jsgx.cpu.LogicalProcessor cpu) {
        if (reclaimerHeld.decrementAndGet() == 0 && released) {
            teardown(cpu);
        }
    }

    /**
     * As {@link #reclaimerDone}, without {@link #lock} held: it is taken only when this was the
     * last reference of a released enclave (teardown is idempotent under the lock, and release
     * sets {@link #released} before it looks at the count).
     */
    void reclaimerPut(org.jsgx.cpu.LogicalProcessor cpu) {
        if (reclaimerHeld.decrementAndGet() == 0 && released) {
            lock.lock();
            try {
                teardown(cpu);
            } finally {
                lock.unlock();
            }
        }
    }

    private void teardown(org.jsgx.cpu.LogicalProcessor cpu) {
        if (tornDown) {
            return;
        }
        tornDown = true;
        if (secs != null && secs.epcPage != null) {
            freeEpcPage(secs.epcPage, cpu);
            secs.epcPage = null;
        }
        for (SgxVaPage va : vaPages) {
            if (va.resident()) {
                freeEpcPage(va.epcPage, cpu);
            }
        }
        vaPages.clear();
        if (backing != null) {
            backing.release();
        }
        if (cgroup != null) {
            cgroup.enclaves.remove(this);
        }
    }

    /**
     * The EPC cgroup's OOM kill (sgx_epc_oom_zap + release): mark the enclave dead so every later
     * fault is SIGBUS, zap its PTEs, get its threads out (IPI) and free all its EPC. Call without
     * {@link #lock}.
     */
    void oomKill(org.jsgx.cpu.LogicalProcessor cpu) {
        oom = true;
        for (SgxEnclPage p : pageArray.values()) {
            if (p.epcPage != null) {
                zapPtes(p.address);
            }
        }
        drv.reclaimer.ipiEnclaveCpus(this);
        release(cpu);
    }

    /** EPC pages this enclave holds now: resident pages, the SECS and the VA pages. */
    long epcPagesHeld() {
        lock.lock();
        try {
            long n = vaPages.size() - vaEvictedCount + (secs != null && secs.epcPage != null ? 1 : 0);
            for (SgxEnclPage p : pageArray.values()) {
                if (p.epcPage != null) {
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Pages in the EPC and pages evicted to the backing store (SECS not counted). */
    public long[] residentAndEvicted() {
        lock.lock();
        try {
            long resident = 0, evicted = 0;
            for (SgxEnclPage p : pageArray.values()) {
                if (p.epcPage != null) {
                    resident++;
                } else if (p.vaPage != null) {
                    evicted++;
                }
            }
            return new long[] {resident, evicted};
        } finally {
            lock.unlock();
        }
    }

    public boolean oomKilled() {
        return oom;
    }

    public SgxEpcCgroup cgroup() {
        return cgroup;
    }

    /** PageType from a SECINFO page-type field value. */
    static PageType pageType(long secinfoFlags) {
        return PageType.ofValue((int) ((secinfoFlags >>> 8) & 0xFF));
    }

    @Override
    public String toString() {
        return String.format("enclave [0x%x, 0x%x)%s", base, base + size, initialized ? " initialized" : "");
    }
}
