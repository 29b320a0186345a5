package org.jsgx.cpu;

/**
 * ENCLS: the supervisor leaves, executed on one logical processor. Operands are linear
 * addresses translated with the processor's paging (RBX, RCX, RDX as in the SDM). Each method
 * completes, returns a status (also left in RAX with ZF/CF), or throws an {@link ArchFault}.
 */
public final class Encls {
    public static final int ECREATE = 0x00, EADD = 0x01, EINIT = 0x02, EREMOVE = 0x03, EDBGRD = 0x04,
            EDBGWR = 0x05, EEXTEND = 0x06, ELDB = 0x07, ELDU = 0x08, EBLOCK = 0x09, EPA = 0x0A, EWB = 0x0B,
            ETRACK = 0x0C, EAUG = 0x0D, EMODPR = 0x0E, EMODT = 0x0F;

    private final LogicalProcessor lp;

    Encls(LogicalProcessor lp) {
        this.lp = lp;
    }

    /** ENCLS prologue: #UD outside ring 0, #GP when SGX is not enabled and locked. */
    void prologue(int leaf) {
        if (lp.cpl() != 0) {
            throw new InvalidOpcodeFault("ENCLS at CPL " + lp.cpl());
        }
        long fc = lp.platform().featureControl();
        if ((fc & Platform.FEATURE_CONTROL_LOCK) == 0 || (fc & Platform.FEATURE_CONTROL_SGX_ENABLE) == 0) {
            throw new GeneralProtectionFault("SGX not enabled in IA32_FEATURE_CONTROL");
        }
        boolean sgx2Leaf = leaf == EAUG || leaf == EMODPR || leaf == EMODT;
        if (leaf < 0 || leaf > EMODT || (sgx2Leaf && !lp.platform().capabilities().sgx2())) {
            throw new GeneralProtectionFault(String.format("ENCLS leaf 0x%x not supported", leaf));
        }
    }

    private SgxStatus status(SgxStatus s) {
        lp.regs().status(s);
        return s;
    }

    /** ECREATE: RBX = PAGEINFO, RCX = EPC page for the SECS. */
    public void ecreate(long pageinfo, long secsPage) {
        prologue(ECREATE);
        Ecreate.run(lp, pageinfo, secsPage);
    }

    /** EADD: RBX = PAGEINFO, RCX = destination EPC page. */
    public void eadd(long pageinfo, long epcPage) {
        prologue(EADD);
        Eadd.run(lp, pageinfo, epcPage);
    }

    /** EEXTEND: RBX = SECS, RCX = 256-byte chunk in an EPC page. */
    public void eextend(long secs, long chunk) {
        prologue(EEXTEND);
        Eextend.run(lp, secs, chunk);
    }

    /** EINIT: RBX = SIGSTRUCT, RCX = SECS, RDX = EINITTOKEN. */
    public SgxStatus einit(long sigstruct, long secs, long token) {
        prologue(EINIT);
        return status(Einit.run(lp, sigstruct, secs, token));
    }

    /** EREMOVE: RCX = EPC page. */
    public SgxStatus eremove(long epcPage) {
        prologue(EREMOVE);
        return status(Eremove.run(lp, epcPage));
    }

    /** EDBGRD: RCX = EPC address; the value read is left in RBX (see {@link Registers#rbx}). */
    public SgxStatus edbgrd(long address) {
        prologue(EDBGRD);
        return status(Edbg.read(lp, address));
    }

    /** EDBGWR: RBX = data, RCX = EPC address. */
    public SgxStatus edbgwr(long address, long data) {
        prologue(EDBGWR);
        return status(Edbg.write(lp, address, data));
    }

    /** ELDB: RBX = PAGEINFO (SRCPGE, PCMD, SECS, LINADDR), RCX = destination EPC page, RDX = VA slot. */
    public SgxStatus eldb(long pageinfo, long epcPage, long vaSlot) {
        prologue(ELDB);
        return status(Eld.run(lp, pageinfo, epcPage, vaSlot, true));
    }

    /** ELDU: as {@link #eldb}, the page is loaded unblocked. */
    public SgxStatus eldu(long pageinfo, long epcPage, long vaSlot) {
        prologue(ELDU);
        return status(Eld.run(lp, pageinfo, epcPage, vaSlot, false));
    }

    /** EBLOCK: RCX = EPC page. */
    public SgxStatus eblock(long epcPage) {
        prologue(EBLOCK);
        return status(Eblock.run(lp, epcPage));
    }

    /** EPA: RBX = PT_VA, RCX = EPC page that becomes a Version Array. */
    public void epa(long pageType, long epcPage) {
        prologue(EPA);
        Epa.run(lp, pageType, epcPage);
    }

    /** EPA with RBX = PT_VA. */
    public void epa(long epcPage) {
        epa(PageType.PT_VA.value(), epcPage);
    }

    /** EWB: RBX = PAGEINFO (SRCPGE, PCMD; LINADDR written back), RCX = EPC page, RDX = VA slot. */
    public SgxStatus ewb(long pageinfo, long epcPage, long vaSlot) {
        prologue(EWB);
        return status(Ewb.run(lp, pageinfo, epcPage, vaSlot));
    }

    /** ETRACK: RCX = SECS. */
    public SgxStatus etrack(long secs) {
        prologue(ETRACK);
        return status(Etrack.run(lp, secs));
    }

    /** EAUG (SGX2): RBX = PAGEINFO (LINADDR, SECS; SRCPGE = SECINFO = 0), RCX = EPC page. */
    public void eaug(long pageinfo, long epcPage) {
        prologue(EAUG);
        Eaug.run(lp, pageinfo, epcPage);
    }

    /** EMODPR (SGX2): RBX = SECINFO (permissions to keep), RCX = EPC page. */
    public SgxStatus emodpr(long secinfo, long epcPage) {
        prologue(EMODPR);
        return status(Emodpr.run(lp, secinfo, epcPage));
    }

    /** EMODT (SGX2): RBX = SECINFO (new type PT_TCS or PT_TRIM), RCX = EPC page. */
    public SgxStatus emodt(long secinfo, long epcPage) {
        prologue(EMODT);
        return status(Emodt.run(lp, secinfo, epcPage));
    }

    /** Executes the leaf in EAX with the operands in RBX, RCX, RDX (the engine's entry point). */
    public void execute() {
        Registers r = lp.regs();
        int leaf = (int) r.rax;
        switch (leaf) {
            case ECREATE -> ecreate(r.rbx, r.rcx);
            case EADD -> eadd(r.rbx, r.rcx);
            case EEXTEND -> eextend(r.rbx, r.rcx);
            case EINIT -> einit(r.rbx, r.rcx, r.rdx);
            case EREMOVE -> eremove(r.rcx);
            case EDBGRD -> edbgrd(r.rcx);
            case EDBGWR -> edbgwr(r.rcx, r.rbx);
            case ELDB -> eldb(r.rbx, r.rcx, r.rdx);
            case ELDU -> eldu(r.rbx, r.rcx, r.rdx);
            case EBLOCK -> eblock(r.rcx);
            case EPA -> epa(r.rbx, r.rcx);
            case EWB -> ewb(r.rbx, r.rcx, r.rdx);
            case ETRACK -> etrack(r.rcx);
            case EAUG -> eaug(r.rbx, r.rcx);
            case EMODPR -> emodpr(r.rbx, r.rcx);
            case EMODT -> emodt(r.rbx, r.rcx);
            default -> {
                prologue(leaf);
                throw new GeneralProtectionFault(String.format("ENCLS leaf 0x%x not modelled", leaf));
            }
        }
    }
}
