package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/**
 * ENCLS[EAUG] (SGX2): adds a zeroed, PENDING, RW page to an initialised enclave. The page is
 * not measured and stays inaccessible until the enclave accepts it (EACCEPT/EACCEPTCOPY).
 */
final class Eaug {
    private Eaug() {
    }

    static void run(LogicalProcessor lp, long rbx, long rcx) {
        Checks.aligned(rbx, PageInfo.ALIGN, "PAGEINFO");
        Checks.aligned(rcx, 4096, "destination EPC page");
        EpcPage page = lp.epcOperand(rcx, Access.WRITE);

        PageInfo pi = new PageInfo(MemorySegment.ofArray(lp.read(rbx, PageInfo.SIZE)));
        Checks.aligned(pi.secs(), 4096, "PAGEINFO.SECS");
        Checks.aligned(pi.linaddr(), 4096, "PAGEINFO.LINADDR");
        Checks.gp(pi.srcpge() != 0, "PAGEINFO.SRCPGE must be 0 for EAUG");
        Checks.gp(pi.secinfo() != 0, "PAGEINFO.SECINFO must be 0 for EAUG");
        EpcPage secsPage = lp.epcOperand(pi.secs(), Access.READ);

        Checks.lock(page, "destination EPC page");
        try {
            Checks.pf(page.epcm().valid, rcx, "destination EPC page already valid");
            Checks.lock(secsPage, "SECS");
            try {
                EpcmEntry se = secsPage.epcm();
                Checks.pf(!se.valid || se.pageType != PageType.PT_SECS, pi.secs(), "PAGEINFO.SECS is not a valid SECS");
                Secs secs = secsPage.secsView();
                Checks.gp(!secs.initialized(), "EAUG to an enclave that is not initialized");
                long base = secs.baseAddr();
                if (Long.compareUnsigned(pi.linaddr() - base, secs.size()) >= 0) {
                    throw new GeneralProtectionFault(String.format("LINADDR 0x%x is outside ELRANGE [0x%x, 0x%x)", pi.linaddr(), base,
                                    base + secs.size()));
                }

                // commit
                page.data().fill((byte) 0);
                EpcmEntry e = page.epcm();
                e.set(PageType.PT_REG, SecInfo.R | SecInfo.W, secsPage, pi.linaddr());
                e.pending(true);
                Checks.state(secsPage).children.incrementAndGet();
            } finally {
                secsPage.unlock();
            }
        } finally {
            page.unlock();
        }
    }
}
