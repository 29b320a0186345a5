package org.jsgx.kernel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
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
    final ReentrantLock lock = new ReentrantLock();
    final ConcurrentHashMap<Long, SgxEnclPage> pageArray = new ConcurrentHashMap<>();
    SgxEnclPage secs;
    /** Resident children of the SECS (the SECS may be evicted only at 0). */
    int secsChildCnt;
    /** SECS + enclave pages: drives VA page allocation, one VA slot per page. */
    long pageCnt;
    final ArrayDeque<SgxVaPage> vaPages = new ArrayDeque<>();
    SgxBacking backing;
    final CopyOnWriteArrayList<Mm> mmList = new CopyOnWriteArrayList<>();
    volatile long mmListVersion;
    volatile boolean released;

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
        if (pageCnt % SgxVaPage.SLOT_COUNT == 0) {
            SgxEpcPage epc = drv.allocator.alloc(null, reclaim, task);
            int ret = drv.encls.epa(task.cpu(), epc.pa);
            if (ret != 0) {
                drv.allocator.free(epc);
                throw new ErrnoException(Errno.EFAULT, "EPA failed: " + ret);
            }
            va = new SgxVaPage(epc);
        }
        pageCnt++;
        return va;
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
        int ret = drv.encls.eremove(task.cpu(), page.pa);
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
        ErrnoException.check(entry == null, Errno.EFAULT, "no enclave page at 0x%x", addr);
        ErrnoException.check((entry.vmMaxProtBits & vmProtBits) != vmProtBits, Errno.EFAULT,
                "VMA rights %s exceed the page's maximum %s at 0x%x", Mman.protString(vmProtBits),
                        Mman.protString(entry.vmMaxProtBits), addr);
        return loadEntry(entry, task);
    }

    /** __sgx_encl_load_page: EBUSY while the reclaimer has it; SECS first, then ELDU without reclaim. */
    private SgxEnclPage loadEntry(SgxEnclPage entry, Task task) {
        if (entry.epcPage != null) {
            ErrnoException.check(entry.beingReclaimed, Errno.EBUSY, "page is being reclaimed");
            return entry;
        }
        loadSecs(task);
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
        if (ret != 0) {
            drv.kernel.warn("ELDU of " + page + " returned " + Integer.toHexString(ret));
            throw new ErrnoException(Errno.EFAULT, String.format("ELDU of 0x%x failed (0x%x)", page.address, ret));
        }
        drv.kernel.ram().frame(b.pcmd()).asSlice(b.pcmd() & 0xFFF, 128).fill((byte) 0);
        backing.truncate(index);
        va.freeSlot(page.vaOffset);
        vaPages.remove(va);
        vaPages.addFirst(va);
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
     * sgx_encl_release: EREMOVE every resident child (pages the reclaimer holds are skipped),
     * then the SECS and the VA pages; the backing store is dropped.
     */
    void release(Task task) {
        lock.lock();
        try {
            released = true;
            for (SgxEnclPage p : new ArrayList<>(pageArray.values())) {
                SgxEpcPage epc = p.epcPage;
                if (epc != null) {
                    if (epc.reclaimerTracked && !epc.onLru) {
                        continue; // the reclaimer owns it
                    }
                    drv.reclaimer.forget(epc);
                    freeEpcPage(epc, task);
                    p.epcPage = null;
                    secsChildCnt--;
                }
            }
            pageArray.clear();
            if (secs != null && secs.epcPage != null) {
                freeEpcPage(secs.epcPage, task);
                secs.epcPage = null;
            }
            for (SgxVaPage va : vaPages) {
                freeEpcPage(va.epcPage, task);
            }
            vaPages.clear();
            if (backing != null) {
                backing.release();
            }
            mmList.clear();
        } finally {
            lock.unlock();
        }
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
