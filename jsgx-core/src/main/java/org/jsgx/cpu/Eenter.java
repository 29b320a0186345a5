package org.jsgx.cpu;

/**
 * ENCLU[EENTER] on a 64-bit logical processor: TCS and SSA checks in the SDM's order, then
 * enclave mode with the entry register conventions (RAX = CSSA, RCX = return address,
 * RIP = BASEADDR + OENTRY, URSP/URBP saved in the current SSA frame). The TCS checks and the
 * entry effects are shared with {@link Eresume}.
 */
final class Eenter {
    private Eenter() {
    }

    /** What the TCS checks established: the TCS, its enclave and the SSA frame geometry. */
    record Entry(EpcPage tcsPage, Tcs tcs, EpcPage secsPage, Secs secs, long base, long frameBytes) {
        /** Linear address of SSA frame {@code i}. */
        long frame(long i) {
            return base + tcs.ossa() + i * frameBytes;
        }
    }

    static void run(LogicalProcessor lp, long rbx, long rcx) {
        Checks.aligned(rbx, 4096, "TCS");
        EpcPage tcsPage = lp.epcOperand(rbx, Access.READ);
        if (!Checks.canonical(rcx)) {
            throw new GeneralProtectionFault(String.format("AEP 0x%x is not canonical", rcx));
        }
        Checks.lockTcs(tcsPage);
        try {
            Entry en = checkTcs(lp, rbx, tcsPage, false);
            Tcs tcs = en.tcs();
            if (Integer.compareUnsigned(tcs.cssa(), tcs.nssa()) >= 0) {
                throw new GeneralProtectionFault(String.format("TCS.CSSA %d >= NSSA %d (no free SSA frame)", tcs.cssa(), tcs.nssa()));
            }
            long ssa = en.frame(Integer.toUnsignedLong(tcs.cssa()));
            checkSsaFrame(lp, en.secsPage(), ssa, en.frameBytes());
            long target = en.base() + tcs.oentry();
            Checks.gp(!Checks.canonical(target), "entry point not canonical");
            Checks.gp(tcs.state() != 0, "TCS is ACTIVE (another thread is inside)");

            Registers r = lp.regs();
            GprSgx gpr = ssaGpr(lp, ssa, en.frameBytes()); // before entering: its #PF must change nothing
            enter(lp, rbx, rcx, en, ssa);
            gpr.reg(GprSgx.URSP, r.rsp);
            gpr.reg(GprSgx.URBP, r.rbp);
            r.rcx = r.rip;
            r.rip = target;
            r.rax = Integer.toUnsignedLong(tcs.cssa());
        } finally {
            tcsPage.unlock();
        }
    }

    /**
     * EENTER/ERESUME steps 5-10: the TCS's EPCM entry and fields, the enclave's state and
     * mode. ERESUME tests PENDING/MODIFIED before the address and type.
     */
    static Entry checkTcs(LogicalProcessor lp, long rbx, EpcPage tcsPage, boolean resume) {
        EpcmEntry e = tcsPage.epcm();
        Checks.pf(!e.valid, rbx, "TCS page not valid");
        Checks.pf(e.blocked, rbx, "TCS page is BLOCKED");
        if (resume) {
            Checks.pf(e.pending || e.modified, rbx, "TCS page is PENDING or MODIFIED");
        }
        Checks.pf(e.enclaveAddress != rbx || e.pageType != PageType.PT_TCS, rbx, "RBX is not a TCS");
        if (!resume) {
            Checks.pf(e.pending || e.modified, rbx, "TCS page is PENDING or MODIFIED");
        }
        Tcs tcs = new Tcs(tcsPage.data());
        Checks.aligned(tcs.ossa(), 4096, "TCS.OSSA");
        Checks.aligned(tcs.ofsbasgx(), 4096, "TCS.OFSBASGX");
        Checks.aligned(tcs.ogsbasgx(), 4096, "TCS.OGSBASGX");
        EpcPage secsPage = e.enclaveSecs;
        Secs secs = secsPage.secsView();
        long base = secs.baseAddr();
        Checks.gp(!Checks.canonical(base + tcs.ofsbasgx()) || !Checks.canonical(base + tcs.ogsbasgx()),
                "FS/GS base not canonical");
        long allowedFlags = Tcs.FLAG_DBGOPTIN | Tcs.FLAG_AEXNOTIFY;
        Checks.gp((tcs.flags() & ~allowedFlags) != 0, "TCS.FLAGS reserved bits set");
        Checks.gp(!secs.initialized(), "enclave not initialized");
        Checks.gp(!secs.attributes().has(Attributes.MODE64BIT), "32-bit enclave entered from 64-bit mode");
        return new Entry(tcsPage, tcs, secsPage, secs, base, (long) secs.ssaFrameSize() * 4096);
    }

