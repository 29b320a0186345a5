package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ENCLU[EACCEPT] (SGX2): the enclave confirms a change the OS made to one of its pages — a
 * page added by EAUG (PENDING), restricted by EMODPR (PR) or retyped by EMODT (MODIFIED). The
 * SECINFO must describe the page's current EPCM state exactly; changes made by EMODPR/EMODT
 * also need a completed tracking cycle ({@link Tracking}).
 */
final class Eaccept {
    private Eaccept() {
    }

    static SgxStatus run(LogicalProcessor lp, long rbx, long rcx) {
        Checks.aligned(rbx, SecInfo.ALIGN, "SECINFO");
        EpcPage sp = EnclaveAccess.operand(lp, rbx, Access.READ, "SECINFO");
        SecInfo si = new SecInfo(MemorySegment.ofArray(
                sp.data().asSlice(rbx & 0xFFF, SecInfo.SIZE).toArray(ValueLayout.JAVA_BYTE)));
        long f = si.flags();
        if ((f & SecInfo.RESERVED_BITS) != 0 || !si.reservedBytesZero()) {
            throw new GeneralProtectionFault(String.format("SECINFO.FLAGS 0x%x has reserved bits set", f));
        }
        Checks.aligned(rcx, 4096, "EPC page");
        if (!EnclaveAccess.inElrange(lp, rcx)) {
            throw new GeneralProtectionFault(String.format("page 0x%x is outside ELRANGE", rcx));
        }
        EpcPage page = lp.epcOperand(rcx, Access.READ);
        PageType pt = si.pageType();
        boolean pending = (f & SecInfo.PENDING) != 0;
        boolean modified = (f & SecInfo.MODIFIED) != 0;
        boolean pr = (f & SecInfo.PR) != 0;
        boolean legal = pt == PageType.PT_REG && (pr || pending) && !modified
                || (pt == PageType.PT_TCS || pt == PageType.PT_TRIM) && !pr && !pending && modified;
        if (!legal) {
            throw new GeneralProtectionFault(String.format("SECINFO.FLAGS 0x%x is not a request EACCEPT accepts", f));
        }
        checkTarget(lp, rcx, page);

        Checks.lock(page, "EPC page");
        try {
            checkTarget(lp, rcx, page);
            EpcmEntry e = page.epcm();
            if (e.enclaveAddress != rcx || e.pending != pending || e.modified != modified
                    || e.perms() != (f & SecInfo.RWX) || e.pageType != pt) {
                return SgxStatus.SGX_PAGE_ATTRIBUTES_MISMATCH;
            }
            if ((e.modified || e.pr) && !Tracking.correct(Checks.state(e.enclaveSecs), e.bepoch)) {
                return SgxStatus.SGX_NOT_TRACKED;
            }
            if (pt == PageType.PT_TCS) {
                checkNewTcs(new Tcs(page.data()), lp.activeSecs.secsView());
            }

            // commit
            e.pending(false);
            e.modified(false);
            e.pr(false);
            return SgxStatus.SGX_SUCCESS;
        } finally {
            page.unlock();
        }
    }

    /** Step 5: a valid, unblocked REG/TCS/TRIM page of the current enclave, else #PF(RCX). */
    private static void checkTarget(LogicalProcessor lp, long rcx, EpcPage page) {
        EpcmEntry e = page.epcm();
        Checks.pf(!e.valid || e.blocked || e.enclaveSecs != lp.activeSecs
                || e.pageType != PageType.PT_REG && e.pageType != PageType.PT_TCS && e.pageType != PageType.PT_TRIM,
                rcx, "not a valid, unblocked REG/TCS/TRIM page of this enclave");
    }

    /** Step 9: a page becoming a TCS must look like one EADD would accept, inactive. */
    private static void checkNewTcs(Tcs tcs, Secs secs) {
        Checks.gp(!tcs.reservedZero(), "TCS reserved bytes 72..4095 are not zero");
        Checks.gp((tcs.flags() & Tcs.FLAG_DBGOPTIN) != 0, "TCS.FLAGS.DBGOPTIN is set");
        Checks.gp(Integer.compareUnsigned(tcs.cssa(), tcs.nssa()) >= 0, "TCS.CSSA >= NSSA");
        Checks.gp(tcs.aep() != 0 || tcs.state() != 0, "TCS.AEP or TCS.STATE is not zero");
        if (!secs.attributes().has(Attributes.MODE64BIT)) {
            Checks.gp((tcs.fslimit() & 0xFFF) != 0xFFF || (tcs.gslimit() & 0xFFF) != 0xFFF,
                    "TCS FSLIMIT/GSLIMIT low 12 bits must be 0xFFF in a 32-bit enclave");
        }
    }
}
