package org.jsgx.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The one path every memory access of a logical processor's code takes: reads, writes and
 * instruction fetches by enclave code, and ENCLU operands in the enclave. Rules (SDM "Access
 * control", reference §6):
 * <ul>
 *   <li>Outside enclave mode: an address that translates into the EPC gets abort-page
 *       semantics (reads and fetches return all ones, writes are dropped); other memory is
 *       accessed normally.</li>
 *   <li>In enclave mode, inside ELRANGE: the address must map to the EPC and pass the EPCM
 *       checks of {@link #regPage} (valid, this enclave, this linear address, PT_REG, not
 *       BLOCKED/PENDING/MODIFIED, R/W/X for the access), else #PF with PFEC.SGX.</li>
 *   <li>In enclave mode, outside ELRANGE: instruction fetch is #GP(0); data access to the EPC
 *       is #PF(SGX) (its EPCM address can never match); other memory is accessed normally —
 *       how enclaves exchange data with the untrusted world.</li>
 * </ul>
 * Ordinary paging faults come first, from the {@link AddressSpace}. Accesses are split at page
 * boundaries (hence also at ELRANGE's page-aligned bounds), each part checked by its own rule;
 * every part is checked before any byte is written, so a faulting write changes nothing.
 */
final class EnclaveAccess {
    /** Physical address meaning "abort page": non-enclave access to the EPC. */
    private static final long ABORT_PAGE = -1;

    private EnclaveAccess() {
    }

    /** True when {@code la} lies inside the current enclave's ELRANGE. */
    static boolean inElrange(LogicalProcessor lp, long la) {
        return Long.compareUnsigned(la - lp.elrangeBase, lp.elrangeSize) < 0;
    }

    /** An enclave leaf operand: #GP outside ELRANGE, then the EPCM checks for {@code access}. */
    static EpcPage operand(LogicalProcessor lp, long la, Access access, String what) {
        if (!inElrange(lp, la)) {
            throw new GeneralProtectionFault(String.format("%s 0x%x is outside ELRANGE", what, la));
        }
        return regPage(lp, la, access);
    }

    /** Translates and checks an enclave page for the given access; returns the frame. */
    static EpcPage regPage(LogicalProcessor lp, long la, Access access) {
        long pa = lp.translate(la, access);
        EpcPage p = lp.platform().epc().page(pa);
        if (p == null) {
            throw new PageFault(la, pfec(access), String.format("enclave address 0x%x does not map to the EPC", la));
        }
        String why = epcmDenial(lp, p, la, access);
        if (why != null) {
            throw new PageFault(la, pfec(access), why);
        }
        p.markAccessed();
        return p;
    }

    /** Why the EPCM forbids {@code access} to frame {@code p} at {@code la}, or null when it allows it. */
    private static String epcmDenial(LogicalProcessor lp, EpcPage p, long la, Access access) {
        EpcmEntry e = p.epcm();
        if (!e.valid) {
            return "EPCM entry not valid";
        } else if (e.enclaveSecs != lp.activeSecs) {
            return "page belongs to another enclave";
        } else if (e.enclaveAddress != (la & ~0xFFFL)) {
            return String.format("page was added at 0x%x", e.enclaveAddress);
        } else if (e.pageType != PageType.PT_REG) {
            return "page type " + e.pageType + " is not accessible";
        } else if (e.blocked) {
            return "page is BLOCKED";
        } else if (e.pending) {
            return "page is PENDING (not yet accepted)";
        } else if (e.modified) {
            return "page is MODIFIED";
        } else if (access == Access.READ && !e.r || access == Access.WRITE && !e.w
                || access == Access.EXECUTE && !e.x) {
            return "EPCM permissions do not allow " + access;
        }
        return null;
    }

    /**
     * The accesses {@link #resolve} would allow at {@code la} in enclave mode, as a bit set
     * ({@code 1 << Access.ordinal()}), without raising anything: what an engine that maps
     * memory itself may cache for the page, like a TLB entry. Same rules as {@link #resolve}.
     */
    static int permissions(LogicalProcessor lp, long la) {
        int perms = 0;
        for (Access a : Access.values()) {
            long pa;
            try {
                pa = lp.translate(la, a);
            } catch (PageFault f) {
                continue; // the page tables forbid it
            }
            boolean ok;
            if (!lp.enclaveMode) {
                ok = false;
            } else if (inElrange(lp, la)) {
                EpcPage p = lp.platform().epc().page(pa);
                ok = p != null && epcmDenial(lp, p, la, a) == null;
            } else {
                ok = a != Access.EXECUTE && !lp.platform().epc().contains(pa);
            }
            if (ok) {
                perms |= 1 << a.ordinal();
            }
        }
        return perms;
    }

    private static int pfec(Access access) {
        return PageFault.PFEC_P | PageFault.PFEC_U | access.pfecBits() | PageFault.PFEC_SGX;
    }

    /**
     * The physical address an access at {@code la} reaches under the rules above, or
     * {@link #ABORT_PAGE}; throws the architectural fault otherwise.
     */
    static long resolve(LogicalProcessor lp, long la, Access access) {
        if (!lp.enclaveMode) {
            long pa = lp.translate(la, access);
            return lp.platform().epc().contains(pa) ? ABORT_PAGE : pa;
        }
        if (inElrange(lp, la)) {
            return regPage(lp, la, access).pa() | (la & 0xFFF);
        }
        if (access == Access.EXECUTE) {
            throw new GeneralProtectionFault(String.format("instruction fetch at 0x%x outside ELRANGE in enclave mode", la));
        }
        long pa = lp.translate(la, access);
        if (lp.platform().epc().contains(pa)) {
            throw new PageFault(la, pfec(access),
                    String.format("enclave-mode access at 0x%x outside ELRANGE maps to the EPC", la));
        }
        return pa;
    }

    /** A data read ({@code READ}) or instruction fetch ({@code EXECUTE}) of {@code len} bytes. */
    static byte[] read(LogicalProcessor lp, long la, int len, Access access) {
        byte[] out = new byte[len];
        int done = 0;
        while (done < len) {
            long a = la + done;
            int n = (int) Math.min(len - done, 4096 - (a & 0xFFF));
            long pa = resolve(lp, a, access);
            if (pa == ABORT_PAGE) {
                java.util.Arrays.fill(out, done, done + n, (byte) 0xFF);
            } else {
                MemorySegment f = lp.platform().memory().frame(pa);
                MemorySegment.copy(f, ValueLayout.JAVA_BYTE, pa & 0xFFF, out, done, n);
            }
            done += n;
        }
        return out;
    }

    /** A data write; every page is checked before the first byte is stored. */
    static void write(LogicalProcessor lp, long la, byte[] data) {
        int len = data.length;
        long[] pas = new long[(int) (((la & 0xFFF) + len + 4095) >>> 12)];
        for (int i = 0, done = 0; done < len; i++) {
            long a = la + done;
            pas[i] = resolve(lp, a, Access.WRITE);
            done += (int) Math.min(len - done, 4096 - (a & 0xFFF));
        }
        for (int i = 0, done = 0; done < len; i++) {
            long a = la + done;
            int n = (int) Math.min(len - done, 4096 - (a & 0xFFF));
            if (pas[i] != ABORT_PAGE) {
                MemorySegment f = lp.platform().memory().frame(pas[i]);
                MemorySegment.copy(data, done, f, ValueLayout.JAVA_BYTE, pas[i] & 0xFFF, n);
            }
            done += n;
        }
    }
}
