package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;

/**
 * Asynchronous Enclave Exit (SDM "AEX", reference §4.18): on an exception or interrupt in
 * enclave mode the processor saves the enclave's state into SSA frame CSSA (GPRSGX, XSAVE
 * image, EXITINFO and for #PF/#GP with MISCSELECT.EXINFO the MISC.EXINFO record), loads a
 * synthetic state that shows nothing of the enclave (RAX = ERESUME, RBX = TCS, RCX = RIP =
 * AEP, RSP/RBP = URSP/URBP, other GPRs 0), increments CSSA, leaves enclave mode, and delivers
 * the event: a #PF goes to the platform's {@link EnclaveFaultSink} with the page offset of CR2
 * hidden. The SSA frame is reached through the physical pages cached at entry, so AEX itself
 * can never fault.
 */
final class Aex {
    /** Vectors of fault-class exceptions: the saved RFLAGS.RF is 1 (the instruction restarts). */
    private static final long FAULT_VECTORS = bits(0, 5, 6, 7, 10, 11, 12, 13, 14, 16, 17, 19, 20, 21);
    /** Exceptions EXITINFO always reports. */
    private static final long REPORTED_VECTORS = bits(0, 1, 3, 5, 6, 16, 17, 19);
    static final int VECTOR_BP = 3;
    static final int VECTOR_GP = 13;
    static final int VECTOR_PF = 14;
    /** RAX after AEX: the ERESUME leaf number, so the AEP can simply execute ENCLU. */
    static final long SYNTHETIC_RAX = Enclu.ERESUME;

    private Aex() {
    }

    private static long bits(int... vs) {
        long m = 0;
        for (int v : vs) {
            m |= 1L << v;
        }
        return m;
    }

    private static boolean in(long set, int vector) {
        return vector >= 0 && vector < 64 && (set & (1L << vector)) != 0;
    }

    static void run(LogicalProcessor lp, int vector, int errorCode, long address, long resumeRip) {
        if (!lp.enclaveMode) {
            throw new IllegalStateException("AEX on a processor that is not in enclave mode");
        }
        Registers r = lp.regs();
        Secs secs = lp.activeSecs.secsView();
        Tcs tcs = new Tcs(lp.tcsPage.data());
        GprSgx gpr = new GprSgx(lp.gprPage.data().asSlice(lp.gprOffset, GprSgx.SIZE));

        // 1-2: the enclave's registers
        gpr.gprs(r.gprs());
        long flags = r.rflags & ~Registers.TF;
        if (in(FAULT_VECTORS, vector)) {
            flags |= Registers.RF;
        }
        gpr.reg(GprSgx.RFLAGS, flags);
        gpr.reg(GprSgx.RIP, resumeRip);
        gpr.reg(GprSgx.FSBASE, r.fsBase);
        gpr.reg(GprSgx.GSBASE, r.gsBase);
        // 3: extended state ([MODEL] always INIT, see Xsave.saveInit)
        Xsave.saveInit(lp.xsavePage.data());
        // 4: EXITINFO and MISC.EXINFO
        boolean exinfo = (secs.miscSelect() & ExInfo.MISCSELECT_EXINFO) != 0;
        if (in(REPORTED_VECTORS, vector)) {
            int type = vector == VECTOR_BP ? GprSgx.EXIT_TYPE_SOFTWARE : GprSgx.EXIT_TYPE_HARDWARE;
            gpr.exitInfo(GprSgx.exitInfo(vector, type));
        } else if ((vector == VECTOR_PF || vector == VECTOR_GP) && exinfo) {
            gpr.exitInfo(GprSgx.exitInfo(vector, GprSgx.EXIT_TYPE_HARDWARE));
            MemorySegment misc = lp.gprPage.data().asSlice(lp.gprOffset - ExInfo.SIZE, ExInfo.SIZE);
            new ExInfo(misc).set(vector == VECTOR_PF ? address : 0, errorCode);
        } else {
            gpr.exitInfo(0);
        }

        // 5: synthetic state
        long aep = tcs.aep();
        r.gprs(new long[16]);
        r.rax = SYNTHETIC_RAX;
        r.rbx = lp.tcsLa;
        r.rcx = aep;
        r.rsp = gpr.reg(GprSgx.URSP);
        r.rbp = gpr.reg(GprSgx.URBP);
        r.rip = aep;
        r.rflags &= ~(Registers.CF | Registers.PF | Registers.AF | Registers.ZF | Registers.SF | Registers.OF
                | Registers.RF);
        r.fsBase = lp.savedFsBase;
        r.gsBase = lp.savedGsBase;
        if (!lp.dbgOptIn) {
            r.rflags = (r.rflags & ~Registers.TF) | lp.savedTf;
        }

        // 6: pop out of the enclave
        tcs.cssa(tcs.cssa() + 1);
        Eexit.leave(lp);

        // 7-8: deliver the event
        if (vector == VECTOR_PF) {
            long cr2 = address & ~0xFFFL;
            lp.cr2 = cr2;
            EnclaveFaultSink sink = lp.platform().enclaveFaultSink();
            if (sink != null) {
                sink.enclavePageFault(lp, cr2, errorCode);
            }
        } else if (vector < 32) {
            EnclaveFaultSink sink = lp.platform().enclaveFaultSink();
            if (sink != null) {
                sink.enclaveException(lp, vector, errorCode);
            }
        }
    }
}
