package org.jsgx.kernel;

import org.jsgx.cpu.Bytes;
import org.jsgx.cpu.PageType;
import org.jsgx.cpu.SecInfo;

/**
 * SGX_IOC_ENCLAVE_AUGMENT_PAGES (Jarkko Sakkinen, seed 001; never merged): EAUG explicitly,
 * with a SECINFO whose rights become the pages' cap, instead of implicitly in the fault
 * handler. The pages are RW and PENDING in the EPCM as after any EAUG; the enclave then
 * EACCEPTs, or EACCEPTCOPYs R/RX contents. The security module decides whether a cap with X
 * is granted (the "user space policy"). Argument: {@code struct { __u64 offset, length,
 * secinfo, count; }}, count OUT (number chosen by the model).
 */
final class SgxAugmentPages {
    static final int SGX_IOC_ENCLAVE_AUGMENT_PAGES = 0xC020A413;
    static final int SIZE = 32;

    private SgxAugmentPages() {
    }

    static long augmentPages(SgxEnclave encl, Task task, long arg) {
        String what = "AUGMENT_PAGES";
        ErrnoException.check(encl.drv.kernel.config().uapi() != SgxUapi.AUGMENT_IOCTL, Errno.ENOIOCTLCMD,
                what + ": only under the AUGMENT_IOCTL design");
        SgxIoctl.sgx2Ready(encl, what);
        byte[] a = task.mm().copyFromUser(arg, SIZE);
        long offset = Bytes.le64(a, 0), length = Bytes.le64(a, 8);
        ErrnoException.check(Bytes.le64(a, 24) != 0, Errno.EINVAL, what + ": count must be 0");
        SgxIoctl.validateOffsetLength(encl, offset, length, what);
        byte[] secinfo = task.mm().copyFromUser(Bytes.le64(a, 16), SecInfo.SIZE);
        SgxIoctl.validateSecinfo(secinfo);
        long flags = new SecInfo(java.lang.foreign.MemorySegment.ofArray(secinfo)).flags();
        ErrnoException.check(SgxEnclave.pageType(flags) != PageType.PT_REG, Errno.EINVAL,
                what + ": only REG pages can be augmented");
        long perms = flags & SgxIoctl.SECINFO_PERMISSION_MASK;
        long maxProt = encl.drv.kernel.lsm().enclaveAugmentPage(task, encl, encl.base + offset, perms);
        long c = 0;
        ErrnoException failure = null;
        for (; c < length; c += Mman.PAGE_SIZE) {
            long addr = encl.base + offset + c;
            if (encl.pageArray.containsKey(addr >>> 12)) {
                failure = new ErrnoException(Errno.EEXIST, String.format("%s: page 0x%x already exists", what, addr));
                break;
            }
            if (encl.drv.vmOps.eaug(null, encl, addr, task, maxProt) != VmFault.NOPAGE
                    || !encl.pageArray.containsKey(addr >>> 12)) {
                failure = new ErrnoException(Errno.EFAULT, String.format("%s: EAUG of 0x%x failed", what, addr));
                break;
            }
        }
        System.arraycopy(Bytes.le64(c), 0, a, 24, 8);
        task.mm().copyToUser(arg, a);
        if (failure != null) {
            throw failure;
        }
        return 0;
    }
}
