package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ENCLU[EMODPE] (SGX2): the enclave extends a page's EPCM permissions (R/W/X OR SECINFO).
 * Takes effect at once: a stale, more restrictive translation only costs a #PF and a retry,
 * so no tracking is needed. The SDM text's missing "THEN #GP" on W without R is restored.
 */
final class Emodpe {
    private Emodpe() {
    }

    static void run(LogicalProcessor lp, long rbx, long rcx) {
        Checks.aligned(rbx, SecInfo.ALIGN, "SECINFO");
        Checks.aligned(rcx, 4096, "EPC page");
        Checks.gp(!EnclaveAccess.inElrange(lp, rbx), "SECINFO outside ELRANGE");
        Checks.gp(!EnclaveAccess.inElrange(lp, rcx), "page outside ELRANGE");
        EpcPage sp = EnclaveAccess.regPage(lp, rbx, Access.READ);
        EpcPage page = lp.epcOperand(rcx, Access.READ);
        SecInfo si = new SecInfo(MemorySegment.ofArray(
                sp.data().asSlice(rbx & 0xFFF, SecInfo.SIZE).toArray(ValueLayout.JAVA_BYTE)));
        long f = si.flags();
        if ((f & SecInfo.RESERVED_BITS) != 0 || !si.reservedBytesZero()) {
            throw new GeneralProtectionFault(String.format("SECINFO.FLAGS 0x%x has reserved bits set", f));
        }
        checkTarget(lp, rcx, page);

        Checks.lock(page, "EPC page");
        try {
            checkTarget(lp, rcx, page);
            EpcmEntry e = page.epcm();
            if (e.enclaveAddress != rcx) {
                throw PageFault.epcm(rcx, String.format("page was added at 0x%x", e.enclaveAddress));
            }
            Checks.gp(!e.r && (f & SecInfo.R) == 0 && (f & SecInfo.W) != 0, "EMODPE would give W without R");

            // commit
            e.perms(e.perms() | (f & SecInfo.RWX));
        } finally {
            page.unlock();
        }
    }

    /** Step 3: a valid, accepted, unblocked PT_REG page of the current enclave, else #PF(RCX). */
    private static void checkTarget(LogicalProcessor lp, long rcx, EpcPage page) {
        EpcmEntry e = page.epcm();
        Checks.pf(!e.valid || e.pending || e.modified || e.blocked || e.pageType != PageType.PT_REG
                || e.enclaveSecs != lp.activeSecs, rcx, "not an accepted, unblocked PT_REG page of this enclave");
    }
}
