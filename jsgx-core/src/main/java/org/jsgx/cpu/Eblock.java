package org.jsgx.cpu;

/**
 * ENCLS[EBLOCK]: marks an enclave page BLOCKED so no new TLB translation of it can be created,
 * and stamps it with the enclave's current epoch (BEPOCH) for the tracking check of EWB.
 */
final class Eblock {
    private Eblock() {
    }

    static SgxStatus run(LogicalProcessor lp, long rcx) {
        Checks.aligned(rcx, 4096, "EPC page");
        EpcPage page = lp.epcOperand(rcx, Access.WRITE);
        if (!page.tryLock()) {
            return SgxStatus.SGX_EPC_PAGE_CONFLICT;
        }
        try {
            EpcmEntry e = page.epcm();
            if (!e.valid) {
                return SgxStatus.SGX_PG_INVLD;
            }
            if (e.pageType == PageType.PT_SECS) {
                return SgxStatus.SGX_PG_IS_SECS;
            }
            if (e.pageType != PageType.PT_REG && e.pageType != PageType.PT_TCS && e.pageType != PageType.PT_TRIM) {
                return SgxStatus.SGX_NOTBLOCKABLE;
            }
            if (e.blocked) {
                return SgxStatus.SGX_BLKSTATE;
            }
            // [MODEL] "ETRACK in progress" = the SECS is held by another leaf (ETRACK takes it)
            EpcPage secsPage = e.enclaveSecs;
            if (!secsPage.tryLock()) {
                return SgxStatus.SGX_ENTRYEPOCH_LOCKED;
            }
            try {
                e.blocked(true);
                e.bepoch = Tracking.stamp(Checks.state(secsPage));
            } finally {
                secsPage.unlock();
            }
            return SgxStatus.SGX_SUCCESS;
        } finally {
            page.unlock();
        }
    }
}
