package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ENCLU[EACCEPTCOPY] (SGX2): accepts a PENDING page (from EAUG) by copying an existing enclave
 * page into it and giving it the SECINFO's permissions — the way to get an executable page
 * after EINIT. The SDM text's swapped RCX/RDX tests (source R, destination BLOCKED) are
 * corrected.
 */
final class Eacceptcopy {
    private Eacceptcopy() {
    }

    static SgxStatus run(LogicalProcessor lp, long rbx, long rcx, long rdx) {
        Checks.aligned(rbx, SecInfo.ALIGN, "SECINFO");
        Checks.aligned(rcx, 4096, "destination page");
        Checks.aligned(rdx, 4096, "source page");
        Checks.gp(!EnclaveAccess.inElrange(lp, rbx), "SECINFO outside ELRANGE");
        Checks.gp(!EnclaveAccess.inElrange(lp, rcx), "destination page outside ELRANGE");
        Checks.gp(!EnclaveAccess.inElrange(lp, rdx), "source page outside ELRANGE");
        EpcPage sp = EnclaveAccess.regPage(lp, rbx, Access.READ);
        EpcPage dst = lp.epcOperand(rcx, Access.WRITE);
        SecInfo si = new SecInfo(MemorySegment.ofArray(
                sp.data().asSlice(rbx & 0xFFF, SecInfo.SIZE).toArray(ValueLayout.JAVA_BYTE)));
        long f = si.flags();
        if ((f & SecInfo.RESERVED_BITS) != 0 || !si.reservedBytesZero()) {
            throw new GeneralProtectionFault(String.format("SECINFO.FLAGS 0x%x has reserved bits set", f));
        }
        Checks.gp((f & SecInfo.R) == 0 && (f & SecInfo.W) != 0, "SECINFO has W without R");
        Checks.gp(si.pageType() != PageType.PT_REG, "SECINFO.PAGE_TYPE is not PT_REG");
        EpcPage src = EnclaveAccess.regPage(lp, rdx, Access.READ);
        if (!destinationPending(lp, dst)) {
            return SgxStatus.SGX_PAGE_ATTRIBUTES_MISMATCH;
        }

        Checks.lock(dst, "destination page");
        try {
            EpcmEntry e = dst.epcm();
            if (!destinationPending(lp, dst) || !e.r || !e.w || e.x || e.pageType != si.pageType()
                    || e.enclaveAddress != rcx) {
                return SgxStatus.SGX_PAGE_ATTRIBUTES_MISMATCH;
            }

            // commit
            MemorySegment.copy(src.data(), 0, dst.data(), 0, EpcPage.SIZE);
            e.perms(f & SecInfo.RWX);
            e.pending(false);
            return SgxStatus.SGX_SUCCESS;
        } finally {
            dst.unlock();
        }
    }

    /** Step 5: a valid, PENDING, unmodified, unblocked PT_REG page of the current enclave. */
    private static boolean destinationPending(LogicalProcessor lp, EpcPage dst) {
        EpcmEntry e = dst.epcm();
        return e.valid && e.pending && !e.modified && !e.blocked && e.pageType == PageType.PT_REG
                && e.enclaveSecs == lp.activeSecs;
    }
}
