package org.jsgx.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jsgx.cpu.Access;
import org.jsgx.cpu.AddressSpace;
import org.jsgx.cpu.PageFault;

/**
 * struct mm_struct: one process's address space — its VMAs (guarded by {@link #mmapLock}, the
 * mmap_lock, always taken before an enclave's lock) and its page tables, which the CPU walks
 * through {@link #translate} (this is CR3). A missing or insufficient PTE raises the ordinary
 * #PF (no SGX bit); the kernel resolves it in {@link #handleUserFault} as
 * arch/x86/mm/fault.c and handle_mm_fault do.
 */
public final class Mm implements AddressSpace {
    /** Where top-down address allocation starts (below the 47-bit user limit). */
    static final long MMAP_BASE = 0x7f00_0000_0000L;

    final Kernel kernel;
    /** The task this mm belongs to (the context file references are dropped in). */
    Task owner;
    final ReentrantReadWriteLock mmapLock = new ReentrantReadWriteLock();
    private final TreeMap<Long, Vma> vmas = new TreeMap<>();
    /**
     * mm->mmap_cache (the kernel's one-entry VMA cache before the per-thread vmacache): the VMA
     * findVma found last. ksgxswapd looks up the enclave's VMA three times per page it reclaims
     * and the fault path once per fault, nearly always the same one. Readers race benignly (any
     * VMA they store is in the tree: it only changes under the write lock, which drops the cache).
     */
    private Vma mmapCache;
    private final PageTable ptes = new PageTable();
    /** mm_cpumask: CPUs this mm has run on (the driver IPIs them after ETRACK). */
    final java.util.Set<Integer> cpumask = ConcurrentHashMap.newKeySet();
    private volatile boolean dead;

    Mm(Kernel kernel) {
        this.kernel = kernel;
    }

    // ---- the hardware walk ----

    @Override
    public long translate(long linear, Access access, boolean user) {
        Pte pte = ptes.get(linear >>> 12);
        int pfec = (user ? PageFault.PFEC_U : 0) | access.pfecBits();
        if (pte == null || !pte.present) {
            throw new PageFault(linear, pfec, "no present PTE");
        }
        if (!pte.allows(access)) {
            throw new PageFault(linear, pfec | PageFault.PFEC_P, "PTE does not allow " + access);
        }
        if (!pte.accessed) {
            pte.accessed = true; // a volatile write only when the bit changes (it is read far more often)
        }
        return pte.pa | (linear & 0xFFF);
    }

    @Override
    public long generation() {
        return ptes.generation();
    }

    // ---- VMAs ----

    /** find_vma for an address inside a VMA (null when none); caller holds mmapLock. */
    public Vma findVma(long addr) {
        Vma last = mmapCache;
        if (last != null && last.contains(addr)) {
            return last;
        }
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        Vma v = e != null && e.getValue().contains(addr) ? e.getValue() : null;
        if (v != null) {
            mmapCache = v;
        }
        return v;
    }

    /** find_vma proper: the first VMA ending above {@code addr} (it may start above it), or null. */
    Vma findVmaFrom(long addr) {
        Vma v = findVma(addr);
        if (v != null) {
            return v;
        }
        Map.Entry<Long, Vma> e = vmas.higherEntry(addr);
        return e == null ? null : e.getValue();
    }

    /** A snapshot of the VMAs in address order (like /proc/self/maps). */
    public List<Vma> vmas() {
        mmapLock.readLock().lock();
        try {
            return new ArrayList<>(vmas.values());
        } finally {
            mmapLock.readLock().unlock();
        }
    }

    boolean dead() {
        return dead;
    }

