package org.jsgx.cpu;

/**
 * ENCLU: the user leaves, executed on one logical processor at CPL 3. Register conventions of
 * the SDM; each method completes, returns a status (also in RAX with ZF), or throws a fault.
 */
public final class Enclu {
    public static final int EREPORT = 0, EGETKEY = 1, EENTER = 2, ERESUME = 3, EEXIT = 4, EACCEPT = 5,
            EMODPE = 6, EACCEPTCOPY = 7;

    private final LogicalProcessor lp;

    Enclu(LogicalProcessor lp) {
        this.lp = lp;
    }

    /** ENCLU prologue: #UD outside ring 3, #GP for disabled SGX and for mode restrictions. */
    void prologue(int leaf) {
        if (lp.cpl() != 3) {
            throw new InvalidOpcodeFault("ENCLU at CPL " + lp.cpl());
        }
        long fc = lp.platform().featureControl();
        if ((fc & Platform.FEATURE_CONTROL_LOCK) == 0 || (fc & Platform.FEATURE_CONTROL_SGX_ENABLE) == 0) {
            throw new GeneralProtectionFault("SGX not enabled in IA32_FEATURE_CONTROL");
        }
        boolean sgx2Leaf = leaf == EACCEPT || leaf == EMODPE || leaf == EACCEPTCOPY;
        if (leaf < 0 || leaf > EACCEPTCOPY || (sgx2Leaf && !lp.platform().capabilities().sgx2())) {
            throw new GeneralProtectionFault("ENCLU leaf " + leaf + " not supported");
        }
        boolean outsideLeaf = leaf == EENTER || leaf == ERESUME;
        if (outsideLeaf && lp.enclaveMode) {
            throw new GeneralProtectionFault("EENTER/ERESUME inside an enclave");
        }
        if (!outsideLeaf && !lp.enclaveMode) {
            throw new GeneralProtectionFault("ENCLU leaf " + leaf + " outside enclave mode");
        }
    }

    private SgxStatus status(SgxStatus s) {
        lp.regs().status(s);
        return s;
    }

    /** EREPORT: RBX = TARGETINFO, RCX = REPORTDATA, RDX = output REPORT (enclave addresses). */
    public void ereport(long targetInfo, long reportData, long output) {
        prologue(EREPORT);
        Ereport.run(lp, targetInfo, reportData, output);
    }

    /** EGETKEY: RBX = KEYREQUEST, RCX = 16-byte output. */
    public SgxStatus egetkey(long keyRequest, long output) {
        prologue(EGETKEY);
        return status(Egetkey.run(lp, keyRequest, output));
    }

    /** EENTER: RBX = TCS, RCX = AEP. On return RIP is the enclave entry point. */
    public void eenter(long tcs, long aep) {
        prologue(EENTER);
        Eenter.run(lp, tcs, aep);
    }

    /** EEXIT: RBX = target outside the enclave. */
    public void eexit(long target) {
        prologue(EEXIT);
        Eexit.run(lp, target);
    }

    /** ERESUME: RBX = TCS, RCX = AEP. Continues from SSA frame CSSA-1. */
    public void eresume(long tcs, long aep) {
        prologue(ERESUME);
        Eresume.run(lp, tcs, aep);
    }

    /** EACCEPT (SGX2): RBX = SECINFO (enclave address), RCX = the page to accept. */
    public SgxStatus eaccept(long secinfo, long page) {
        prologue(EACCEPT);
        return status(Eaccept.run(lp, secinfo, page));
    }

    /** EMODPE (SGX2): RBX = SECINFO (permissions to add), RCX = the page. */
    public void emodpe(long secinfo, long page) {
        prologue(EMODPE);
        Emodpe.run(lp, secinfo, page);
    }

    /** EACCEPTCOPY (SGX2): RBX = SECINFO, RCX = PENDING destination page, RDX = source page. */
    public SgxStatus eacceptcopy(long secinfo, long destination, long source) {
        prologue(EACCEPTCOPY);
        return status(Eacceptcopy.run(lp, secinfo, destination, source));
    }

    /** Executes the leaf in EAX with operands in RBX, RCX, RDX (the x86 engine's entry point). */
    public void execute() {
        Registers r = lp.regs();
        int leaf = (int) r.rax;
        switch (leaf) {
            case EREPORT -> ereport(r.rbx, r.rcx, r.rdx);
            case EGETKEY -> egetkey(r.rbx, r.rcx);
            case EENTER -> eenter(r.rbx, r.rcx);
            case EEXIT -> eexit(r.rbx);
            case ERESUME -> eresume(r.rbx, r.rcx);
            case EACCEPT -> eaccept(r.rbx, r.rcx);
            case EMODPE -> emodpe(r.rbx, r.rcx);
            case EACCEPTCOPY -> eacceptcopy(r.rbx, r.rcx, r.rdx);
            default -> {
                prologue(leaf);
                throw new GeneralProtectionFault("ENCLU leaf " + leaf + " not modelled");
            }
        }
    }
}
