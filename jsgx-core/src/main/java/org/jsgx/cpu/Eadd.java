package org.jsgx.cpu;

/** ENCLS[EADD]: copies a source page into the EPC as a PT_REG or PT_TCS page and measures it. */
final class Eadd {
    /** [MODEL] SECINFO bits EADD accepts: R, W, X and the page type. */
    static final long ALLOWED_FLAGS = SecInfo.RWX | 0xFF00L;

    private Eadd() {
    }

    static void run(LogicalProcessor lp, long rbx, long rcx) {
        Checks.aligned(rbx, PageInfo.ALIGN, "PAGEINFO");
        Checks.aligned(rcx, 4096, "destination EPC page");
        EpcPage page = lp.epcOperand(rcx, Access.WRITE);

        PageInfo pi = lp.tmpPageInfo;
        lp.readInto(rbx, pi.segment(), 0, PageInfo.SIZE);
        Checks.aligned(pi.srcpge(), 4096, "PAGEINFO.SRCPGE");
        Checks.aligned(pi.secs(), 4096, "PAGEINFO.SECS");
        Checks.aligned(pi.secinfo(), SecInfo.ALIGN, "PAGEINFO.SECINFO");
        Checks.aligned(pi.linaddr(), 4096, "PAGEINFO.LINADDR");
        EpcPage secsPage = lp.epcOperand(pi.secs(), Access.READ);

        SecInfo si = lp.tmpSecInfo;
        lp.readInto(pi.secinfo(), si.segment(), 0, SecInfo.SIZE);
        if ((si.flags() & ~ALLOWED_FLAGS) != 0 || !si.reservedBytesZero()) {
            throw new GeneralProtectionFault(String.format("SECINFO.FLAGS 0x%x has reserved bits set", si.flags()));
        }
        PageType pt = si.pageType();
        if (pt != PageType.PT_REG && pt != PageType.PT_TCS) {
            throw new GeneralProtectionFault("SECINFO.PAGE_TYPE " + si.pageTypeValue() + " is not PT_REG or PT_TCS");
        }

        Checks.lock(page, "destination EPC page");
        try {
            Checks.pf(page.epcm().valid, rcx, "destination EPC page already valid");
            Checks.lock(secsPage, "SECS");
            try {
                EpcmEntry se = secsPage.epcm();
                Checks.pf(!se.valid || se.pageType != PageType.PT_SECS, pi.secs(), "PAGEINFO.SECS is not a valid SECS");
                // step 7: the source goes straight into the (still invalid) EPC frame; the
                // checks below read that copy, and a failure leaves the frame invalid
                lp.readInto(pi.srcpge(), page.data(), 0, 4096);
                Secs secs = secsPage.secsView();
                long flags = si.flags();
                if (pt == PageType.PT_TCS) {
                    Tcs tcs = new Tcs(page.data());
                    Checks.gp(!tcs.reservedZero(), "TCS reserved bytes 72..4095 are not zero");
                    if (!secs.attributes().has(Attributes.MODE64BIT)) {
                        Checks.gp((tcs.fslimit() & 0xFFF) != 0xFFF || (tcs.gslimit() & 0xFFF) != 0xFFF,
                                "TCS FSLIMIT/GSLIMIT low 12 bits must be 0xFFF in a 32-bit enclave");
                    }
                } else {
                    Checks.gp((flags & SecInfo.W) != 0 && (flags & SecInfo.R) == 0, "SECINFO has W without R");
                }
                long base = secs.baseAddr();
                if (Long.compareUnsigned(pi.linaddr() - base, secs.size()) >= 0) {
                    throw new GeneralProtectionFault(String.format("LINADDR 0x%x is outside ELRANGE [0x%x, 0x%x)", pi.linaddr(), base,
                                    base + secs.size()));
                }
                Checks.gp(secs.initialized(), "enclave already initialized (EADD after EINIT)");
                SecsState state = Checks.state(secsPage);

                commit(page, secsPage, state, pt, flags, pi.linaddr(), pi.linaddr() - base);
            } finally {
                secsPage.unlock();
            }
        } finally {
            page.unlock();
        }
    }

    /**
     * The state changes of a successful EADD. A method of its own: inlined into the large
     * {@link #run}, the digest update lost the JIT's SHA-256 intrinsic and cost ~5 us per page.
     */
    private static void commit(EpcPage page, EpcPage secsPage, SecsState state, PageType pt, long flags,
                               long linaddr, long offset) {
        if (pt == PageType.PT_TCS) {
            flags &= ~SecInfo.RWX;
            Tcs tcs = new Tcs(page.data());
            tcs.flags(tcs.flags() & ~Tcs.FLAG_DBGOPTIN);
            tcs.cssa(0);
            tcs.aep(0);
            tcs.state(0);
        }
        state.measurement.eadd(offset, flags);
        page.epcm().set(pt, flags & SecInfo.RWX, secsPage, linaddr);
        state.children.incrementAndGet();
    }
}
