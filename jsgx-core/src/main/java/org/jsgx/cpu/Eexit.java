package org.jsgx.cpu;

/**
 * ENCLU[EEXIT]: leaves the enclave to RBX. RCX receives the AEP of this entry; RSP and RBP are
 * not restored by hardware (the SDM prose says otherwise, its pseudo-code does not).
 */
final class Eexit {
    private Eexit() {
    }

    static void run(LogicalProcessor lp, long rbx) {
        if (!Checks.canonical(rbx)) {
            throw new GeneralProtectionFault(String.format("EEXIT target 0x%x is not canonical", rbx));
        }
        Registers r = lp.regs();
        Tcs tcs = new Tcs(lp.tcsPage.data());
        r.rip = rbx;
        r.rcx = tcs.aep();
        r.fsBase = lp.savedFsBase;
        r.gsBase = lp.savedGsBase;
        if (!lp.dbgOptIn) {
            r.rflags |= lp.savedTf;
        }
        leave(lp);
    }

    /** Common to EEXIT and AEX: clear enclave mode, release the TCS, end the thread's epoch. */
    static void leave(LogicalProcessor lp) {
        SecsState st = Checks.state(lp.activeSecs);
        new Tcs(lp.tcsPage.data()).state(0);
        Tracking.exit(st, lp.entryEpoch);
        lp.enclaveMode = false;
        lp.ipiServed();
        lp.activeSecs = null;
        lp.tcsPage = null;
        lp.gprPage = null;
        lp.xsavePage = null;
        lp.tcsLa = 0;
        lp.elrangeBase = 0;
        lp.elrangeSize = 0;
    }
}
