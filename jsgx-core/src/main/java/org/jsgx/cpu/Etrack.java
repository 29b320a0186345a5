package org.jsgx.cpu;

/** ENCLS[ETRACK]: starts a tracking cycle on an enclave (see {@link Tracking}). */
final class Etrack {
    private Etrack() {
    }

    static SgxStatus run(LogicalProcessor lp, long rcx) {
        Checks.aligned(rcx, 4096, "SECS");
        EpcPage secsPage = lp.epcOperand(rcx, Access.READ);
        Checks.lock(secsPage, "SECS (tracking)");
        try {
            EpcmEntry e = secsPage.epcm();
            Checks.pf(!e.valid || e.pageType != PageType.PT_SECS, rcx, "RCX is not a valid SECS page");
            return Tracking.etrack(Checks.state(secsPage));
        } finally {
            secsPage.unlock();
        }
    }
}