    /**
     * The entry effects common to EENTER and ERESUME: enclave mode and the CREGs (with the
     * cached SSA frame pages AEX will write), TCS ACTIVE with the AEP, FS/GS swapped, TF
     * suppressed on opt-out, and the thread's entry epoch recorded for tracking.
     */
    static void enter(LogicalProcessor lp, long rbx, long aep, Entry en, long ssa) {
        Registers r = lp.regs();
        Tcs tcs = en.tcs();
        Secs secs = en.secs();
        // translate first: a #PF here (the PTE zapped since the checks) must leave nothing changed
        long gprLa = ssa + en.frameBytes() - GprSgx.SIZE;
        EpcPage gprPage = lp.epcOperand(gprLa, Access.WRITE);
        EpcPage xsavePage = lp.epcOperand(ssa, Access.WRITE);
        lp.enclaveMode = true;
        lp.activeSecs = en.secsPage();
        lp.elrangeBase = en.base();
        lp.elrangeSize = secs.size();
        lp.tcsLa = rbx;
        lp.tcsPage = en.tcsPage();
        lp.ssaLa = ssa;
        lp.gprPage = gprPage;
        lp.gprOffset = (int) (gprLa & 0xFFF);
        lp.xsavePage = xsavePage;
        lp.dbgOptIn = (tcs.flags() & Tcs.FLAG_DBGOPTIN) != 0 && secs.attributes().has(Attributes.DEBUG);
        tcs.aep(aep);
        tcs.state(1);
        lp.savedFsBase = r.fsBase;
        lp.savedGsBase = r.gsBase;
        r.fsBase = en.base() + tcs.ofsbasgx();
        r.gsBase = en.base() + tcs.ogsbasgx();
        if (!lp.dbgOptIn) {
            lp.savedTf = r.rflags & Registers.TF;
            r.rflags &= ~Registers.TF;
        }
        lp.entryEpoch = Tracking.enter(Checks.state(en.secsPage()));
    }

    /** Every page of the SSA frame must be an accessible, RW, PT_REG page of this enclave. */
    static void checkSsaFrame(LogicalProcessor lp, EpcPage secsPage, long ssa, long frameBytes) {
        for (long la = ssa; la < ssa + frameBytes; la += 4096) {
            long pa = lp.translate(la, Access.WRITE);
            EpcPage p = lp.platform().epc().page(pa);
            Checks.pf(p == null, la, "SSA page not in EPC");
            EpcmEntry e = p.epcm();
            Checks.pf(!e.valid || e.blocked || e.pending || e.modified || e.enclaveAddress != la
                    || e.pageType != PageType.PT_REG || e.enclaveSecs != secsPage || !e.r || !e.w, la,
                    "SSA page is not an accessible RW PT_REG page of this enclave");
        }
    }

    /** The GPRSGX region of the SSA frame at {@code ssa}. */
    static GprSgx ssaGpr(LogicalProcessor lp, long ssa, long frameBytes) {
        long la = ssa + frameBytes - GprSgx.SIZE;
        EpcPage p = lp.epcOperand(la, Access.WRITE);
        return new GprSgx(p.data().asSlice(la & 0xFFF, GprSgx.SIZE));
    }
}