    /**
     * do_mmap for a caller holding the write lock: validates, picks the address, creates the
     * VMA and lets the file's mmap hook veto it.
     */
    long mmap(Task task, long addr, long len, int prot, int flags, OpenFile file, long pgoff) {
        ErrnoException.check(len == 0, Errno.EINVAL, "mmap: length 0");
        len = (len + 4095) & ~4095L;
        int type = flags & (Mman.MAP_SHARED | Mman.MAP_PRIVATE);
        ErrnoException.check(type != Mman.MAP_SHARED && type != Mman.MAP_PRIVATE, Errno.EINVAL,
                "mmap: exactly one of MAP_SHARED and MAP_PRIVATE is required");
        boolean fixed = (flags & Mman.MAP_FIXED) != 0;
        ErrnoException.check(fixed && !Mman.pageAligned(addr), Errno.EINVAL, "mmap: MAP_FIXED address not page aligned");
        long vmFlags = Mman.vmProtBits(prot) | Mman.VM_MAYREAD | Mman.VM_MAYWRITE | Mman.VM_MAYEXEC;
        if (type == Mman.MAP_SHARED) {
            vmFlags |= Mman.VM_SHARED | Mman.VM_MAYSHARE;
        }
        if (file != null) {
            ErrnoException.check(!file.readable(), Errno.EACCES, "mmap: " + file.node().path() + " not open for reading");
            if (type == Mman.MAP_SHARED) {
                ErrnoException.check((prot & Mman.PROT_WRITE) != 0 && !file.writable(), Errno.EACCES,
                        "mmap: PROT_WRITE of a MAP_SHARED mapping needs " + file.node().path() + " open for writing");
                if (!file.writable()) {
                    vmFlags &= ~(Mman.VM_MAYWRITE | Mman.VM_SHARED);
                }
            }
            if (file.node().noexec()) {
                // path_noexec: PROT_EXEC is refused, and the mapping can never become executable
                ErrnoException.check((prot & Mman.PROT_EXEC) != 0, Errno.EPERM,
                        "mmap: PROT_EXEC of " + file.node().path() + " on a noexec mount");
                vmFlags &= ~Mman.VM_MAYEXEC;
            }
        }
        if (file != null) {
            kernel.lsm().mmapFile(task, file.node(), prot, type == Mman.MAP_SHARED);
        }
        long start = file != null ? file.ops().getUnmappedArea(this, file, addr, len, flags) : -1;
        if (fixed) {
            start = addr;
        }
        if (start == -1) {
            start = unmappedArea(addr, len);
        }
        if (fixed) {
            munmapLocked(start, len);
        }
        VmOperations ops = file != null ? null : new AnonymousVmOps(type == Mman.MAP_SHARED);
        Vma vma = new Vma(this, start, start + len, vmFlags, file, ops);
        if (file != null) {
            vma = file.ops().mmap(file, task, vma);
            file.get();
        }
        vmas.put(vma.start, vma);
        mmapCache = null;
        return start;
    }

    /** get_unmapped_area: the hint when free, else the highest free gap below MMAP_BASE. */
    long unmappedArea(long hint, long len) {
        if (hint != 0 && Mman.pageAligned(hint) && rangeFree(hint, len)) {
            return hint;
        }
        long top = MMAP_BASE;
        for (Vma v : vmas.descendingMap().values()) {
            if (v.start >= top) {
                continue;
            }
            if (v.end <= top - len) {
                return top - len;
            }
            top = v.start;
        }
        return top - len;
    }

    private boolean rangeFree(long start, long len) {
        Map.Entry<Long, Vma> e = vmas.lowerEntry(start + len);
        return e == null || e.getValue().end <= start;
    }

    /** Ensures a VMA boundary at {@code addr}. */
    private void split(long addr) {
        Vma v = findVma(addr);
        if (v == null || v.start == addr) {
            return;
        }
        Vma tail = v.copy(this, addr, v.end);
        v.end = addr;
        vmas.put(tail.start, tail);
        mmapCache = null;
        if (tail.file != null) {
            tail.file.get();
        }
        if (tail.ops != null) {
            tail.ops.open(tail);
        }
    }

    private List<Vma> range(long start, long end) {
        List<Vma> l = new ArrayList<>();
        Map.Entry<Long, Vma> first = vmas.floorEntry(start);
        long from = first != null && first.getValue().end > start ? first.getKey() : start;
        for (Vma v : vmas.subMap(from, true, end, false).values()) {
            if (v.end > start) {
                l.add(v);
            }
        }
        return l;
    }

