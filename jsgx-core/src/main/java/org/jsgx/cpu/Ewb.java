package org.jsgx.cpu;


/**
 * ENCLS[EWB]: evicts an EPC page to normal memory. The page is encrypted and MACed with
 * AES-128-GCM under CR_BASE_PK ({@link PagingCrypto}); the metadata goes to the PCMD, a fresh
 * version to a VA slot (anti-replay), and the EPCM entry becomes invalid. Children must be
 * blocked and tracked; a SECS may go only without resident children, its hidden state then
 * parked in {@link Platform#evictedSecs} under its EID; a VA page goes into another VA page.
 */
final class Ewb {
    private Ewb() {
    }

    static SgxStatus run(LogicalProcessor lp, long rbx, long rcx, long rdx) {
        Checks.aligned(rbx, PageInfo.ALIGN, "PAGEINFO");
        Checks.aligned(rcx, 4096, "EPC page");
        EpcPage page = lp.epcOperand(rcx, Access.READ);
        Checks.aligned(rdx, 8, "VA slot");
        EpcPage va = lp.epcOperand(rdx, Access.WRITE);
        Checks.gp(va == page, "the VA slot lies in the page being evicted");

        PageInfo pi = lp.tmpPageInfo;
        lp.readInto(rbx, pi.segment(), 0, PageInfo.SIZE);
        Checks.gp(pi.linaddr() != 0, "PAGEINFO.LINADDR must be 0 for EWB");
        Checks.gp(pi.secs() != 0, "PAGEINFO.SECS must be 0 for EWB");
        Checks.aligned(pi.pcmd(), Pcmd.ALIGN, "PAGEINFO.PCMD");
        Checks.aligned(pi.srcpge(), 4096, "PAGEINFO.SRCPGE");
        // [MODEL] the outputs are probed before anything commits, so a #PF on them changes nothing
        lp.translate(pi.srcpge(), Access.WRITE);
        lp.translate(pi.pcmd(), Access.WRITE);
        lp.translate(rbx, Access.WRITE);

        Checks.lock(page, "EPC page");
        try {
            Checks.lock(va, "VA page");
            try {
                return evict(lp, rbx, rcx, rdx, pi, page, va);
            } finally {
                va.unlock();
            }
        } finally {
            page.unlock();
        }
    }

    private static SgxStatus evict(LogicalProcessor lp, long rbx, long rcx, long rdx, PageInfo pi, EpcPage page,
                                   EpcPage va) {
        EpcmEntry e = page.epcm();
        Checks.pf(!e.valid, rcx, "EPC page not valid");
        EpcmEntry ve = va.epcm();
        Checks.pf(!ve.valid || ve.pageType != PageType.PT_VA, rdx, "RDX is not a slot of a valid VA page");

        SecsState owner = null;
        SecsState secs = null;
        long eid;
        switch (e.pageType) {
            case PT_REG, PT_TCS, PT_TRIM -> {
                if (!e.blocked) {
                    return SgxStatus.SGX_PAGE_NOT_BLOCKED;
                }
                owner = Checks.state(e.enclaveSecs);
                if (!Tracking.correct(owner, e.bepoch)) {
                    return SgxStatus.SGX_NOT_TRACKED;
                }
                eid = owner.eid;
            }
            case PT_SECS -> {
                secs = Checks.state(page);
                if (secs.children() != 0) {
                    return SgxStatus.SGX_CHILD_PRESENT;
                }
                // [MODEL] the SDM puts EID 0 in the MAC header of a SECS; hardware keeps the EID
                // inside the (encrypted) SECS page, the model keeps it outside, so the header
                // carries the SECS's own EID to bind PCMD.ENCLAVEID instead.
                eid = secs.eid;
            }
            case PT_VA -> eid = 0;
            default -> throw new GeneralProtectionFault("EWB of a " + e.pageType + " page");
        }

        long version = lp.platform().nextPagingVersion();
        long flags = e.secinfoFlags();
        PagingCrypto crypto = lp.pagingCrypto();
        byte[] header = crypto.header(flags, e.enclaveAddress, eid);
        byte[] sealed = crypto.seal(lp.platform().fuses().basePk(), version, header, page.data());

        // commit
        byte[] pcmd = crypto.pcmd;
        java.util.Arrays.fill(pcmd, (byte) 0);
        Measurement.put64(pcmd, Pcmd.SECINFO, flags);
        Measurement.put64(pcmd, Pcmd.ENCLAVEID, eid);
        System.arraycopy(sealed, EpcPage.SIZE, pcmd, Pcmd.MAC, PagingCrypto.TAG);
        lp.write(pi.srcpge(), sealed, 0, EpcPage.SIZE);
        lp.write(pi.pcmd(), pcmd);
        lp.writeU64(rbx + PageInfo.LINADDR, e.enclaveAddress);
        boolean occupied = va.data().get(Struct.U64, rdx & 0xFFF) != 0;
        va.data().set(Struct.U64, rdx & 0xFFF, version);
        if (owner != null) {
            owner.children.decrementAndGet();
        }
        if (secs != null) {
            lp.platform().evictedSecs.put(secs.eid, secs);
            page.secsState = null;
        }
        e.invalidate();
        return occupied ? SgxStatus.SGX_VA_SLOT_OCCUPIED : SgxStatus.SGX_SUCCESS;
    }
}
