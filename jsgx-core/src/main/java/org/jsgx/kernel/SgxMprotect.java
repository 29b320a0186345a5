package org.jsgx.kernel;

import org.jsgx.cpu.Bytes;

/**
 * Sean Christopherson's proposal (seed 004, steps 6 and 7; never merged). SGX_IOC_MPROTECT is
 * mprotect() for enclave mappings whose VM_MAY* come from the enclave pages instead of the VMA;
 * its security_file_mprotect() call asks for READ|EXEC always and WRITE only when a page may
 * be both written and executed, so FILE__WRITE on the enclave node becomes "may execute
 * modified memory". SGX_IOC_EXTEND_PERMISSIONS can only add rights to pages' VM_MAY*.
 * Arguments: {@code struct { __u64 addr, length, prot; }} and
 * {@code struct { __u64 offset, length, permissions; }} (numbers chosen by the model).
 */
final class SgxMprotect {
    static final int SGX_IOC_MPROTECT = 0x4018A411;
    static final int SGX_IOC_EXTEND_PERMISSIONS = 0x4018A412;
    static final int SIZE = 24;

    private SgxMprotect() {
    }

    private static void designCheck(SgxEnclave encl, String what) {
        ErrnoException.check(encl.drv.kernel.config().uapi() != SgxUapi.MPROTECT_IOCTL, Errno.ENOIOCTLCMD,
                what + ": only under the MPROTECT_IOCTL design");
        ErrnoException.check(!encl.created, Errno.EINVAL, what + ": the enclave is not created");
    }

    static long mprotect(SgxEnclave encl, Task task, long arg) {
        String what = "SGX_IOC_MPROTECT";
        designCheck(encl, what);
        byte[] a = task.mm().copyFromUser(arg, SIZE);
        long addr = Bytes.le64(a, 0), length = Bytes.le64(a, 8);
        long vmProt = Mman.vmProtBits((int) Bytes.le64(a, 16));
        SgxIoctl.validateOffsetLength(encl, addr - encl.base, length, what);
        long end = addr + length;
        long lsmProt = Mman.VM_READ | Mman.VM_EXEC;
        encl.lock.lock();
        try {
            for (long p = addr; p < end; p += Mman.PAGE_SIZE) {
                SgxEnclPage page = encl.pageArray.get(p >>> 12);
                // a page not yet added will be EAUGed RW (EXTEND_PERMISSIONS adds X later)
                long may = page != null ? page.vmMaxProtBits : Mman.VM_READ | Mman.VM_WRITE;
                ErrnoException.check((vmProt & ~may) != 0, Errno.EACCES,
                        "%s: page 0x%x may be mapped at most %s, not %s (VM_MAY* of the page)", what, p,
                        Mman.protString(may), Mman.protString(vmProt));
                if ((may & (Mman.VM_WRITE | Mman.VM_EXEC)) == (Mman.VM_WRITE | Mman.VM_EXEC)) {
                    lsmProt |= Mman.VM_WRITE;
                }
            }
        } finally {
            encl.lock.unlock();
        }
        Mm mm = task.mm();
        mm.mmapLock.writeLock().lock();
        try {
            var vmas = mm.covering(addr, end, what);
            for (Vma v : vmas) {
                ErrnoException.check(v.privateData != encl, Errno.EINVAL,
                        "%s: %s is not a mapping of this enclave", what, v);
            }
            for (Vma v : vmas) {
                encl.drv.kernel.lsm().fileMprotect(task, v, lsmProt);
            }
            mm.protectFixup(addr, end, Mman.VM_ACCESS_FLAGS, vmProt);
        } finally {
            mm.mmapLock.writeLock().unlock();
        }
        return 0;
    }

    static long extendPermissions(SgxEnclave encl, Task task, long arg) {
        String what = "SGX_IOC_EXTEND_PERMISSIONS";
        designCheck(encl, what);
        byte[] a = task.mm().copyFromUser(arg, SIZE);
        long offset = Bytes.le64(a, 0), length = Bytes.le64(a, 8), perms = Bytes.le64(a, 16);
        SgxIoctl.validateOffsetLength(encl, offset, length, what);
        ErrnoException.check((perms & ~Mman.VM_ACCESS_FLAGS) != 0, Errno.EINVAL,
                what + ": permissions 0x" + Long.toHexString(perms) + " are not R/W/X bits");
        encl.lock.lock();
        try {
            for (long c = 0; c < length; c += Mman.PAGE_SIZE) {
                SgxEnclPage page = encl.pageArray.get((encl.base + offset + c) >>> 12);
                ErrnoException.check(page == null || page.type != org.jsgx.cpu.PageType.PT_REG, Errno.EINVAL,
                        "%s: no REG page at offset 0x%x", what, offset + c);
            }
            // only extends: clearing VM_MAYWRITE could not dodge the WRITE check of SGX_IOC_MPROTECT
            for (long c = 0; c < length; c += Mman.PAGE_SIZE) {
                encl.pageArray.get((encl.base + offset + c) >>> 12).vmMaxProtBits |= perms;
            }
        } finally {
            encl.lock.unlock();
        }
        return 0;
    }
}