    void munmapLocked(long start, long len) {
        long end = start + len;
        split(start);
        split(end);
        for (Vma v : range(start, end)) {
            vmas.remove(v.start);
            mmapCache = null;
            zapRange(v, v.start, v.end);
            if (v.ops != null) {
                v.ops.close(v);
            }
            if (v.file != null) {
                v.file.put(owner);
            }
        }
    }

    /**
     * mprotect for a caller holding the write lock: every page must be mapped (ENOMEM), the new
     * rights must be within VM_MAY* (EACCES) and the owner's hook must agree; all of this is
     * checked before anything changes.
     */
    void mprotect(long start, long len, int prot) {
        ErrnoException.check(!Mman.pageAligned(start), Errno.EINVAL, "mprotect: address not page aligned");
        len = (len + 4095) & ~4095L;
        long end = start + len;
        long newBits = Mman.vmProtBits(prot);
        long covered = start;
        List<Vma> affected = range(start, end);
        for (Vma v : affected) {
            ErrnoException.check(v.start > covered, Errno.ENOMEM,
                    "mprotect: 0x%x is not mapped", covered);
            covered = v.end;
            long newFlags = (v.flags & ~Mman.VM_ACCESS_FLAGS) | newBits;
            ErrnoException.check((newBits & ~(v.flags >>> 4)) != 0, Errno.EACCES,
                    "mprotect: " + v + " may not become " + Mman.protString(newBits) + " (VM_MAY*)");
            if (v.file != null && owner != null) {
                kernel.lsm().fileMprotect(owner, v, newBits);
            }
            if (v.ops != null) {
                v.ops.mprotect(v, Math.max(start, v.start), Math.min(end, v.end), newFlags);
            }
        }
        ErrnoException.check(covered < end, Errno.ENOMEM, "mprotect: 0x%x is not mapped", covered);
        protectFixup(start, end, Mman.VM_ACCESS_FLAGS, newBits);
    }

    /** The VMAs exactly covering [start, end), or ENOMEM at the first hole; caller holds the write lock. */
    List<Vma> covering(long start, long end, String what) {
        List<Vma> l = range(start, end);
        long covered = start;
        for (Vma v : l) {
            ErrnoException.check(v.start > covered, Errno.ENOMEM, "%s: 0x%x is not mapped", what, covered);
            covered = v.end;
        }
        ErrnoException.check(covered < end, Errno.ENOMEM, "%s: 0x%x is not mapped", what, covered);
        return l;
    }

    /**
     * mprotect_fixup: splits at start and end and replaces the {@code mask} bits of every VMA in
     * between by {@code bits}, re-protecting present PTEs. Checks are the caller's job (mprotect,
     * or a driver ioctl that owns the VMA's VM_MAY* bits).
     */
    void protectFixup(long start, long end, long mask, long bits) {
        split(start);
        split(end);
        for (Vma v : range(start, end)) {
            v.flags = (v.flags & ~mask) | bits;
            for (long a = v.start; a < v.end; a += 4096) {
                Pte p = ptes.get(a >>> 12);
                if (p != null) {
                    p.protect(v.flags);
                }
            }
        }
        ptes.changed();
    }

    /**
     * mremap: only in-place shrinking and same-size calls are modelled. Growing a VM_PFNMAP or
     * VM_DONTEXPAND mapping (every enclave mapping) is -EFAULT, as vma_to_resize says.
     */
    long mremap(long oldAddr, long oldLen, long newLen, int flags) {
        ErrnoException.check(!Mman.pageAligned(oldAddr), Errno.EINVAL, "mremap: address not page aligned");
        ErrnoException.check((flags & ~Mman.MREMAP_MAYMOVE) != 0, Errno.EINVAL, "mremap: unsupported flags");
        oldLen = (oldLen + 4095) & ~4095L;
        newLen = (newLen + 4095) & ~4095L;
        ErrnoException.check(newLen == 0, Errno.EINVAL, "mremap: new length 0");
        Vma v = findVma(oldAddr);
        ErrnoException.check(v == null || oldAddr + oldLen > v.end, Errno.EFAULT,
                "mremap: [0x%x, +0x%x) is not one mapping", oldAddr, oldLen);
        if (newLen <= oldLen) {
            if (newLen < oldLen) {
                munmapLocked(oldAddr + newLen, oldLen - newLen);
            }
            return oldAddr;
        }
        ErrnoException.check((v.flags & (Mman.VM_DONTEXPAND | Mman.VM_PFNMAP)) != 0, Errno.EFAULT,
                "mremap: " + v + " is VM_DONTEXPAND|VM_PFNMAP and cannot grow");
        ErrnoException.check(!rangeFree(oldAddr + oldLen, newLen - oldLen), Errno.ENOMEM,
                "mremap: no room to grow in place (moving is not modelled)");
        v.end = oldAddr + newLen;
        return oldAddr;
    }

