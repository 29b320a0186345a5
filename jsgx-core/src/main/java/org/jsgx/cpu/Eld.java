package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ENCLS[ELDB] and ENCLS[ELDU]: load a page evicted by EWB back into a free EPC frame. The MAC
 * must verify with the version in the VA slot, the PCMD metadata, the LINADDR given now and
 * the EID of the SECS given now; otherwise SGX_MAC_COMPARE_FAIL and nothing changes. On
 * success the slot is emptied (a second load of the same eviction fails: anti-replay).
 */
final class Eld {
    private Eld() {
    }

    static SgxStatus run(LogicalProcessor lp, long rbx, long rcx, long rdx, boolean loadBlocked) {
        Checks.aligned(rbx, PageInfo.ALIGN, "PAGEINFO");
        Checks.aligned(rcx, 4096, "destination EPC page");
        EpcPage page = lp.epcOperand(rcx, Access.WRITE);
        Checks.aligned(rdx, 8, "VA slot");
        EpcPage va = lp.epcOperand(rdx, Access.WRITE);

        PageInfo pi = lp.tmpPageInfo;
        lp.readInto(rbx, pi.segment(), 0, PageInfo.SIZE);
        Checks.aligned(pi.pcmd(), Pcmd.ALIGN, "PAGEINFO.PCMD");
        Checks.aligned(pi.srcpge(), 4096, "PAGEINFO.SRCPGE");

        Checks.lock(page, "destination EPC page");
        try {
            if (va == page) {
                // one frame cannot be both an invalid target and a valid VA page
                Checks.pf(page.epcm().valid, rcx, "destination EPC page already valid");
                throw PageFault.epcm(rdx, "RDX is not a slot of a valid VA page");
            }
            Checks.lock(va, "VA page");
            try {
                return load(lp, rcx, rdx, pi, page, va, loadBlocked);
            } finally {
                va.unlock();
            }
        } finally {
            page.unlock();
        }
    }

    private static SgxStatus load(LogicalProcessor lp, long rcx, long rdx, PageInfo pi, EpcPage page, EpcPage va,
                                  boolean loadBlocked) {
        Checks.pf(page.epcm().valid, rcx, "destination EPC page already valid");
        EpcmEntry ve = va.epcm();
        Checks.pf(!ve.valid || ve.pageType != PageType.PT_VA, rdx, "RDX is not a slot of a valid VA page");

        PagingCrypto crypto = lp.pagingCrypto();
        byte[] pcmd = crypto.pcmd;
        lp.read(pi.pcmd(), pcmd, 0, Pcmd.SIZE);
        long flags = Bytes.le64(pcmd, Pcmd.SECINFO);
        PageType pt = PageType.ofValue((int) ((flags >>> 8) & 0xFF));
        boolean child = pt == PageType.PT_REG || pt == PageType.PT_TCS || pt == PageType.PT_TRIM;
        EpcPage secsPage = null;
        long eid = Bytes.le64(pcmd, Pcmd.ENCLAVEID);
        if (child) {
            Checks.aligned(pi.secs(), 4096, "PAGEINFO.SECS");
            secsPage = lp.epcOperand(pi.secs(), Access.READ);
            Checks.lock(secsPage, "SECS");
            try {
                // [MODEL] the SECS operand must be a valid SECS page
                Checks.pf(!secsPage.epcm().valid || secsPage.epcm().pageType != PageType.PT_SECS, pi.secs(),
                        "PAGEINFO.SECS is not a valid SECS");
                // [MODEL] the header EID is that of the SECS given now (SDM); PCMD.ENCLAVEID must
                // match it, which binds every PCMD byte to the MAC
                if (eid != Checks.state(secsPage).eid) {
                    return SgxStatus.SGX_MAC_COMPARE_FAIL;
                }
                return decryptAndCommit(lp, crypto, rdx, pi, page, va, pcmd, flags, pt, secsPage, eid, loadBlocked);
            } finally {
                secsPage.unlock();
            }
        }
        return decryptAndCommit(lp, crypto, rdx, pi, page, va, pcmd, flags, pt, null, eid, loadBlocked);
    }

    private static SgxStatus decryptAndCommit(LogicalProcessor lp, PagingCrypto crypto, long rdx, PageInfo pi,
                                              EpcPage page, EpcPage va,
                                              byte[] pcmd, long flags, PageType pt, EpcPage secsPage, long eid,
                                              boolean loadBlocked) {
        byte[] header = crypto.header(pcmd, pi.linaddr(), eid);
        byte[] sealed = crypto.sealedBuffer();
        lp.read(pi.srcpge(), sealed, 0, EpcPage.SIZE);
        System.arraycopy(pcmd, Pcmd.MAC, sealed, EpcPage.SIZE, PagingCrypto.TAG);
        long version = va.data().get(Struct.U64, rdx & 0xFFF);
        byte[] plain = crypto.open(lp.platform().fuses().basePk(), version, header);
        if (plain == null) {
            return SgxStatus.SGX_MAC_COMPARE_FAIL;
        }
        SecsState secsState = null;
        if (pt == PageType.PT_SECS) {
            secsState = lp.platform().evictedSecs.remove(eid);
            if (secsState == null) {
                throw new IllegalStateException("no parked hidden state for SECS EID " + eid);
            }
        }

        // commit
        va.data().set(Struct.U64, rdx & 0xFFF, 0L);
        MemorySegment.copy(plain, 0, page.data(), ValueLayout.JAVA_BYTE, 0, EpcPage.SIZE);
        EpcmEntry e = page.epcm();
        // [MODEL] a child loaded blocked never had a translation: EWB needs no new ETRACK
        boolean child = secsPage != null;
        e.setLoaded(pt, flags, secsPage, pi.linaddr(), child && loadBlocked, child ? Tracking.NEVER_MAPPED : 0);
        if (child) {
            Checks.state(secsPage).children.incrementAndGet();
        }
        if (secsState != null) {
            page.secsState = secsState;
        }
        return SgxStatus.SGX_SUCCESS;
    }
}
