package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/**
 * ENCLS[EMODT] (SGX2): changes a PT_REG page to PT_TCS or PT_TRIM (or a TCS to PT_TRIM). The
 * page becomes MODIFIED with no permissions until the enclave accepts the change (EACCEPT after
 * a tracking cycle).
 */
final class Emodt {
    private Emodt() {
    }

    static SgxStatus run(LogicalProcessor lp, long rbx, long rcx) {
        Checks.aligned(rbx, SecInfo.ALIGN, "SECINFO");
        Checks.aligned(rcx, 4096, "EPC page");
        EpcPage page = lp.epcOperand(rcx, Access.WRITE);
        SecInfo si = new SecInfo(MemorySegment.ofArray(lp.read(rbx, SecInfo.SIZE)));
        long f = si.flags();
        // [MODEL] only the page type is meaningful; every other SECINFO.FLAGS bit is reserved
        if ((f & ~0xFF00L) != 0 || !si.reservedBytesZero()) {
            throw new GeneralProtectionFault(String.format("SECINFO.FLAGS 0x%x has reserved bits set", f));
        }
        PageType target = si.pageType();
        if (target != PageType.PT_TCS && target != PageType.PT_TRIM) {
            throw new GeneralProtectionFault("EMODT target type " + si.pageTypeValue() + " is not PT_TCS or PT_TRIM");
        }

        // the model has one page lock: a conflicting leaf is reported as the SDM's status
        if (!page.tryLock()) {
            return SgxStatus.SGX_EPC_PAGE_CONFLICT;
        }
        try {
            EpcmEntry e = page.epcm();
            Checks.pf(!e.valid, rcx, "EPC page not valid");
            if (!(e.pageType == PageType.PT_REG || e.pageType == PageType.PT_TCS && target == PageType.PT_TRIM)) {
                throw PageFault.epcm(rcx, "EMODT of a " + e.pageType + " page to " + target);
            }
            if (e.pending || e.modified) {
                return SgxStatus.SGX_PAGE_NOT_MODIFIABLE;
            }
            Checks.gp(!e.enclaveSecs.secsView().initialized(), "enclave not initialized");

            // commit
            e.pr(false);
            e.modified(true);
            e.perms(0);
            e.pageType(target);
            e.bepoch = Tracking.stamp(Checks.state(e.enclaveSecs));
            return SgxStatus.SGX_SUCCESS;
        } finally {
            page.unlock();
        }
    }
}
