package org.jsgx.cpu;


/** ENCLS[EEXTEND]: measures 256 bytes of an added page (header record + 4 data blocks). */
final class Eextend {
    private Eextend() {
    }

    static void run(LogicalProcessor lp, long rbx, long rcx) {
        Checks.aligned(rbx, 4096, "SECS");
        EpcPage secsPage = lp.epcOperand(rbx, Access.READ);
        Checks.aligned(rcx, Measurement.CHUNK, "EEXTEND chunk");
        EpcPage page = lp.epcOperand(rcx, Access.READ);

        Checks.lock(page, "EPC page");
        try {
            EpcmEntry e = page.epcm();
            Checks.pf(!e.valid, rcx, "EPC page not valid");
            if (e.pageType != PageType.PT_REG && e.pageType != PageType.PT_TCS) {
                throw PageFault.epcm(rcx, "EPC page is " + e.pageType + ", not PT_REG or PT_TCS");
            }
            Checks.gp(e.enclaveSecs != secsPage, "RBX is not the SECS that owns the page");
            Secs secs = secsPage.secsView();
            Checks.gp(secs.initialized(), "enclave already initialized (EEXTEND after EINIT)");
            SecsState state = Checks.state(secsPage);
            long offset = e.enclaveAddress - secs.baseAddr() + (rcx & 0xFFF);
            Checks.lock(secsPage, "MRENCLAVE (SECS)");
            try {
                // the 256 bytes are read from the EPC frame itself, as the hardware reads them
                state.measurement.eextend(offset, page.data(), rcx & 0xF00);
            } finally {
                secsPage.unlock();
            }
        } finally {
            page.unlock();
        }
    }
}
