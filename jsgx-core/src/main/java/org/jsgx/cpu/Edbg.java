package org.jsgx.cpu;

import java.lang.foreign.ValueLayout;

/** ENCLS[EDBGRD] and ENCLS[EDBGWR]: debugger access to a debug enclave's pages. */
final class Edbg {
    private static final ValueLayout.OfLong U64 = Struct.U64;

    private Edbg() {
    }

    static SgxStatus read(LogicalProcessor lp, long rcx) {
        EpcPage page = operand(lp, rcx, Access.READ);
        try {
            EpcmEntry e = page.epcm();
            if (e.pageType != PageType.PT_REG && e.pageType != PageType.PT_TCS && e.pageType != PageType.PT_VA) {
                throw PageFault.epcm(rcx, "EDBGRD of a " + e.pageType + " page");
            }
            if (e.pending || e.modified) {
                return SgxStatus.SGX_PAGE_NOT_DEBUGGABLE;
            }
            long off = rcx & 0xFFF;
            if (e.pageType == PageType.PT_VA) {
                // a VA slot never reveals its version: all ones if occupied
                long v = page.data().get(U64, off) & ~7L;
                lp.regs().rbx = v != 0 ? -1L : 0;
                return SgxStatus.SGX_SUCCESS;
            }
            Checks.gp(e.pageType == PageType.PT_TCS && off >= Tcs.SGX_TCS_LIMIT,
                    "EDBGRD beyond SGX_TCS_LIMIT in a TCS");
            requireDebug(e);
            lp.regs().rbx = page.data().get(U64, off);
            return SgxStatus.SGX_SUCCESS;
        } finally {
            page.unlock();
        }
    }

    static SgxStatus write(LogicalProcessor lp, long rcx, long data) {
        EpcPage page = operand(lp, rcx, Access.WRITE);
        try {
            EpcmEntry e = page.epcm();
            if (e.pageType != PageType.PT_REG && e.pageType != PageType.PT_TCS) {
                throw PageFault.epcm(rcx, "EDBGWR of a " + e.pageType + " page");
            }
            if (e.pending || e.modified) {
                return SgxStatus.SGX_PAGE_NOT_DEBUGGABLE;
            }
            long off = rcx & 0xFFF;
            Checks.gp(e.pageType == PageType.PT_TCS && (off & 0xFF8) != Tcs.FLAGS,
                    "EDBGWR to a TCS field other than FLAGS");
            requireDebug(e);
            page.data().set(U64, off, data);
            return SgxStatus.SGX_SUCCESS;
        } finally {
            page.unlock();
        }
    }

    /** Steps 1-2 (alignment, EPC, busy, valid); returns the page locked. */
    private static EpcPage operand(LogicalProcessor lp, long rcx, Access access) {
        Checks.aligned(rcx, 8, "EDBGRD/EDBGWR address");
        EpcPage page = lp.epcOperand(rcx, access);
        Checks.lock(page, "EPC page");
        if (!page.epcm().valid) {
            page.unlock();
            throw PageFault.epcm(rcx, "EPC page not valid");
        }
        return page;
    }

    private static void requireDebug(EpcmEntry e) {
        Checks.gp(!e.enclaveSecs.secsView().attributes().has(Attributes.DEBUG),
                "enclave is not a debug enclave (ATTRIBUTES.DEBUG = 0)");
    }
}