    /** dup_mmap: the child's copy of every VMA but VM_DONTCOPY ones, with their PTEs. */
    Mm fork() {
        Mm child = new Mm(kernel);
        mmapLock.writeLock().lock();
        try {
            for (Vma v : vmas.values()) {
                if ((v.flags & Mman.VM_DONTCOPY) != 0) {
                    continue;
                }
                Vma c = v.copy(child, v.start, v.end);
                child.vmas.put(c.start, c);
                boolean privateAnon = v.file == null && (v.flags & Mman.VM_SHARED) == 0;
                for (long a = v.start; a < v.end; a += 4096) {
                    Pte p = ptes.get(a >>> 12);
                    if (p == null) {
                        continue;
                    }
                    long pa = p.pa;
                    if (privateAnon) {
                        // copy-on-write, resolved eagerly
                        pa = kernel.ram().alloc();
                        MemorySegment.copy(kernel.ram().frame(p.pa), 0, kernel.ram().frame(pa), 0, 4096);
                    }
                    Pte q = new Pte(pa, v.flags, p.special);
                    q.present = p.present;
                    q.writable = p.writable;
                    q.executable = p.executable;
                    child.ptes.put(a >>> 12, q);
                }
                if (c.file != null) {
                    c.file.get();
                }
                if (c.ops != null) {
                    c.ops.open(c);
                }
            }
        } finally {
            mmapLock.writeLock().unlock();
        }
        return child;
    }

    /** exit_mmap: every VMA closed, the mm torn down. */
    void exit() {
        mmapLock.writeLock().lock();
        try {
            for (Vma v : new ArrayList<>(vmas.values())) {
                munmapLocked(v.start, v.end - v.start);
            }
            dead = true;
        } finally {
            mmapLock.writeLock().unlock();
        }
        kernel.mmExited(this);
    }

    // ---- PTEs ----

    /** vmf_insert_pfn: maps {@code addr} to the frame at {@code pa} with the VMA's rights. */
    public void insertPfn(Vma vma, long addr, long pa) {
        ptes.put(addr >>> 12, new Pte(pa, vma.flags, true));
    }

    /** Removes the PTE of one page (zap_vma_ptes for one page); true when there was one. */
    public boolean zapPte(long addr) {
        return ptes.remove(addr >>> 12) != null;
    }

    private void zapRange(Vma v, long start, long end) {
        boolean privateAnon = v.file == null && (v.flags & Mman.VM_SHARED) == 0;
        for (long a = start; a < end; a += 4096) {
            Pte p = ptes.remove(a >>> 12);
            if (p != null && privateAnon) {
                kernel.ram().free(p.pa);
            }
        }
    }

    /** ptep_test_and_clear_young. */
    public boolean testAndClearYoung(long addr) {
        Pte p = ptes.get(addr >>> 12);
        if (p == null || !p.accessed) {
            return false;
        }
        p.accessed = false;
        return true;
    }

    /** True when {@code addr} has a present PTE (tests: was the PTE zapped?). */
    public boolean hasPte(long addr) {
        Pte p = ptes.get(addr >>> 12);
        return p != null && p.present;
    }

    /** The PTE's physical address and rights as text, or null (tests compare snapshots). */
    public String pteString(long addr) {
        Pte p = ptes.get(addr >>> 12);
        return p == null ? null : String.format("%x %s%s%s", p.pa, p.present ? "P" : "-", p.writable ? "W" : "-",
                p.executable ? "X" : "-");
    }

    // ---- faults ----

    /** What the generic #PF handler decided. */
    enum FaultResult { RESOLVED, SIGSEGV, SIGBUS }

