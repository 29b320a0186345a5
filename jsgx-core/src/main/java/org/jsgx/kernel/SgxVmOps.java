package org.jsgx.kernel;

import org.jsgx.cpu.PageType;

/**
 * sgx_vm_ops (encl.c): the enclave VMA's callbacks — open (a forked or split copy registers its
 * mm), mprotect (sgx_encl_may_map with the new rights) and the page-fault handler
 * sgx_vma_fault: map a resident page, ELDU an evicted one (the SECS first), or on SGX2 EAUG a
 * fresh PENDING page where the enclave has none. Transient EPC shortage is VM_FAULT_NOPAGE
 * (retry); everything else the kernel cannot fix is SIGBUS.
 */
final class SgxVmOps implements VmOperations {
    private final SgxDriver drv;
    /** sgx_vma_fault calls and the pages they EAUGed (for reports; the kernel has tracepoints). */
    final java.util.concurrent.atomic.AtomicLong faults = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong eaugs = new java.util.concurrent.atomic.AtomicLong();

    SgxVmOps(SgxDriver drv) {
        this.drv = drv;
    }

    /** sgx_vma_open. */
    @Override
    public void open(Vma vma) {
        if (vma.privateData instanceof SgxEnclave encl) {
            encl.mmAdd(vma.mm);
        }
    }

    /** sgx_vma_mprotect. */
    @Override
    public void mprotect(Vma vma, long start, long end, long newFlags) {
        ErrnoException.check(!(vma.privateData instanceof SgxEnclave), Errno.EFAULT, "enclave mapping without enclave");
        ((SgxEnclave) vma.privateData).mayMap(start, end, newFlags, vma.mm.owner);
    }

    /** sgx_vma_fault. */
    @Override
    public VmFault fault(Vma vma, long addr, int pfec) {
        if (!(vma.privateData instanceof SgxEnclave encl)) {
            return VmFault.SIGBUS;
        }
        faults.incrementAndGet();
        Task current = Kernel.faultingTask();
        Task task = current != null && current.mm() == vma.mm ? current : vma.mm.owner;
        if (encl.oom) {
            return VmFault.SIGBUS; // killed by the EPC cgroup's OOM handling
        }
        long t0 = System.nanoTime();
        VmFault r = drv.sgx2 && !encl.pageArray.containsKey(addr >>> 12)
                ? eaugPage(vma, encl, addr, task) : loadAndMap(vma, encl, addr, task);
        if (r == BUSY) {
            // EPC or the cgroup is short: make room (or wait for ksgxswapd) without the lock, retry
            long w0 = System.nanoTime();
            drv.reclaimer.relieve(encl, task);
            drv.stats.busy(System.nanoTime() - w0);
            r = VmFault.NOPAGE;
        }
        drv.stats.fault(System.nanoTime() - t0);
        return r;
    }

    /** Marks "retry after making room" inside this class; the caller turns it into NOPAGE. */
    private static final VmFault BUSY = null;

    private VmFault loadAndMap(Vma vma, SgxEnclave encl, long addr, Task task) {
        encl.lock.lock();
        try {
            SgxEnclPage entry;
            try {
                entry = encl.loadPageInVma(addr, vma.flags, task);
            } catch (ErrnoException e) {
                return e.errno() == Errno.EBUSY ? BUSY : VmFault.SIGBUS;
            }
            vma.mm.insertPfn(vma, addr, entry.epcPage.pa);
            // aging starts from "old": only a later touch makes the page young
            vma.mm.testAndClearYoung(addr);
            return VmFault.NOPAGE;
        } finally {
            encl.lock.unlock();
        }
    }

    /**
     * sgx_encl_eaug_page: EAUG a REG page (EPCM: RW, PENDING) at {@code addr}; its cap is RWX
     * because the enclave decides its permissions with EACCEPT/EACCEPTCOPY/EMODPE.
     */
    private VmFault eaugPage(Vma vma, SgxEnclave encl, long addr, Task task) {
        if (!encl.initialized) {
            return VmFault.SIGBUS;
        }
        long maxProt;
        try {
            maxProt = task.kernel().lsm().enclaveAugmentPage(task, encl, addr, augmentCap(vma.flags));
        } catch (ErrnoException e) {
            task.kernel().audit(e.getMessage());
            return VmFault.SIGBUS;
        }
        return eaug(vma, encl, addr, task, maxProt);
    }

    /**
     * The cap of a page EAUGed on fault: RWX upstream (the enclave decides with EACCEPT/EMODPE);
     * RW where a design makes execution of new pages explicit (seed 001's "RW only", Sean's
     * EXTEND_PERMISSIONS); under SEGMENTS the segment the faulting mapping came from.
     */
    private long augmentCap(long vmFlags) {
        return switch (drv.kernel.config().uapi()) {
            case UPSTREAM, SOURCE_VMA -> Mman.VM_ACCESS_FLAGS;
            case AUGMENT_IOCTL, MPROTECT_IOCTL -> Mman.VM_READ | Mman.VM_WRITE;
            case SEGMENTS -> (vmFlags >>> 4) & Mman.VM_ACCESS_FLAGS;
        };
    }

    /** EAUG of one page with cap {@code maxProt}; maps it into {@code vma} when not null. */
    VmFault eaug(Vma vma, SgxEnclave encl, long addr, Task task, long maxProt) {
        SgxEnclPage page = new SgxEnclPage(encl, addr, maxProt, PageType.PT_REG);
        encl.lock.lock();
        try {
            try {
                encl.loadSecs(task);
            } catch (ErrnoException e) {
                return e.errno() == Errno.EBUSY ? BUSY : VmFault.SIGBUS;
            }
            SgxEpcPage epc;
            try {
                epc = drv.allocator.alloc(page, false, task);
            } catch (ErrnoException e) {
                return e.errno() == Errno.EBUSY ? BUSY : VmFault.SIGBUS;
            }
            SgxVaPage va;
            try {
                va = encl.grow(false, task);
            } catch (ErrnoException e) {
                drv.allocator.free(epc);
                return e.errno() == Errno.EBUSY ? BUSY : VmFault.SIGBUS;
            }
            if (va != null) {
                encl.vaPages.addFirst(va);
            }
            if (encl.pageArray.putIfAbsent(addr >>> 12, page) != null) {
                encl.shrink(va, task);
                encl.freeEpcPage(epc, task);
                return VmFault.SIGBUS;
            }
            int ret = drv.encls.eaug(task.cpu(), addr, encl.secs.epcPage.pa, epc.pa);
            if (ret != 0) {
                encl.pageArray.remove(addr >>> 12);
                encl.shrink(va, task);
                encl.freeEpcPage(epc, task);
                return VmFault.SIGBUS;
            }
            page.epcPage = epc;
            eaugs.incrementAndGet();
            encl.secsChildCnt++;
            drv.reclaimer.markReclaimable(epc);
            if (vma != null) {
                vma.mm.insertPfn(vma, addr, epc.pa);
            }
            return VmFault.NOPAGE;
        } finally {
            encl.lock.unlock();
        }
    }
}
