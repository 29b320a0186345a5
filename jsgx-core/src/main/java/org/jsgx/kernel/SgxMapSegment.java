package org.jsgx.kernel;

import org.jsgx.cpu.Bytes;

/**
 * SGX_IOC_MAP_SEGMENT (Andy Lutomirski, seed 004; never merged): replaces [addr, addr+length)
 * of the PROT_NONE enclave mapping, MAP_FIXED-style, by a mapping of one enclave segment. The
 * new VMA has VM_MAY* equal to the segment's rights, so a later mprotect() can never go beyond
 * them; every page already in the range must belong to that segment. Argument:
 * {@code struct { __u64 addr, length, prot, segment; }} (number chosen by the model).
 */
final class SgxMapSegment {
    static final int SGX_IOC_MAP_SEGMENT = 0x4020A410;
    static final int SIZE = 32;

    private SgxMapSegment() {
    }

    static long mapSegment(SgxEnclave encl, Task task, long arg) {
        String what = "MAP_SEGMENT";
        ErrnoException.check(encl.drv.kernel.config().uapi() != SgxUapi.SEGMENTS, Errno.ENOIOCTLCMD,
                what + ": only under the SEGMENTS design");
        byte[] a = task.mm().copyFromUser(arg, SIZE);
        long addr = Bytes.le64(a, 0), length = Bytes.le64(a, 8), prot = Bytes.le64(a, 16), segment = Bytes.le64(a, 24);
        ErrnoException.check(!encl.created, Errno.EINVAL, what + ": the enclave is not created");
        SgxIoctl.validateOffsetLength(encl, addr - encl.base, length, what);
        ErrnoException.check(segment == 0 || (segment & ~Mman.VM_ACCESS_FLAGS) != 0, Errno.EINVAL,
                "%s: segment 0x%x is not one of the seven RWX combinations", what, segment);
        long vmProt = Mman.vmProtBits((int) prot);
        ErrnoException.check((vmProt & ~segment) != 0, Errno.EACCES, "%s: %s is wider than segment %s", what,
                Mman.protString(vmProt), Mman.protString(segment));
        long end = addr + length;
        encl.lock.lock();
        try {
            for (long p = addr; p < end; p += Mman.PAGE_SIZE) {
                SgxEnclPage page = encl.pageArray.get(p >>> 12);
                ErrnoException.check(page != null && page.vmMaxProtBits != segment, Errno.EACCES,
                        "%s: page 0x%x is in segment %s, not %s", what, p,
                        page == null ? "" : Mman.protString(page.vmMaxProtBits), Mman.protString(segment));
            }
        } finally {
            encl.lock.unlock();
        }
        encl.drv.kernel.lsm().enclaveMapSegment(task, encl, segment, vmProt);
        Mm mm = task.mm();
        mm.mmapLock.writeLock().lock();
        try {
            for (Vma v : mm.covering(addr, end, what)) {
                ErrnoException.check(v.privateData != encl, Errno.EINVAL,
                        "%s: %s is not a mapping of this enclave", what, v);
            }
            mm.protectFixup(addr, end, Mman.VM_ACCESS_FLAGS | Mman.VM_MAYREAD | Mman.VM_MAYWRITE | Mman.VM_MAYEXEC,
                    vmProt | segment << 4);
        } finally {
            mm.mmapLock.writeLock().unlock();
        }
        return 0;
    }
}