    /**
     * do_user_addr_fault + handle_mm_fault for a user-mode fault at {@code addr} with
     * {@code pfec}. Takes the mmap read lock.
     */
    FaultResult handleUserFault(long addr, int pfec) {
        mmapLock.readLock().lock();
        try {
            Pte pte = ptes.get((addr & ~0xFFFL) >>> 12);
            if ((pfec & PageFault.PFEC_SGX) != 0 && (pte == null || !pte.present)) {
                // On hardware the page walk and the EPCM check are one step: the reclaimer zaps the
                // PTE (and shoots down TLBs) before EBLOCK, so a leaf can only see BLOCKED through a
                // PTE that is gone, and reports the not-present PTE. The model's leaf walked first
                // and checked the EPCM later; replay the fault as the one hardware raises.
                pfec &= ~(PageFault.PFEC_SGX | PageFault.PFEC_P);
            }
            Vma vma = findVma(addr);
            if (vma == null || accessError(pfec, vma)) {
                return FaultResult.SIGSEGV;
            }
            return handleMmFault(vma, addr & ~0xFFFL, pfec) == VmFault.NOPAGE ? FaultResult.RESOLVED
                    : FaultResult.SIGBUS;
        } finally {
            mmapLock.readLock().unlock();
        }
    }

    /** access_error() of arch/x86/mm/fault.c. */
    static boolean accessError(int pfec, Vma vma) {
        if ((pfec & PageFault.PFEC_PK) != 0) {
            return true;
        }
        if ((pfec & PageFault.PFEC_SGX) != 0) {
            return true; // an EPCM fault can never be fixed by the kernel
        }
        if ((pfec & PageFault.PFEC_W) != 0) {
            return (vma.flags & Mman.VM_WRITE) == 0;
        }
        if ((pfec & PageFault.PFEC_P) != 0) {
            return true; // read of a present page: protection fault
        }
        return (vma.flags & Mman.VM_ACCESS_FLAGS) == 0;
    }

    private VmFault handleMmFault(Vma vma, long page, int pfec) {
        Pte p = ptes.get(page >>> 12);
        if (p != null && p.present) {
            // the PTE is there: bring its rights up to the VMA's (spurious fault / raced)
            p.protect(vma.flags);
            ptes.changed();
            return VmFault.NOPAGE;
        }
        if (p != null && !p.special && vma.file == null) {
            p.protect(vma.flags);
            ptes.changed();
            return VmFault.NOPAGE;
        }
        return vma.ops.fault(vma, page, pfec);
    }

    /** Anonymous memory: a zeroed frame on first touch, shared across fork for MAP_SHARED. */
    private static final class AnonymousVmOps implements VmOperations {
        private final boolean shared;

        AnonymousVmOps(boolean shared) {
            this.shared = shared;
        }

        @Override
        public VmFault fault(Vma vma, long address, int pfec) {
            long pa = vma.mm.kernel.ram().alloc();
            vma.mm.ptes.put(address >>> 12, new Pte(pa, vma.flags, false));
            return VmFault.NOPAGE;
        }

        @Override
        public String toString() {
            return shared ? "anon-shared" : "anon";
        }
    }

    // ---- kernel access to user memory (copy_from_user & co.) ----

    /** The physical address of a user page, faulting it in; EFAULT when it cannot be. */
    private long userPa(long la, Access access) {
        for (int attempt = 0; attempt < 4; attempt++) {
            try {
                return translate(la, access, true);
            } catch (PageFault pf) {
                if (handleUserFault(la, pf.errorCode()) != FaultResult.RESOLVED) {
                    break;
                }
            }
        }
        throw new ErrnoException(Errno.EFAULT, String.format("user address 0x%x is not accessible", la));
    }

    /** copy_from_user: EFAULT for an address the task could not read. */
    public byte[] copyFromUser(long la, int len) {
        byte[] out = new byte[len];
        int done = 0;
        while (done < len) {
            long a = la + done;
            int n = (int) Math.min(len - done, 4096 - (a & 0xFFF));
            long pa = userPa(a, Access.READ);
            ErrnoException.check(kernel.platform().epc().contains(pa), Errno.EFAULT,
                    "user address 0x%x maps enclave memory", a);
            MemorySegment.copy(kernel.ram().frame(pa), ValueLayout.JAVA_BYTE, pa & 0xFFF, out, done, n);
            done += n;
        }
        return out;
    }

