package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/**
 * ENCLS[EMODPR] (SGX2): restricts a page's EPCM permissions (R/W/X AND SECINFO) and sets PR
 * until the enclave confirms with EACCEPT, which needs a completed tracking cycle since.
 */
final class Emodpr {
    /** [MODEL] only R, W and X are meaningful; every other SECINFO.FLAGS bit is reserved. */
    static final long ALLOWED_FLAGS = SecInfo.RWX;

    private Emodpr() {
    }

    static SgxStatus run(LogicalProcessor lp, long rbx, long rcx) {
        Checks.aligned(rbx, SecInfo.ALIGN, "SECINFO");
        Checks.aligned(rcx, 4096, "EPC page");
        EpcPage page = lp.epcOperand(rcx, Access.WRITE);
        SecInfo si = new SecInfo(MemorySegment.ofArray(lp.read(rbx, SecInfo.SIZE)));
        long f = si.flags();
        if ((f & ~ALLOWED_FLAGS) != 0 || !si.reservedBytesZero()) {
            throw new GeneralProtectionFault(String.format("SECINFO.FLAGS 0x%x has reserved bits set", f));
        }
        Checks.gp((f & SecInfo.R) == 0 && (f & SecInfo.W) != 0, "SECINFO has W without R");

        Checks.lock(page, "EPC page");
        try {
            EpcmEntry e = page.epcm();
            Checks.pf(!e.valid, rcx, "EPC page not valid");
            if (e.pending || e.modified) {
                return SgxStatus.SGX_PAGE_NOT_MODIFIABLE;
            }
            if (e.pageType != PageType.PT_REG) {
                throw PageFault.epcm(rcx, "EMODPR of a " + e.pageType + " page");
            }
            Checks.gp(!e.enclaveSecs.secsView().initialized(), "enclave not initialized");

            // commit
            e.pr(true);
            e.perms(e.perms() & f);
            e.bepoch = Tracking.stamp(Checks.state(e.enclaveSecs));
            return SgxStatus.SGX_SUCCESS;
        } finally {
            page.unlock();
        }
    }
}
