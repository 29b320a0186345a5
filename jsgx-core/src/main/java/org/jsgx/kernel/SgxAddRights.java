package org.jsgx.kernel;

import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SecInfo;
import org.jsgx.lsm.SecurityModule;

/**
 * What a page gets at SGX_IOC_ENCLAVE_ADD_PAGES under each {@link SgxUapi}: its cap
 * (vm_max_prot_bits) and the SECINFO that EADD uses. The security module sees the result and
 * the source VMA before anything is allocated, so a refusal changes nothing.
 *
 * @param maxProt VM_READ/WRITE/EXEC cap
 * @param secinfo the SECINFO bytes for EADD (SOURCE_VMA rewrites the rights)
 */
record SgxAddRights(long maxProt, byte[] secinfo) {
    /** SEGMENTS: ADD_PAGES.flags bits 10:8 name the page's segment (its RWX cap). [MODEL] */
    static final int SGX_PAGE_SEGMENT_SHIFT = 8;
    static final long SGX_PAGE_SEGMENT_MASK = 0x7L << SGX_PAGE_SEGMENT_SHIFT;

    static SgxAddRights of(SgxEnclave encl, Task task, long src, long addr, byte[] secinfo, long flags) {
        long sflags = org.jsgx.cpu.Bytes.le64(secinfo, 0); // SECINFO.FLAGS
        PageType type = SgxEnclave.pageType(sflags);
        long perms = sflags & SgxIoctl.SECINFO_PERMISSION_MASK;
        SgxUapi uapi = encl.drv.kernel.config().uapi();
        SecurityModule lsm = encl.drv.kernel.lsm();
        Vma source = null;
        long sourceFlags = 0;
        // the merged kernel (no module, rights from SECINFO) never looks at the source VMA here
        if (lsm != SecurityModule.NONE || uapi == SgxUapi.SOURCE_VMA || uapi == SgxUapi.MPROTECT_IOCTL) {
            Mm mm = task.mm();
            mm.mmapLock.readLock().lock();
            try {
                source = mm.findVma(src);
                sourceFlags = source == null ? 0 : source.flags;
            } finally {
                mm.mmapLock.readLock().unlock();
            }
        }
        long maxProt;
        byte[] eaddSecinfo = secinfo;
        if (type == PageType.PT_TCS) {
            // the CPU gives a TCS no rights; the kernel must still let the loader write it
            maxProt = Mman.VM_READ | Mman.VM_WRITE;
        } else {
            switch (uapi) {
                case SOURCE_VMA -> {
                    // Cedric: "take EPCM permissions from source pages' VMA instead of from ioctl parameter"
                    perms = sourceFlags & Mman.VM_ACCESS_FLAGS;
                    ErrnoException.check((perms & Mman.VM_WRITE) != 0 && (perms & Mman.VM_READ) == 0, Errno.EINVAL,
                            "ADD_PAGES at 0x%x: source mapping is W without R", addr);
                    SecInfo rewritten = SecInfo.of((sflags & ~SgxIoctl.SECINFO_PERMISSION_MASK) | perms);
                    eaddSecinfo = rewritten.toByteArray();
                    maxProt = perms;
                }
                case SEGMENTS -> {
                    long segment = (flags & SGX_PAGE_SEGMENT_MASK) >>> SGX_PAGE_SEGMENT_SHIFT;
                    ErrnoException.check(segment == 0, Errno.EINVAL,
                            "ADD_PAGES at 0x%x: no segment named in flags bits 10:8", addr);
                    ErrnoException.check((perms & ~segment) != 0, Errno.EINVAL,
                            "ADD_PAGES at 0x%x: SECINFO %s is wider than segment %s", addr, Mman.protString(perms),
                            Mman.protString(segment));
                    maxProt = segment;
                }
                // Sean, step 2: the page's VM_MAY* come from the source VMA. Narrowed by SECINFO:
                // ordinary memory always has VM_MAYEXEC, so otherwise every RW data page would be
                // W+X-capable and need FILE__WRITE, which step 6 means to avoid. [MODEL reading]
                case MPROTECT_IOCTL -> maxProt = (sourceFlags >>> 4) & perms;
                default -> maxProt = perms;
            }
        }
        lsm.enclaveAddPage(task, encl, addr, type, perms, maxProt, source);
        return new SgxAddRights(maxProt, eaddSecinfo);
    }
}