    /** copy_to_user. */
    public void copyToUser(long la, byte[] data) {
        int done = 0;
        while (done < data.length) {
            long a = la + done;
            int n = (int) Math.min(data.length - done, 4096 - (a & 0xFFF));
            long pa = userPa(a, Access.WRITE);
            ErrnoException.check(kernel.platform().epc().contains(pa), Errno.EFAULT,
                    "user address 0x%x maps enclave memory", a);
            MemorySegment.copy(data, done, kernel.ram().frame(pa), ValueLayout.JAVA_BYTE, pa & 0xFFF, n);
            done += n;
        }
    }

    /**
     * get_user_pages of one page for reading (EADD's source): EFAULT when unmapped or a
     * VM_IO/VM_PFNMAP mapping (enclave memory cannot be a source). Caller holds mmapLock.
     */
    long getUserPage(Vma vma, long la) {
        if ((vma.flags & (Mman.VM_IO | Mman.VM_PFNMAP)) != 0) { // per page: no boxing unless it fails
            throw new ErrnoException(Errno.EFAULT, String.format("source 0x%x is in a VM_IO|VM_PFNMAP mapping", la));
        }
        for (int attempt = 0; attempt < 4; attempt++) {
            try {
                return translate(la, Access.READ, true);
            } catch (PageFault pf) {
                if (accessError(pf.errorCode(), vma) || handleMmFault(vma, la & ~0xFFFL, pf.errorCode()) != VmFault.NOPAGE) {
                    break;
                }
            }
        }
        throw new ErrnoException(Errno.EFAULT, String.format("source 0x%x cannot be read", la));
    }

    // ---- the task's own user-mode accesses (host code running in the process) ----

    private long userAccess(long la, Access access) {
        for (int attempt = 0; attempt < 4; attempt++) {
            try {
                return translate(la, access, true);
            } catch (PageFault pf) {
                FaultResult r = handleUserFault(la, pf.errorCode());
                if (r != FaultResult.RESOLVED) {
                    throw new SignalException(r == FaultResult.SIGBUS ? Signal.SIGBUS : Signal.SIGSEGV, la,
                            "user " + access + " (pfec 0x" + Integer.toHexString(pf.errorCode()) + ")");
                }
            }
        }
        throw new SignalException(Signal.SIGSEGV, la, "fault not resolved");
    }

    /** A user-mode read: EPC frames read as all ones (abort page); SIGSEGV/SIGBUS as a process would get. */
    public byte[] read(long la, int len) {
        byte[] out = new byte[len];
        int done = 0;
        while (done < len) {
            long a = la + done;
            int n = (int) Math.min(len - done, 4096 - (a & 0xFFF));
            long pa = userAccess(a, Access.READ);
            if (kernel.platform().epc().contains(pa)) {
                java.util.Arrays.fill(out, done, done + n, (byte) 0xFF);
            } else {
                MemorySegment.copy(kernel.ram().frame(pa), ValueLayout.JAVA_BYTE, pa & 0xFFF, out, done, n);
            }
            done += n;
        }
        return out;
    }

    /** A user-mode write (dropped where it lands in the EPC). */
    public void write(long la, byte[] data) {
        int done = 0;
        while (done < data.length) {
            long a = la + done;
            int n = (int) Math.min(data.length - done, 4096 - (a & 0xFFF));
            long pa = userAccess(a, Access.WRITE);
            if (!kernel.platform().epc().contains(pa)) {
                MemorySegment.copy(data, done, kernel.ram().frame(pa), ValueLayout.JAVA_BYTE, pa & 0xFFF, n);
            }
            done += n;
        }
    }

    public long readU64(long la) {
        return org.jsgx.cpu.Bytes.le64(read(la, 8), 0);
    }

    public void writeU64(long la, long v) {
        write(la, org.jsgx.cpu.Bytes.le64(v));
    }
}
