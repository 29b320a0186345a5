package org.jsgx.cpu;

/** ENCLS[EREMOVE]: makes an EPC page invalid (the 2019 SDM's TRIM test defect corrected). */
final class Eremove {
    private Eremove() {
    }

    static SgxStatus run(LogicalProcessor lp, long rcx) {
        Checks.aligned(rcx, 4096, "EPC page");
        EpcPage page = lp.epcOperand(rcx, Access.WRITE);
        Checks.lock(page, "EPC page");
        try {
            EpcmEntry e = page.epcm();
            if (!e.valid) {
                return SgxStatus.SGX_SUCCESS;
            }
            switch (e.pageType) {
                case PT_VA -> {
                    e.invalidate();
                    return SgxStatus.SGX_SUCCESS;
                }
                case PT_SECS -> {
                    SecsState s = Checks.state(page);
                    if (s.children() != 0) {
                        return SgxStatus.SGX_CHILD_PRESENT;
                    }
                    page.secsState = null;
                    e.invalidate();
                    return SgxStatus.SGX_SUCCESS;
                }
                default -> {
                    if (e.pageType == PageType.PT_TRIM && !e.modified) {
                        return removeChild(page);
                    }
                    if (Checks.state(e.enclaveSecs).threadsInside() > 0) {
                        return SgxStatus.SGX_ENCLAVE_ACT;
                    }
                    return removeChild(page);
                }
            }
        } finally {
            page.unlock();
        }
    }

    private static SgxStatus removeChild(EpcPage page) {
        EpcmEntry e = page.epcm();
        Checks.state(e.enclaveSecs).children.decrementAndGet();
        e.invalidate();
        return SgxStatus.SGX_SUCCESS;
    }
}
