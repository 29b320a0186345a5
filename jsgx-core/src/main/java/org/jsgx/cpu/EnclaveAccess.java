package org.jsgx.cpu;

/**
 * The EPCM checks an enclave-mode access to an enclave page passes (SDM "access control" and
 * the operand checks of EREPORT/EGETKEY/EACCEPT...): the page must be a valid, unblocked,
 * accepted PT_REG page of the current enclave, mapped at the linear address it was added at,
 * with the needed permissions. Any failure is #PF with PFEC.SGX.
 */
final class EnclaveAccess {
    private EnclaveAccess() {
    }

    /** True when {@code la} lies inside the current enclave's ELRANGE. */
    static boolean inElrange(LogicalProcessor lp, long la) {
        return Long.compareUnsigned(la - lp.elrangeBase, lp.elrangeSize) < 0;
    }

    /** Translates and checks an enclave page for the given access; returns the frame. */
    static EpcPage regPage(LogicalProcessor lp, long la, Access access) {
        long pa = lp.translate(la, access);
        EpcPage p = lp.platform().epc().page(pa);
        int pfec = PageFault.PFEC_P | PageFault.PFEC_U | access.pfecBits() | PageFault.PFEC_SGX;
        if (p == null) {
            throw new PageFault(la, pfec, String.format("enclave address 0x%x does not map to the EPC", la));
        }
        EpcmEntry e = p.epcm();
        String why = null;
        if (!e.valid) {
            why = "EPCM entry not valid";
        } else if (e.enclaveSecs != lp.activeSecs) {
            why = "page belongs to another enclave";
        } else if (e.enclaveAddress != (la & ~0xFFFL)) {
            why = String.format("page was added at 0x%x", e.enclaveAddress);
        } else if (e.pageType != PageType.PT_REG) {
            why = "page type " + e.pageType + " is not accessible";
        } else if (e.blocked) {
            why = "page is BLOCKED";
        } else if (e.pending) {
            why = "page is PENDING (not yet accepted)";
        } else if (e.modified) {
            why = "page is MODIFIED";
        } else if (access == Access.READ && !e.r || access == Access.WRITE && !e.w
                || access == Access.EXECUTE && !e.x) {
            why = "EPCM permissions do not allow " + access;
        }
        if (why != null) {
            throw new PageFault(la, pfec, why);
        }
        return p;
    }
}
