package org.jsgx.cpu;

/**
 * ENCLU[ERESUME]: re-enters an enclave after an AEX. The TCS checks are EENTER's; then the
 * thread resumes from SSA frame CSSA-1: registers, flags and RIP restored from its GPRSGX,
 * FS/GS bases from GPRSGX.FSBASE/GSBASE, the XSAVE image checked as XRSTOR would, and CSSA
 * decremented (the frame is free again). Works even when CSSA = NSSA.
 */
final class Eresume {
    /** RFLAGS bits ERESUME restores from the SSA (IF only when IOPL = 3). */
    static final long RESTORED_FLAGS = Registers.CF | Registers.PF | Registers.AF | Registers.ZF | Registers.SF
            | Registers.DF | Registers.OF | (1L << 14) /* NT */ | Registers.RF | (1L << 18) /* AC */
            | (1L << 21) /* ID */;
    static final long IOPL = 3L << 12;
    static final long VM = 1L << 17;

    private Eresume() {
    }

    static void run(LogicalProcessor lp, long rbx, long rcx) {
        Checks.aligned(rbx, 4096, "TCS");
        EpcPage tcsPage = lp.epcOperand(rbx, Access.READ);
        if (!Checks.canonical(rcx)) {
            throw new GeneralProtectionFault(String.format("AEP 0x%x is not canonical", rcx));
        }
        Checks.lockTcs(tcsPage);
        try {
            Eenter.Entry en = Eenter.checkTcs(lp, rbx, tcsPage, true);
            Tcs tcs = en.tcs();
            int cssa = tcs.cssa();
            Checks.gp(cssa == 0, "TCS.CSSA is 0: no SSA frame to resume from");
            long ssa = en.frame(Integer.toUnsignedLong(cssa) - 1);
            Eenter.checkSsaFrame(lp, en.secsPage(), ssa, en.frameBytes());
            GprSgx gpr = Eenter.ssaGpr(lp, ssa, en.frameBytes());
            long target = gpr.reg(GprSgx.RIP);
            if (!Checks.canonical(target)) {
                throw new GeneralProtectionFault(String.format("GPRSGX.RIP 0x%x is not canonical", target));
            }
            long fs = gpr.reg(GprSgx.FSBASE);
            long gs = gpr.reg(GprSgx.GSBASE);
            Checks.gp(!Checks.canonical(fs) || !Checks.canonical(gs), "GPRSGX.FSBASE/GSBASE not canonical");
            Checks.gp(tcs.state() != 0, "TCS is ACTIVE (another thread is inside)");
            EpcPage xsave = lp.epcOperand(ssa, Access.READ);
            Checks.gp(!Xsave.restorable(xsave.data(), en.secs().attributes().xfrm()),
                    "XRSTOR of the SSA frame's XSAVE image would fault (malformed header)");

            Registers r = lp.regs();
            Eenter.enter(lp, rbx, rcx, en, ssa);
            r.gprs(gpr.gprs()); // RAX..R15
            long saved = gpr.reg(GprSgx.RFLAGS);
            long mask = RESTORED_FLAGS | ((r.rflags & IOPL) == IOPL ? Registers.IF : 0);
            r.rflags = (r.rflags & ~mask & ~VM) | (saved & mask);
            r.rip = target;
            r.fsBase = fs;
            r.gsBase = gs;
            tcs.cssa(cssa - 1);
        } finally {
            tcsPage.unlock();
        }
    }
}
